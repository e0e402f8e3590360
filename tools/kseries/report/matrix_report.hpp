// Renders a matrix::Matrix: a terminal grid, Markdown for merge requests and
// wikis, JSON (docs/formats/matrix-json.md).
#pragma once

#include <kseries/matrix/matrix.hpp>
#include <kseries/report/style.hpp>

#include <string>

namespace kseries::report {

[[nodiscard]] std::string render_matrix_text(const matrix::Matrix& m, const TextStyle& style);
[[nodiscard]] std::string render_matrix_markdown(const matrix::Matrix& m);
[[nodiscard]] std::string render_matrix_json(const matrix::Matrix& m);

// A cell in words: "exact", "offset +3", "fuzz 2", "in tree", "FAILS", "n/a".
[[nodiscard]] std::string cell_text(const matrix::Cell& cell);

// Short column names: "0001" for "0001-foo.patch", else "P1", "P2", ...
[[nodiscard]] std::vector<std::string> short_names(const std::vector<std::string>& patches);

} // namespace kseries::report
