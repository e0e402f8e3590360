// `kseries matrix`: one series against many kernel releases. Each row is a
// release, read from a source (a directory, a git ref, an SRPM, a tarball)
// or named by the catalog; each column a patch; each cell says how the patch
// lands there and whether that release's own patch policy accepts it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <kseries/check/check.hpp>
#include <kseries/kernel/catalog.hpp>
#include <kseries/kernel/detect.hpp>
#include <kseries/kernel/release.hpp>
#include <kseries/series/proof_record.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::matrix {

// An opened source: the tree, and the policy its own kernel.spec states
// when the source carries one (an SRPM does).
struct OpenedSource {
    std::unique_ptr<source::SourceTree> tree;
    std::optional<kernel::PolicyId> spec_policy;
};

// How a row's source was given. One by one (--tree, --srpm, --tarball): a
// source that cannot be read stops the run, one that holds no usable
// kernel tree is a row that is not covered. By a pattern (the refs a --refs
// glob matched, which can be branches or empty tags): such a row, and a
// read error of its objects, is shown as "unavailable" and not counted
// against coverage.
enum class Given { OneByOne, ByPattern };

// Where a row's tree comes from. `open` runs on a worker thread.
struct RowSource {
    std::string description;              // "tree /src/linux", "git repo@kernel-5.14.0-427.el9"
    std::optional<kernel::Release> named; // a release stated by the user or the source's name
    kernel::ReleaseOrigin named_by = kernel::ReleaseOrigin::Given; // who stated `named`
    Given given = Given::OneByOne;
    std::string name_hint; // how to name the release when it cannot be told: "RELEASE=DIR"
    std::function<Expected<OpenedSource>()> open;
};

enum class CellKind {
    Exact,          // every hunk at its stated line
    Offset,         // some hunk moved, none needed fuzz
    Fuzz,           // some hunk needed fuzz (up to 2)
    AlreadyApplied, // GNU patch finds the patch reversed: the tree has it
    Fails,          // some hunk does not apply even at fuzz 2
    NotNeeded,      // the tree has the fix (the patch's detect rule holds), or the
                    // release's version records the patch as dropped
    NotInVersion,   // the release's version does not carry this patch
    Unmapped,       // no version of the series maps this release
    Unavailable,    // no source for this release
};

struct Cell {
    CellKind kind = CellKind::Unavailable;
    bool accepted = false; // the release's policy applies the patch
    check::Verdict verdict = check::Verdict::Fails; // under the release's policy
    long fuzz = 0;        // the largest fuzz a hunk needed
    long offset = 0;      // the largest offset (by size) of a hunk
    std::string note;     // why a cell is not-needed, not-in-version or fails on a record
    // The patch's index in the row's report, when the row's version carries it.
    std::optional<std::size_t> patch;
    // The version records the patch as skipped by the maintainer (a failure:
    // `note` gives the reason).
    bool skipped = false;
};

struct Row {
    kernel::Release release;
    kernel::ReleaseOrigin release_from = kernel::ReleaseOrigin::Given; // how it was told
    // False when it could not be told: the row is unavailable and is named
    // by its source.
    bool release_known = true;
    std::string source; // RowSource::description, or "catalog" when unavailable
    kernel::PolicyId policy = kernel::PolicyId::KernelSpec;
    bool policy_verified = false;
    std::string policy_origin; // where the policy comes from, for people
    const kernel::CatalogEntry* entry = nullptr;
    std::string version; // the series version checked here ("v1"), empty when none
    std::string rule;    // the mapping rule that picked it, empty when forced
    std::optional<check::Report> report; // nullopt when unavailable or unmapped
    std::string unavailable;             // why, when unavailable
    // An unavailable row counts against coverage (exit 1), except a
    // by-pattern source holding no usable kernel tree, for a release the
    // catalog rows (--releases) do not ask for.
    bool counted = true;
    bool unusable = false; // a source gave the row, but no kernel tree kseries can check
    std::vector<Cell> cells;
    // The boot proof (`verify --boot`) of `version` on this release, when
    // the store keeps one (attach_proofs); it does not change coverage.
    std::optional<series::ProofRecord> proof;

    [[nodiscard]] bool available() const { return report.has_value(); }
    // The release's name, or the source's when the release is unknown.
    [[nodiscard]] std::string name() const { return release_known ? release.name() : source; }
};

struct Matrix {
    std::string series;
    bool versioned = false; // the series is a store or one of its versions
    bool mapped = false;    // each release got its version from the store's mapping
    std::vector<std::string> patches; // of every version in scope
    std::vector<Row> rows; // in rpm version order

    // Some row was checked, and every patch is accepted on every counted
    // row (the exit code is 0).
    [[nodiscard]] bool covered() const;
    // Rows that count: all but the unavailable by-pattern ones.
    [[nodiscard]] std::size_t counted_rows() const;
    // Some row has a boot proof: the reports show their proof column.
    [[nodiscard]] bool has_proofs() const;
};

// Whether a proof booted on `kernel_release` (uname -r) is one of
// `release`: the same name, or the name followed by '.', '+' or '-'
// ("5.14.0-427.el9" and "5.14.0-427.el9.x86_64").
[[nodiscard]] bool proof_matches(std::string_view kernel_release, std::string_view release);

// Gives each row of a known release the record of the version the matrix
// used for it whose kernel release matches the release; when several do
// (two architectures), the first in `records`' order.
void attach_proofs(Matrix& m, const std::vector<series::ProofRecord>& records);

struct Options {
    unsigned jobs = 1;
    // Catalog releases that are rows even when no source gives them: those
    // are reported "source unavailable".
    std::vector<const kernel::CatalogEntry*> catalog_rows;
    // Called after each row is done, with (done, total), from worker threads.
    std::function<void(std::size_t, std::size_t)> progress;
    // Find where each failed hunk comes closest (the JSON, HTML and JUnit
    // reports show it; text and Markdown do not).
    bool closest = true;
};

// `selection` must outlive the result: reports point into its patches.
[[nodiscard]] Expected<Matrix> run(const series::Selection& selection, std::string series_label,
                                   const std::vector<RowSource>& sources,
                                   const kernel::Catalog& catalog,
                                   const Options& options);

[[nodiscard]] std::string_view cell_key(CellKind kind); // "exact", "offset", ...

} // namespace kseries::matrix
