#include <kseries/matrix/matrix.hpp>

#include <kseries/kernel/detect.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

namespace kseries::matrix {

namespace {

// How the patch lands at GNU patch's most lenient setting (fuzz 2), and
// whether the row's own policy accepts it.
Cell make_cell(const check::PatchReport& p, kernel::PolicyId policy) {
    Cell cell;
    cell.verdict = p.verdicts[static_cast<std::size_t>(policy)];
    cell.accepted = cell.verdict == check::Verdict::Applies;
    switch (p.shown_verdict()) {
    case check::Verdict::AlreadyApplied:
        cell.kind = CellKind::AlreadyApplied;
        return cell;
    case check::Verdict::Fails:
    case check::Verdict::Skipped:
        cell.kind = CellKind::Fails;
        return cell;
    case check::Verdict::Applies:
        break;
    }
    for (const auto& f : p.files) {
        for (const auto& h : f.result.hunks) {
            cell.fuzz = std::max(cell.fuzz, h.fuzz);
            if (std::labs(h.offset) > std::labs(cell.offset)) {
                cell.offset = h.offset;
            }
        }
    }
    cell.kind = cell.fuzz != 0 ? CellKind::Fuzz : cell.offset != 0 ? CellKind::Offset
                                                                     : CellKind::Exact;
    return cell;
}

void choose_policy(Row& row, const kernel::Catalog& catalog,
                   std::optional<kernel::PolicyId> spec_policy) {
    if (spec_policy) {
        row.policy = *spec_policy;
        row.policy_verified = true;
        row.policy_origin = "the source's own kernel.spec";
        return;
    }
    if (const auto* e = catalog.policy_source(row.release)) {
        row.policy = *e->policy;
        row.policy_verified = e->verified("policy");
        row.policy_origin = fmt::format("catalog: {} ({}:{})", e->release.name(),
                                        e->location.file, e->location.line);
        return;
    }
    row.policy = kernel::PolicyId::KernelSpec;
    row.policy_verified = false;
    row.policy_origin = "default: no catalog entry for this release";
}

std::string rule_place(const Location& at) { return fmt::format("{}:{}", at.file, at.line); }

// A cell for a patch the row's version carries: how it lands, unless it
// does not and the patch's detect rule says the tree has the fix.
Expected<Cell> carried_cell(const check::PatchReport& p, std::size_t index, const Row& row,
                            const series::LoadedVersion& version, source::SourceTree& tree) {
    Cell cell = make_cell(p, row.policy);
    cell.patch = index;
    const auto* record = version.meta ? version.meta->record(p.patch->entry.patch) : nullptr;
    if (cell.accepted || record == nullptr || !record->detect) {
        return cell;
    }
    if (KSERIES_TRY(record->detect->holds(tree))) {
        cell.kind = CellKind::NotNeeded;
        cell.accepted = true;
        cell.note = fmt::format("the tree already has the fix (detect rule, {}){}",
                                rule_place(record->detect->location),
                                record->upstream.empty() ? "" : "; " + record->upstream);
    }
    return cell;
}

// A cell for a patch the maintainer skipped in the rebase that made the
// row's version: the fix is missing (a failure) unless the patch's detect
// rule holds on the tree.
Expected<Cell> skipped_cell(const series::DroppedPatch& skipped,
                            const series::LoadedVersion& version, source::SourceTree& tree) {
    Cell cell;
    if (skipped.detect) {
        if (KSERIES_TRY(skipped.detect->holds(tree))) {
            cell.kind = CellKind::NotNeeded;
            cell.accepted = true;
            cell.verdict = check::Verdict::Skipped;
            cell.note =
                fmt::format("{} skipped it ({}), and the tree already has the fix "
                            "(detect rule, {})",
                            version.name, skipped.reason, rule_place(skipped.detect->location));
            return cell;
        }
    }
    cell.kind = CellKind::Fails;
    cell.accepted = false;
    cell.verdict = check::Verdict::Fails;
    cell.skipped = true;
    cell.note = fmt::format("skipped by the maintainer: {} ({} does not carry it)", skipped.reason,
                            version.name);
    return cell;
}

// A cell for a column the row's version does not carry.
Expected<Cell> absent_cell(const std::string& patch, const series::LoadedVersion& version,
                           source::SourceTree& tree) {
    Cell cell;
    cell.accepted = true;
    cell.verdict = check::Verdict::Skipped;
    const series::DroppedPatch* dropped = nullptr;
    const series::DroppedPatch* skipped = nullptr;
    if (version.meta) {
        for (const auto& d : version.meta->dropped) {
            if (d.name == patch) {
                dropped = &d;
            }
        }
        for (const auto& s : version.meta->skipped) {
            if (s.name == patch) {
                skipped = &s;
            }
        }
    }
    if (skipped != nullptr) {
        return skipped_cell(*skipped, version, tree);
    }
    if (dropped == nullptr) {
        cell.kind = CellKind::NotInVersion;
        cell.note = fmt::format("{} does not carry this patch", version.name);
        return cell;
    }
    cell.kind = CellKind::NotNeeded;
    cell.note = fmt::format("{} dropped it: {}", version.name, dropped->reason);
    if (!dropped->detect) {
        return cell;
    }
    if (!KSERIES_TRY(dropped->detect->holds(tree))) {
        // The record says the fix is in the tree; this tree proves it is not.
        cell.kind = CellKind::Fails;
        cell.accepted = false;
        cell.verdict = check::Verdict::Fails;
        cell.note = fmt::format("{} dropped it ({}), but its detect rule ({}) does not hold here",
                                version.name, dropped->reason,
                                rule_place(dropped->detect->location));
    }
    return cell;
}

// A row that could not be checked, for `why`.
Row unusable_row(const RowSource& src, std::size_t columns, std::string why) {
    Row row;
    row.source = src.description;
    if (src.named) {
        row.release = *src.named;
        row.release_from = src.named_by;
    } else {
        row.release_known = false;
    }
    row.unavailable = std::move(why);
    row.counted = src.given == Given::OneByOne;
    row.unusable = true;
    Cell cell;
    cell.note = row.unavailable;
    row.cells.assign(columns, cell);
    return row;
}

// Whether the tree holds at least one file some version patches.
Expected<bool> holds_series_files(const series::Selection& selection, source::SourceTree& tree) {
    std::set<std::string, std::less<>> paths;
    for (const auto& v : selection.versions()) {
        auto touched = KSERIES_TRY(series::touched_paths(v.series));
        paths.merge(touched);
    }
    for (const auto& path : paths) {
        if (KSERIES_TRY(tree.load(path))) {
            return true;
        }
    }
    return false;
}

// The row, or the reason it cannot be checked (`unusable`). A tree is
// checked when it is a kernel tree (a top Makefile with VERSION and
// PATCHLEVEL: a file the series patches missing there is a real failure),
// or, when its release is named, holds some file the series patches (a
// partial tree such as an extract of fs/overlayfs). Anything else - an
// empty tree, a branch of something else - is not a kernel release.
Expected<Row> compute_row(const series::Selection& selection,
                          const std::vector<std::string>& columns, const std::string& series_label,
                          const RowSource& src, const kernel::Catalog& catalog, bool closest,
                          std::string& unusable) {
    auto opened = KSERIES_TRY(src.open()); // source errors name their source
    // Every step of the row reads the tree through one layer that keeps what
    // it read: the release detection, the detect rules and the check share
    // one read of each file.
    source::OverlayTree tree(*opened.tree);
    const auto detected = KSERIES_TRY(kernel::detect(tree));
    const bool kernel_tree = detected.has_value();
    Row row;
    row.source = src.description;
    if (src.named) {
        row.release = *src.named;
        row.release_from = src.named_by;
    } else if (kernel_tree) {
        const auto named = kernel::name_by_catalog(*detected, catalog);
        row.release = named.release;
        row.release_from = named.origin;
    } else {
        unusable = fmt::format("no release: its name gives none and the tree has no kernel "
                               "Makefile{}",
                               src.name_hint.empty() ? "" : "; name it as " + src.name_hint);
        return row;
    }
    if (!kernel_tree) {
        if (!KSERIES_TRY(holds_series_files(selection, tree))) {
            unusable = "not a kernel tree: no kernel Makefile and none of the series' files";
            return row;
        }
    }
    row.entry = catalog.find(row.release);
    choose_policy(row, catalog, opened.spec_policy);
    const auto pick = selection.pick(row.release);
    if (pick.version == nullptr) {
        row.unavailable = fmt::format("no version of {} maps release {}", series_label,
                                      row.release.name());
        Cell cell;
        cell.kind = CellKind::Unmapped;
        cell.note = row.unavailable;
        row.cells.assign(columns.size(), cell);
        return row;
    }
    row.version = pick.version->name;
    if (pick.rule != nullptr) {
        row.rule = fmt::format("{} ({})", pick.rule->describe(), rule_place(pick.rule->location));
    }
    auto report = KSERIES_TRY(
        check::run(pick.version->series, tree,
                   selection.mapped() ? series_label + "/" + row.version : series_label,
                   {row.policy, 2L, closest}));
    for (const auto& column : columns) {
        const auto it = std::find_if(report.patches.begin(), report.patches.end(),
                                     [&](const auto& p) { return p.patch->entry.patch == column; });
        row.cells.push_back(KSERIES_TRY(
            it != report.patches.end()
                ? carried_cell(*it, static_cast<std::size_t>(it - report.patches.begin()), row,
                               *pick.version, tree)
                : absent_cell(column, *pick.version, tree)));
    }
    row.report = std::move(report);
    return row;
}

} // namespace

std::string_view cell_key(CellKind kind) {
    switch (kind) {
    case CellKind::Exact: return "exact";
    case CellKind::Offset: return "offset";
    case CellKind::Fuzz: return "fuzz";
    case CellKind::AlreadyApplied: return "already-applied";
    case CellKind::Fails: return "fails";
    case CellKind::NotNeeded: return "not-needed";
    case CellKind::NotInVersion: return "not-in-version";
    case CellKind::Unmapped: return "unmapped";
    case CellKind::Unavailable: return "unavailable";
    }
    return "fails";
}

bool Matrix::covered() const {
    const bool checked =
        std::any_of(rows.begin(), rows.end(), [](const Row& r) { return r.available(); });
    return checked && std::all_of(rows.begin(), rows.end(), [](const Row& r) {
               return !r.counted ||
                      (r.available() && std::all_of(r.cells.begin(), r.cells.end(),
                                                    [](const Cell& c) { return c.accepted; }));
           });
}

std::size_t Matrix::counted_rows() const {
    return static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [](const Row& r) { return r.counted; }));
}

