// Which kseries this is: the one answer --version and every JSON report give.
#pragma once

#include <string_view>

namespace kseries {

// The project's version, "X.Y.Z" from project(VERSION) in the top
// CMakeLists.txt: a report read later, or a bug report, says which kseries
// wrote it.
[[nodiscard]] std::string_view version();

} // namespace kseries
