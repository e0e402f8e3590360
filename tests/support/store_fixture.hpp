// What the series store tests share: two one-hunk patches and a release
// parsed without ceremony.
#pragma once

#include <kseries/kernel/release.hpp>

namespace kseries::test {

inline const char* const patch_f = "--- a/f.c\n+++ b/f.c\n@@ -1,1 +1,1 @@\n-old\n+new\n";
inline const char* const patch_g = "--- a/g.c\n+++ b/g.c\n@@ -1,1 +1,1 @@\n-x\n+y\n";

inline kernel::Release rel(const char* name) { return *kernel::parse_release(name); }

} // namespace kseries::test
