// Parses unified diffs: `diff -u`/`diff -ru` output, `git diff` and
// `git format-patch` mails, quilt patches with free text before the diff.
// Malformed input is an Error of kind Parse naming the patch file and line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <kseries/patch/model.hpp>
#include <kseries/util/error.hpp>

namespace kseries::patch {

// The longest line a patch may have (1 MiB): far above any kernel patch's,
// far below what it takes to exhaust memory or time on one line.
inline constexpr std::size_t max_line_bytes = std::size_t{1} << 20;

// `name` is used in messages and kept as Patch::name. Refused besides
// malformed diffs: NUL bytes, a line longer than max_line_bytes, and
// "---"/"+++"/"@@"/"diff" lines that mix CRLF and LF endings.
[[nodiscard]] Expected<Patch> parse(std::string_view data, std::string name);

} // namespace kseries::patch
