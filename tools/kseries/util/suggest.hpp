// "Did you mean ...?": the names closest to a mistyped one, as git's help.c
// finds a command for `git chekout`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kseries::text {

// The edit distance between two words: insertions, deletions, substitutions
// and swaps of two neighbouring characters ("chekc" -> "check") each cost
// one (Damerau-Levenshtein, optimal string alignment).
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates nearest to `word`, in their given order: every one at the
// smallest distance, when that distance is small for the word (at most 2,
// and at most a third of the word's length, rounded up), so a word like
// nothing gets no suggestion rather than a random one. Empty when none is
// close.
[[nodiscard]] std::vector<std::string> closest_names(std::string_view word,
                                                     const std::vector<std::string>& candidates);

} // namespace kseries::text
