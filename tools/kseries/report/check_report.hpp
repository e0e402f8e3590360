// Renders a check::Report for people (aligned text, optionally coloured)
// and for programs (JSON, format documented in docs/formats/check-json.md).
// Renderers return strings; printing is the CLI's business.
#pragma once

#include <string>

#include <kseries/check/check.hpp>
#include <kseries/kernel/detect.hpp>
#include <kseries/report/style.hpp>

namespace kseries::report {

// Which release a tree was taken for, how that was told, and the version a
// series store's mapping picked for it ("v2 (index.toml rule 2: from
// 4.18.0-240.el8)").
struct ReleaseNote {
    kernel::Detected release;
    std::string version;
    std::string picked; // Selection::pick_words
};

// "release 4.18.0-240.el8 (from the git ref's name); series/NAME: v2
// (index.toml rule 2: from 4.18.0-240.el8)"
[[nodiscard]] std::string release_note_text(const ReleaseNote& note, const std::string& series);

[[nodiscard]] std::string render_check_text(const check::Report& report, const TextStyle& style);
// `release`: the decision that picked the series version, when a store's
// mapping did; the "release" key is null otherwise.
[[nodiscard]] std::string render_check_json(const check::Report& report,
                                            const ReleaseNote* release = nullptr);

// One hunk's outcome in words: "exact", "offset +3", "fuzz 1, offset -2",
// "FAILED", "ignored".
[[nodiscard]] std::string hunk_outcome(const patch::HunkResult& h);

// Why a file's hunks were not tried, in words ("file not found in the
// tree"); empty for Applied and Failed.
[[nodiscard]] std::string_view file_status_words(patch::FileStatus s);

} // namespace kseries::report
