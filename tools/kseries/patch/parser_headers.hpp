// Internal to the patch parser (parser.cpp): reading the lines around the
// hunks, a file section's header and a format-patch mail's headers. Kept
// apart from the hunk-body parsing in parser.cpp so that each file stays
// small; nothing outside patch/parser*.cpp includes this.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <kseries/patch/model.hpp>
#include <kseries/util/error.hpp>

namespace kseries::patch::detail {

// Takes in what one line of a file section's header says: "diff --git"
// names, "---"/"+++" names and timestamps, CRLF endings, git's mode,
// rename, copy and index lines. `line` is line `number` (1-based) of the
// patch `patch_name`, for errors.
[[nodiscard]] Expected<void> parse_header_line(std::string_view line, const std::string& patch_name,
                                               std::size_t number, FilePatch& file);

// Splits the names of a git rename or copy with no "---"/"+++" lines by
// what its "rename from"/"rename to" (or copy) lines say. `diff_git_line`
// is the section's "diff --git" line, line `number` of the patch `patch_name`.
[[nodiscard]] Expected<void> names_from_rename(std::string_view diff_git_line,
                                               const std::string& patch_name, std::size_t number,
                                               FilePatch& file);

// From:, Date: and Subject: of the header block that opens a preamble
// (none when it does not open with one).
[[nodiscard]] MailHeaders parse_mail_headers(std::string_view preamble);

} // namespace kseries::patch::detail
