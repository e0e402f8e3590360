#include <cstdlib>
#include <vector>

#include <kseries/patch/closest.hpp>
#include <kseries/util/text.hpp>

namespace kseries::patch {

std::optional<ClosestMatch> closest_match(const Hunk& hunk, std::string_view file) {
    std::vector<std::string_view> old_lines;
    for (const auto& l : hunk.lines) {
        if (l.on_old_side()) {
            old_lines.push_back(l.old_text());
        }
    }
    const auto input = text::split_lines(file);
    const auto n = static_cast<long>(input.size());
    const auto m = static_cast<long>(old_lines.size());
    if (m == 0) {
        return std::nullopt;
    }
    // Positions may hang over either end of the file: a hunk whose first
    // lines were deleted still lines up with what remains.
    ClosestMatch best;
    best.total = m;
    const long stated = hunk.old_start;
    for (long pos = 1 - m + 1; pos <= n; ++pos) {
        long matched = 0;
        for (long i = 0; i < m; ++i) {
            const long line = pos + i;
            if (line >= 1 && line <= n &&
                input[static_cast<std::size_t>(line - 1)] ==
                    old_lines[static_cast<std::size_t>(i)]) {
                ++matched;
            }
        }
        // Prefer more matching lines, then the position nearest the stated one.
        if (matched > best.matched || (matched == best.matched && matched > 0 &&
                                       std::labs(pos - stated) < std::labs(best.line - stated))) {
            best.line = pos;
            best.matched = matched;
        }
    }
    if (best.matched == 0) {
        return std::nullopt;
    }
    best.line = std::max(1L, best.line);
    return best;
}

} // namespace kseries::patch
