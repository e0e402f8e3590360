// C source as tokens, for the fuzzy comparisons of `kseries rebase`: the
// proposals for unplaced hunks (propose.cpp) find a change's counterpart by
// token-level similarity, and the guard that asks whether a deletion is
// already made (change_present(), guards.hpp) tells a line the target
// rewrote from one it removed. Tokens rather than text, so that
// whitespace and comments count for nothing and a rewritten statement
// (`return -ESTALE;` became `ret = -ESTALE;`) stays alike. Kept apart from
// propose.cpp because more than the proposals use it.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kseries::rebase {

using Tokens = std::vector<std::string>;

// C's identifier characters (the C shape reader and the function finder
// use the same two).
[[nodiscard]] bool ident_start(char c);
[[nodiscard]] bool ident_char(char c);

// C's tokens, comments left out: identifiers, numbers, string and char
// literals, punctuation (multi-character operators as one token).
[[nodiscard]] std::vector<std::string> c_tokens(std::string_view text);

// How alike two token sequences are: 2 * LCS / (|a| + |b|), 1 for equal.
[[nodiscard]] double token_similarity(const std::vector<std::string>& a,
                                      const std::vector<std::string>& b);

// An upper bound of token_similarity() (the LCS is at most the common
// multiset) of `want`'s tokens, counted in `want` (`want_size` in all),
// against `have`: cheap enough to skip most windows of a large file.
[[nodiscard]] double bag_similarity(const std::map<std::string, long>& want, std::size_t want_size,
                                    const Tokens& have);

// The identifiers among `tokens` that name something: keywords and type
// names say nothing about which code a line is about.
[[nodiscard]] std::set<std::string> names(const Tokens& tokens);

// Opened minus closed braces and parentheses: a counterpart must be as
// balanced as the lines it stands for, so that removing it cannot cut a
// block in half.
[[nodiscard]] std::pair<long, long> balance(const Tokens& tokens);

// The tokens of lines [first, first + count) of `per_line`, one after another.
[[nodiscard]] Tokens join_tokens(const std::vector<Tokens>& per_line, std::size_t first,
                                 std::size_t count);

// The tokens of `lines`, one after another.
[[nodiscard]] Tokens tokens_of(const std::vector<std::string>& lines);

} // namespace kseries::rebase
