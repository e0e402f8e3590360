// Renders a check::Report for people (aligned text, optionally coloured)
// and for programs (JSON, format documented in docs/formats/check-json.md).
// Renderers return strings; printing is the CLI's business.
#pragma once

#include <string>

#include <kseries/check/check.hpp>
#include <kseries/report/style.hpp>

namespace kseries::report {

[[nodiscard]] std::string render_check_text(const check::Report& report, const TextStyle& style);
[[nodiscard]] std::string render_check_json(const check::Report& report);

// One hunk's outcome in words: "exact", "offset +3", "fuzz 1, offset -2",
// "FAILED", "ignored".
[[nodiscard]] std::string hunk_outcome(const patch::HunkResult& h);

// Why a file's hunks were not tried, in words ("file not found in the
// tree"); empty for Applied and Failed.
[[nodiscard]] std::string_view file_status_words(patch::FileStatus s);

} // namespace kseries::report
