// The small series the flow, matrix and report unit tests share: a 20-line
// file of numbered lines and one patch that changes its line 8, long enough
// that kernel.spec's ApplyOptionalPatch does not skip it.
#pragma once

#include <string>

namespace kseries::test {

// "line 1\n" ... "line N\n".
inline std::string numbered(int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) {
        out += "line " + std::to_string(i) + "\n";
    }
    return out;
}

// `s` with its first `from` replaced by `to`.
inline std::string replaced(std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
}

// Changes line 8 of numbered(20).
inline const std::string fix_patch =
    "A fix, with a description long enough to pass kernel.spec.\n\n"
    "--- a/f\n+++ b/f\n@@ -5,7 +5,7 @@\n line 5\n line 6\n line 7\n"
    "-line 8\n+LINE 8\n line 9\n line 10\n line 11\n";

// numbered(20) where the patch's line 8 reads otherwise: the patch fails.
inline std::string conflicting_file() { return replaced(numbered(20), "line 8\n", "line eight\n"); }

} // namespace kseries::test