bool Matrix::has_proofs() const {
    return std::any_of(rows.begin(), rows.end(), [](const Row& r) { return r.proof.has_value(); });
}

bool proof_matches(std::string_view kernel_release, std::string_view release) {
    if (release.empty() || !kernel_release.starts_with(release)) {
        return false;
    }
    if (kernel_release.size() == release.size()) {
        return true;
    }
    const char next = kernel_release[release.size()];
    return next == '.' || next == '+' || next == '-';
}

void attach_proofs(Matrix& m, const std::vector<series::ProofRecord>& records) {
    for (auto& row : m.rows) {
        if (!row.release_known || row.version.empty()) {
            continue;
        }
        const auto it = std::find_if(records.begin(), records.end(), [&](const auto& rec) {
            return rec.version == row.version &&
                   proof_matches(rec.kernel_release, row.release.name());
        });
        if (it != records.end()) {
            row.proof = *it;
        }
    }
}

namespace {

// Catalog releases that no source names: rows all the same, unavailable.
std::vector<const kernel::CatalogEntry*> unnamed_catalog_rows(const std::vector<RowSource>& sources,
                                                              const Options& options) {
    std::vector<const kernel::CatalogEntry*> out;
    for (const auto* entry : options.catalog_rows) {
        const bool named = std::any_of(sources.begin(), sources.end(), [&](const RowSource& s) {
            return s.named && *s.named == entry->release;
        });
        if (!named) {
            out.push_back(entry);
        }
    }
    return out;
}

// What every worker shares: the inputs, the next source to take and the
// results in the sources' order.
struct RowJobs {
    const series::Selection& selection;
    const Matrix& m;
    const std::vector<RowSource>& sources;
    const kernel::Catalog& catalog;
    const Options& options;
    std::vector<std::optional<Expected<Row>>> results;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
};

// One source's row; a by-pattern source's read errors (a missing or
// unreadable object) are its row's, a hostile tree still stops the run.
Expected<Row> row_of(const RowJobs& jobs, const RowSource& src) {
    std::string unusable;
    auto row = compute_row(jobs.selection, jobs.m.patches, jobs.m.series, src, jobs.catalog,
                           jobs.options.closest, unusable);
    if (!row && src.given == Given::ByPattern &&
        (row.error().kind() == ErrorKind::Io || row.error().kind() == ErrorKind::NotFound)) {
        unusable = row.error().to_string();
    }
    if (!unusable.empty()) {
        row = unusable_row(src, jobs.m.patches.size(), std::move(unusable));
    }
    return row;
}

// A worker: takes the next source until none is left.
void work(RowJobs& jobs) {
    const std::size_t total = jobs.sources.size();
    for (std::size_t i = jobs.next++; i < total; i = jobs.next++) {
        jobs.results[i].emplace(row_of(jobs, jobs.sources[i]));
        const std::size_t n = ++jobs.done;
        if (jobs.options.progress) {
            jobs.options.progress(n, total);
        }
    }
}

// The sources' rows, checked by up to options.jobs threads (this one among
// them), in the sources' order.
Expected<std::vector<Row>> compute_rows(RowJobs& jobs) {
    const std::size_t total = jobs.sources.size();
    jobs.results.resize(total);
    {
        std::vector<std::jthread> pool;
        const unsigned n = std::max(1U, std::min<unsigned>(jobs.options.jobs,
                                                           static_cast<unsigned>(total)));
        for (unsigned j = 1; j < n; ++j) {
            pool.emplace_back([&jobs] { work(jobs); });
        }
        work(jobs);
    }
    std::vector<Row> rows;
    for (auto& r : jobs.results) {
        rows.push_back(KSERIES_TRY(std::move(*r)));
    }
    return rows;
}

// A catalog release no source gives: unavailable, with the version its
// mapping would pick.
Row catalog_row(const kernel::CatalogEntry* entry, const series::Selection& selection,
                const kernel::Catalog& catalog, std::size_t columns) {
    Row row;
    row.release = entry->release;
    row.release_from = kernel::ReleaseOrigin::Catalog;
    row.entry = entry;
    row.source = "catalog";
    choose_policy(row, catalog, std::nullopt);
    row.unavailable = "no source given for this release";
    if (const auto pick = selection.pick(row.release); pick.version != nullptr) {
        row.version = pick.version->name;
    }
    row.cells.assign(columns, Cell{});
    return row;
}

} // namespace

