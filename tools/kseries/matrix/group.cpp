#include <algorithm>

#include <fmt/format.h>

#include <kseries/matrix/group.hpp>

namespace kseries::matrix {

std::optional<Grouping> parse_grouping(std::string_view key) {
    if (key == "none") {
        return Grouping::None;
    }
    if (key == "minor") {
        return Grouping::Minor;
    }
    if (key == "lineage") {
        return Grouping::Lineage;
    }
    return std::nullopt;
}

bool failing(const Cell& c) {
    switch (c.kind) {
    case CellKind::Fails:
    case CellKind::Unmapped:
        return true;
    case CellKind::Exact:
    case CellKind::Offset:
    case CellKind::Fuzz:
        return !c.accepted;
    case CellKind::AlreadyApplied:
    case CellKind::NotNeeded:
    case CellKind::NotInVersion:
    case CellKind::Unavailable:
        break;
    }
    return false;
}

bool failing(const Row& row) {
    return std::any_of(row.cells.begin(), row.cells.end(),
                       [](const Cell& c) { return failing(c); });
}

std::string lineage_of(const Row& row) {
    if (row.entry != nullptr && !row.entry->lineage.empty()) {
        return row.entry->lineage;
    }
    if (row.release_known && row.release.rhel_major() > 0) {
        return fmt::format("RHEL {}", row.release.rhel_major());
    }
    return "other";
}

std::string minor_of(const Row& row) {
    if (!row.release_known) {
        return row.source;
    }
    if (row.release.rhel_major() == 0 || row.release.build() == 0) {
        return row.release.name();
    }
    return fmt::format("{}-{}.*", row.release.version, row.release.build());
}

namespace {

// The pattern a run of one lineage is named by: "4.18.0-*".
std::string lineage_pattern(const Row& row) {
    if (!row.release_known || row.release.rhel_major() == 0) {
        return minor_of(row);
    }
    return row.release.version + "-*";
}

bool same_cell(const Cell& a, const Cell& b) {
    return a.kind == b.kind && a.accepted == b.accepted && a.verdict == b.verdict &&
           a.fuzz == b.fuzz && a.offset == b.offset && a.note == b.note && a.skipped == b.skipped;
}

// Two rows read the same in every column but the release and the source.
bool same_view(const Row& a, const Row& b) {
    const auto proof = [](const Row& r) { return r.proof ? (r.proof->proved() ? 1 : 2) : 0; };
    return a.available() == b.available() && a.unavailable == b.unavailable &&
           a.policy == b.policy && a.policy_verified == b.policy_verified &&
           a.version == b.version && proof(a) == proof(b) && a.cells.size() == b.cells.size() &&
           std::equal(a.cells.begin(), a.cells.end(), b.cells.begin(), same_cell);
}

} // namespace

std::vector<RowGroup> group_rows(const Matrix& m, Grouping grouping, bool only_failures) {
    const auto key = [grouping](const Row& r) {
        return grouping == Grouping::Lineage ? lineage_pattern(r) : minor_of(r);
    };
    std::vector<RowGroup> out;
    // A row left out ends the run: a run's first..last names every release
    // between them.
    bool joins = false;
    for (const auto& r : m.rows) {
        if (only_failures && !failing(r)) {
            joins = false;
            continue;
        }
        // Only a release that is known joins a run: an unknown one is named
        // by its source, which differs from row to row.
        if (grouping != Grouping::None && r.release_known && joins) {
            auto& g = out.back();
            if (g.first().release_known && key(g.first()) == key(r) && same_view(g.first(), r)) {
                g.rows.push_back(&r);
                g.pattern = key(r);
                continue;
            }
        }
        out.push_back({{&r}, r.name()});
        joins = true;
    }
    return out;
}

std::vector<PatchSummary> summarize(const Matrix& m) {
    std::vector<PatchSummary> out;
    std::vector<std::string> lineages;
    for (const auto& r : m.rows) {
        if (r.release_known && r.counted &&
            std::find(lineages.begin(), lineages.end(), lineage_of(r)) == lineages.end()) {
            lineages.push_back(lineage_of(r));
        }
    }
    for (const auto& lineage : lineages) {
        for (std::size_t p = 0; p < m.patches.size(); ++p) {
            PatchSummary s;
            s.lineage = lineage;
            s.patch = p;
            for (const auto& r : m.rows) {
                if (!r.release_known || !r.counted || lineage_of(r) != lineage ||
                    p >= r.cells.size()) {
                    continue;
                }
                const Cell& c = r.cells[p];
                ++s.releases;
                // Placed and accepted; a patch in the tree already, not
                // needed or not in the version neither applies nor fails.
                const bool placed = c.kind == CellKind::Exact || c.kind == CellKind::Offset ||
                                    c.kind == CellKind::Fuzz;
                if (placed && c.accepted) {
                    ++s.applies;
                    s.last_applies = &r;
                }
                if (failing(c)) {
                    ++s.fails;
                    s.first_fails = s.first_fails != nullptr ? s.first_fails : &r;
                }
                if (c.kind == CellKind::Unavailable) {
                    ++s.unavailable;
                }
                if (failing(c) || c.kind == CellKind::Unavailable) {
                    s.not_covered.push_back(&r);
                }
            }
            out.push_back(std::move(s));
        }
    }
    return out;
}

} // namespace kseries::matrix
