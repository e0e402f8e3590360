#include <kseries/matrix/matrix.hpp>

#include <kseries/kernel/detect.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace kseries::matrix {

namespace {

// How the patch lands at GNU patch's most lenient setting (fuzz 2), and
// whether the row's own policy accepts it.
Cell make_cell(const check::PatchReport& p, check::PolicyId policy) {
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
                   std::optional<check::PolicyId> spec_policy) {
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
    row.policy = check::PolicyId::KernelSpec;
    row.policy_verified = false;
    row.policy_origin = "default: no catalog entry for this release";
}

Expected<Row> compute_row(const series::LoadedSeries& series, const std::string& series_label,
                          const RowSource& src, const kernel::Catalog& catalog) {
    auto opened = src.open();
    if (!opened) {
        return std::unexpected(opened.error()); // source errors name their source
    }
    Row row;
    row.source = src.description;
    if (src.named) {
        row.release = *src.named;
    } else {
        auto detected = kernel::detect_release(*opened->tree);
        if (!detected) {
            return std::unexpected(detected.error());
        }
        if (!*detected) {
            return fail(ErrorKind::Parse,
                        fmt::format("{}: cannot tell which kernel this is (no kernel Makefile); "
                                    "name it as RELEASE=PATH",
                                    src.description));
        }
        row.release = std::move(**detected);
    }
    row.entry = catalog.find(row.release);
    choose_policy(row, catalog, opened->spec_policy);
    auto report = check::run(series, *opened->tree, series_label, {row.policy, 2L});
    if (!report) {
        return std::unexpected(report.error());
    }
    for (const auto& p : report->patches) {
        row.cells.push_back(make_cell(p, row.policy));
    }
    row.report = std::move(*report);
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
    case CellKind::Unavailable: return "unavailable";
    }
    return "fails";
}

bool Matrix::covered() const {
    return std::all_of(rows.begin(), rows.end(), [](const Row& r) {
        return r.available() &&
               std::all_of(r.cells.begin(), r.cells.end(), [](const Cell& c) { return c.accepted; });
    });
}

Expected<Matrix> run(const series::LoadedSeries& series, std::string series_label,
                     const std::vector<RowSource>& sources, const kernel::Catalog& catalog,
                     const Options& options) {
    Matrix m;
    m.series = series_label;
    for (const auto& p : series.patches) {
        m.patches.push_back(p.entry.patch);
    }

    // Catalog releases that no source provides are rows all the same.
    std::vector<const kernel::CatalogEntry*> unavailable;
    for (const auto* entry : options.catalog_rows) {
        const bool named = std::any_of(sources.begin(), sources.end(), [&](const RowSource& s) {
            return s.named && *s.named == entry->release;
        });
        if (!named) {
            unavailable.push_back(entry);
        }
    }

    const std::size_t total = sources.size();
    std::vector<std::optional<Expected<Row>>> results(total);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < total; i = next++) {
            results[i].emplace(compute_row(series, series_label, sources[i], catalog));
            const std::size_t n = ++done;
            if (options.progress) {
                options.progress(n, total);
            }
        }
    };
    {
        std::vector<std::jthread> pool;
        const unsigned jobs = std::max(1U, std::min<unsigned>(options.jobs,
                                                              static_cast<unsigned>(total)));
        for (unsigned j = 1; j < jobs; ++j) {
            pool.emplace_back(worker);
        }
        worker();
    }
    for (auto& r : results) {
        if (!*r) {
            return std::unexpected(r->error());
        }
        m.rows.push_back(std::move(**r));
    }
    for (const auto* entry : unavailable) {
        Row row;
        row.release = entry->release;
        row.entry = entry;
        row.source = "catalog";
        choose_policy(row, catalog, std::nullopt);
        row.unavailable = "no source given for this release";
        row.cells.assign(m.patches.size(), Cell{});
        m.rows.push_back(std::move(row));
    }
    std::stable_sort(m.rows.begin(), m.rows.end(), [](const Row& a, const Row& b) {
        return kernel::compare(a.release, b.release) < 0;
    });
    return m;
}

} // namespace kseries::matrix