Expected<Matrix> run(const series::Selection& selection, std::string series_label,
                     const std::vector<RowSource>& sources, const kernel::Catalog& catalog,
                     const Options& options) {
    Matrix m;
    m.series = series_label;
    m.versioned = selection.store() != nullptr;
    m.mapped = selection.mapped();
    m.patches = selection.patch_names();

    const auto unavailable = unnamed_catalog_rows(sources, options);
    RowJobs jobs{selection, m, sources, catalog, options, {}};
    m.rows = KSERIES_TRY(compute_rows(jobs));
    // A release the catalog rows ask for counts, whatever gave its row.
    for (auto& row : m.rows) {
        if (!row.counted && row.release_known &&
            std::any_of(options.catalog_rows.begin(), options.catalog_rows.end(),
                        [&](const auto* e) { return e->release == row.release; })) {
            row.counted = true;
        }
    }
    for (const auto* entry : unavailable) {
        m.rows.push_back(catalog_row(entry, selection, catalog, m.patches.size()));
    }
    // Rows of unknown release go last, in the order their sources came.
    std::stable_sort(m.rows.begin(), m.rows.end(), [](const Row& a, const Row& b) {
        if (!a.release_known || !b.release_known) {
            return a.release_known && !b.release_known;
        }
        return kernel::compare(a.release, b.release) < 0;
    });
    return m;
}

} // namespace kseries::matrix
