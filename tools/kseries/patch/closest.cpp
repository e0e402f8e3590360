#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <vector>

#include <kseries/patch/closest.hpp>

namespace kseries::patch {

namespace {

// At most this many positions are scored for one hunk. A line that occurs
// everywhere ("}", a blank line) would otherwise make every failed hunk
// cost the whole file; the rarest lines are taken first, so the cap only
// leaves out positions that nothing but such lines support.
constexpr std::size_t position_budget = 4096;

} // namespace

std::optional<ClosestMatch> closest_match(const Hunk& hunk, std::string_view file) {
    const LineIndex index(file);
    return closest_match(hunk, index);
}

std::optional<ClosestMatch> closest_match(const Hunk& hunk, const LineIndex& index) {
    std::vector<std::string_view> old_lines;
    for (const auto& l : hunk.lines) {
        if (l.on_old_side()) {
            old_lines.push_back(l.old_text());
        }
    }
    const long n = index.count();
    const auto m = static_cast<long>(old_lines.size());
    if (m == 0) {
        return std::nullopt;
    }
    const long stated = hunk.old_start;
    // Positions may hang over either end of the file: a hunk whose first
    // lines were deleted still lines up with what remains. A position is a
    // candidate when one of the hunk's lines is found there; candidates come
    // from the hunk's rarest lines first.
    std::vector<std::span<const long>> where(old_lines.size());
    for (std::size_t i = 0; i < old_lines.size(); ++i) {
        where[i] = index.positions(old_lines[i]);
    }
    std::vector<std::size_t> order(old_lines.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return where[a].size() < where[b].size(); });
    // Each occurrence of a hunk line is a vote for one position; once sorted,
    // a position's votes are its run length. Only when the budget left lines
    // out are the positions scored line by line.
    std::vector<long> votes;
    bool complete = true;
    for (const std::size_t i : order) {
        const auto shift = static_cast<long>(i);
        auto lines = where[i];
        const std::size_t room = position_budget - votes.size();
        if (lines.size() > room) {
            // Only the occurrences nearest the stated line still fit.
            const auto mid = static_cast<std::size_t>(
                std::lower_bound(lines.begin(), lines.end(), stated + shift) - lines.begin());
            const std::size_t from = mid - std::min(mid, room / 2);
            lines = lines.subspan(from, std::min(room, lines.size() - from));
            complete = false;
        }
        for (const long line : lines) {
            votes.push_back(line - shift);
        }
        if (!complete) {
            break;
        }
    }
    std::sort(votes.begin(), votes.end());

    ClosestMatch best;
    best.total = m;
    for (std::size_t at = 0; at < votes.size();) {
        const long pos = votes[at];
        std::size_t end = at;
        while (end < votes.size() && votes[end] == pos) {
            ++end;
        }
        auto matched = static_cast<long>(end - at);
        at = end;
        if (!complete) {
            matched = 0;
            for (long i = std::max(0L, 1 - pos); i < m && pos + i <= n; ++i) {
                matched += index.line(pos + i) == old_lines[static_cast<std::size_t>(i)] ? 1 : 0;
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
