// Views of a matrix that scale to every z-stream: runs of consecutive
// releases of one minor (or one lineage) whose cells are identical, folded
// into one row; and per lineage and patch, the boundary a maintainer reads
// first (the last release where the patch applies, the first where it
// fails). Both only read the matrix: the rows stay as matrix::run made them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/matrix/matrix.hpp>

namespace kseries::matrix {

enum class Grouping {
    None,    // one row per release
    Minor,   // runs of one minor ("4.18.0-305.*")
    Lineage, // runs of one lineage ("RHEL 8": "4.18.0-*")
};

// "none", "minor", "lineage" -> Grouping; nullopt for anything else.
[[nodiscard]] std::optional<Grouping> parse_grouping(std::string_view key);

// A cell counts against coverage: it fails, the release's policy rejects or
// skips it, or no version maps the release.
[[nodiscard]] bool failing(const Cell& cell);
// Some cell of the row is failing.
[[nodiscard]] bool failing(const Row& row);

// The row's lineage: the catalog's ("RHEL 8"), else "RHEL N" from the dist
// tag, else "other" (an upstream or Debian tree, a release not told).
[[nodiscard]] std::string lineage_of(const Row& row);
// The row's minor as a release pattern: "4.18.0-305.*"; the release's own
// name when it has no RHEL build number, the source when the release is
// not known.
[[nodiscard]] std::string minor_of(const Row& row);

// Consecutive rows shown as one.
struct RowGroup {
    std::vector<const Row*> rows; // at least one, in the matrix's order
    std::string pattern;          // "4.18.0-305.*"; the release's name for one row
    [[nodiscard]] const Row& first() const { return *rows.front(); }
    [[nodiscard]] const Row& last() const { return *rows.back(); }
};

// The rows of `m` in order, runs of the same minor (or lineage) with
// identical cells, policy, version and proof folded together; with
// `only_failures`, only the rows with a failing cell.
[[nodiscard]] std::vector<RowGroup> group_rows(const Matrix& m, Grouping grouping,
                                               bool only_failures);

// One patch on one lineage.
struct PatchSummary {
    std::string lineage;
    std::size_t patch = 0; // index into Matrix::patches
    // The last release (in rpm order) where the patch is placed (exact,
    // offset, fuzz) and its policy accepts it, and the first where it is
    // failing; nullptr when none.
    const Row* last_applies = nullptr;
    const Row* first_fails = nullptr;
    std::size_t releases = 0;    // rows of the lineage
    std::size_t applies = 0;     // rows where the patch applies
    std::size_t fails = 0;       // rows where it is failing
    std::size_t unavailable = 0; // rows without a source
    // Rows where the patch is not accepted and not in the tree already:
    // failing or unavailable, in rpm order.
    std::vector<const Row*> not_covered;
};

// Per lineage (in the order they first appear) and patch. Rows whose
// release is not known, and by-pattern rows that do not count, are left out.
[[nodiscard]] std::vector<PatchSummary> summarize(const Matrix& m);

} // namespace kseries::matrix
