// The one walker over a '/'-separated relative path's components, for the
// code that decides whether a path may be touched (the tree's opener, the
// journal, patch names, archive members): one place splits the name, so
// every caller sees the same components.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kseries::util {

// The components of `path`, in order: empty components (from "//" or an
// edge '/') and "." are dropped; ".." is kept for the caller to judge.
[[nodiscard]] std::vector<std::string> path_components(std::string_view path);

} // namespace kseries::util
