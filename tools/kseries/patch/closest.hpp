// Where a hunk that failed comes closest to applying: the position in the
// file where most of its old lines are found in order. It tells a
// maintainer where to look, and how much of the hunk's context survives.
#pragma once

#include <optional>
#include <string_view>

#include <kseries/patch/line_index.hpp>
#include <kseries/patch/model.hpp>

namespace kseries::patch {

struct ClosestMatch {
    long line = 0;    // 1-based first line of the best position
    long matched = 0; // old lines equal to the file's line at that position
    long total = 0;   // old lines in the hunk
};

// nullopt when no old line of the hunk matches anywhere (or it has none).
// Scores a bounded number of positions (the rarest lines' first), so a
// failed hunk costs about its own lines, not the file's.
[[nodiscard]] std::optional<ClosestMatch> closest_match(const Hunk& hunk, std::string_view file);
// The same over an index of the file, shared by a file's failed hunks.
[[nodiscard]] std::optional<ClosestMatch> closest_match(const Hunk& hunk, const LineIndex& index);

} // namespace kseries::patch
