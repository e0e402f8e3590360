#include <cstdlib>
#include <unordered_map>
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
    // lines were deleted still lines up with what remains. Each file line
    // votes for the positions at which it would match an old line: linear
    // in the file, instead of comparing every line at every position.
    std::unordered_map<std::string_view, std::vector<long>> where_in_hunk;
    for (long i = 0; i < m; ++i) {
        where_in_hunk[old_lines[static_cast<std::size_t>(i)]].push_back(i);
    }
    const long first_pos = 1 - m + 1;
    std::vector<long> votes(static_cast<std::size_t>(n - first_pos + 1), 0);
    for (long line = 1; line <= n; ++line) {
        const auto it = where_in_hunk.find(input[static_cast<std::size_t>(line - 1)]);
        if (it == where_in_hunk.end()) {
            continue;
        }
        for (const long i : it->second) {
            const long pos = line - i;
            if (pos >= first_pos && pos <= n) {
                ++votes[static_cast<std::size_t>(pos - first_pos)];
            }
        }
    }
    ClosestMatch best;
    best.total = m;
    const long stated = hunk.old_start;
    for (long pos = first_pos; pos <= n; ++pos) {
        const long matched = votes[static_cast<std::size_t>(pos - first_pos)];
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
