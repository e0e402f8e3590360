// Unified diffs of one file's contents, made by libgit2 the way `git diff`
// (2.39, default options) prints them, so `kseries rebase`/`refresh` can
// regenerate a patch from an edited tree: same hunks (Myers, the indent
// heuristic git enables by default, no inter-hunk context), same
// "@@ -a,b +c,d @@ heading" lines, same "\ No newline at end of file"
// markers. Content is taken byte for byte: CRLF lines stay CRLF. libgit2
// makes the hunks; the headings are ours (diff.cpp says why).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <kseries/util/error.hpp>

namespace kseries::git {

struct DiffOptions {
    unsigned context = 3; // lines of context around each change, as `git diff -U<n>`
};

// The hunks of a unified diff from `old_text` to `new_text`, from the first
// "@@" line on, exactly as `git diff` prints them. nullopt stands for a file
// that does not exist (creation or deletion); it diffs like empty content.
// Empty when the contents are equal. Content holding a NUL byte, which git
// shows as "Binary files differ", is an Error of kind Usage.
[[nodiscard]] Expected<std::string> diff_hunks(std::optional<std::string_view> old_text,
                                               std::optional<std::string_view> new_text,
                                               const DiffOptions& options = {});

// One file's section of a patch: "--- a/PATH" (or "--- /dev/null" for a
// creation), "+++ b/PATH" (or "+++ /dev/null" for a deletion), then
// diff_hunks(); like git, a path holding a space is followed by a tab on
// both lines. Empty when the contents are equal. A path git would quote
// (control characters, '"', '\\', bytes >= 0x80) and the creation or
// deletion of an empty file (which plain unified diff cannot express) are
// Errors of kind Usage.
[[nodiscard]] Expected<std::string> diff_file(std::string_view path,
                                              std::optional<std::string_view> old_text,
                                              std::optional<std::string_view> new_text,
                                              const DiffOptions& options = {});

} // namespace kseries::git
