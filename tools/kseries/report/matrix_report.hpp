// Renders a matrix::Matrix: a terminal grid, Markdown for merge requests and
// wikis, JSON (docs/formats/matrix-json.md), one self-contained HTML page,
// and JUnit XML for CI servers (docs/formats/matrix-junit.md).
#pragma once

#include <string>

#include <kseries/matrix/group.hpp>
#include <kseries/matrix/matrix.hpp>
#include <kseries/report/style.hpp>

namespace kseries::report {

// How the text and Markdown reports show the rows: runs of one minor with
// identical cells as one row (matrix/group.hpp), and all rows or only the
// failing ones.
struct MatrixView {
    matrix::Grouping group = matrix::Grouping::Minor;
    bool only_failures = false;
};

[[nodiscard]] std::string render_matrix_text(const matrix::Matrix& m, const TextStyle& style,
                                             const MatrixView& view = {});
[[nodiscard]] std::string render_matrix_markdown(const matrix::Matrix& m,
                                                 const MatrixView& view = {});
[[nodiscard]] std::string render_matrix_json(const matrix::Matrix& m);
[[nodiscard]] std::string render_matrix_html(const matrix::Matrix& m);
[[nodiscard]] std::string render_matrix_junit(const matrix::Matrix& m);

// The colour a cell is shown in: Good (exact and accepted), Warn (moved or
// fuzzed, accepted), Info (already in the tree), Bad, Dim (no source).
[[nodiscard]] Tone cell_tone(const matrix::Cell& cell);

// The row's policy label, with '*' when the catalog marks it unverified.
[[nodiscard]] std::string policy_text(const matrix::Row& row);

// Rows on which every patch is accepted.
[[nodiscard]] std::size_t covered_rows(const matrix::Matrix& m);
// "3 of 5 releases covered", and "; 2 unavailable, not counted" when some
// by-pattern rows held no usable kernel tree.
[[nodiscard]] std::string coverage_text(const matrix::Matrix& m);
// What the source column says: the source, or why the row was not checked.
[[nodiscard]] std::string row_source_text(const matrix::Row& r);

// A source as the text reports show it: each path cut to its last
// component ("tree /src/linux-4.18" -> "tree linux-4.18", "git
// /srv/alma.git@TAG" -> "git alma.git@TAG"); the JSON keeps the full form.
[[nodiscard]] std::string short_source(std::string_view source);

// Columns of text in a terminal: UTF-8 code points, not bytes ("—" is one).
[[nodiscard]] std::size_t display_width(std::string_view s);

// A cell in words: "exact", "offset +3", "fuzz 2", "in tree", "FAILS", "n/a".
[[nodiscard]] std::string cell_text(const matrix::Cell& cell);

// The boot proof column: "proved", "not proved", or "-" for a row without
// a record; and its colour.
[[nodiscard]] std::string proof_text(const matrix::Row& row);
[[nodiscard]] Tone proof_tone(const matrix::Row& row);

// Short column names: "0001" for "0001-foo.patch", else "P1", "P2", ...
[[nodiscard]] std::vector<std::string> short_names(const std::vector<std::string>& patches);

} // namespace kseries::report
