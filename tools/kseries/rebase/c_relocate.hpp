// Step 4 of placing a hunk (place.hpp): relocation by enclosing C function.
// The hunk's function is found by name in the target (c_function.hpp); its
// old lines are aligned to that function's body, and the hunk is placed
// only where the alignment decides every removed and added line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <kseries/patch/model.hpp>
#include <kseries/rebase/c_function.hpp>

namespace kseries::rebase {

// The hunk placed inside `body` by aligning its old lines to the body's
// (longest common subsequence). Every removed line must align, to a line
// whose text occurs once in the file; added lines go after the aligned line
// before them (or before the one after them). None, with why, when the
// alignment does not decide it.
[[nodiscard]] std::optional<std::vector<std::string>>
relocate(const std::vector<std::string>& content, const Body& body, const patch::Hunk& h,
         std::string& why);

} // namespace kseries::rebase
