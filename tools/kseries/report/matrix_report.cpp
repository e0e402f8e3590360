#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kseries/matrix/group.hpp>
#include <kseries/report/json_parts.hpp>
#include <kseries/report/markup.hpp>
#include <kseries/report/matrix_report.hpp>
#include <kseries/series/proof_record.hpp>
#include <kseries/util/text.hpp>
#include <kseries/util/version.hpp>

namespace kseries::report {

using matrix::Cell;
using matrix::CellKind;

Tone cell_tone(const Cell& c) {
    switch (c.kind) {
    case CellKind::Unavailable:
    case CellKind::NotInVersion:
        return Tone::Dim;
    case CellKind::AlreadyApplied:
    case CellKind::NotNeeded:
        return Tone::Info;
    case CellKind::Fails:
    case CellKind::Unmapped:
        return Tone::Bad;
    case CellKind::Exact:
    case CellKind::Offset:
    case CellKind::Fuzz:
        break;
    }
    if (!c.accepted) {
        return Tone::Bad;
    }
    return c.kind == CellKind::Exact ? Tone::Good : Tone::Warn;
}

std::string policy_text(const matrix::Row& row) {
    return std::string(kernel::policy(row.policy).label) + (row.policy_verified ? "" : "*");
}

std::size_t covered_rows(const matrix::Matrix& m) {
    return static_cast<std::size_t>(std::count_if(m.rows.begin(), m.rows.end(), [](const auto& r) {
        return r.available() && std::all_of(r.cells.begin(), r.cells.end(),
                                            [](const Cell& c) { return c.accepted; });
    }));
}

std::string coverage_text(const matrix::Matrix& m) {
    const std::size_t counted = m.counted_rows();
    std::string out = fmt::format("{} of {} releases covered", covered_rows(m), counted);
    if (counted != m.rows.size()) {
        out += fmt::format("; {} unavailable, not counted", m.rows.size() - counted);
    }
    return out;
}

std::string row_source_text(const matrix::Row& r) {
    if (r.available()) {
        return r.source;
    }
    return r.unusable ? fmt::format("{}: unavailable: {}", r.source, r.unavailable) : r.unavailable;
}

std::string cell_text(const Cell& c) {
    std::string out;
    switch (c.kind) {
    case CellKind::Exact:
        out = "exact";
        break;
    case CellKind::Offset:
        out = fmt::format("offset {:+}", c.offset);
        break;
    case CellKind::Fuzz:
        out = fmt::format("fuzz {}", c.fuzz);
        break;
    case CellKind::AlreadyApplied:
        return "in tree";
    case CellKind::Fails:
        return c.skipped ? "SKIPPED" : c.note.empty() ? "FAILS" : "FAILS (record)";
    case CellKind::NotNeeded:
        return "not needed";
    case CellKind::NotInVersion:
        return "-";
    case CellKind::Unmapped:
        return "no version";
    case CellKind::Unavailable:
        return "n/a";
    }
    // Placed by patch -F2, but the release's own policy would not apply it.
    if (!c.accepted) {
        out += c.verdict == check::Verdict::Skipped ? " (skipped)" : " (rejected)";
    }
    return out;
}

std::string proof_text(const matrix::Row& row) {
    if (!row.proof) {
        return "-";
    }
    return row.proof->proved() ? "proved" : "not proved";
}

Tone proof_tone(const matrix::Row& row) {
    if (!row.proof) {
        return Tone::Dim;
    }
    return row.proof->proved() ? Tone::Good : Tone::Bad;
}

std::vector<std::string> short_names(const std::vector<std::string>& patches) {
    std::vector<std::string> out;
    out.reserve(patches.size());
    for (std::size_t i = 0; i < patches.size(); ++i) {
        const auto& p = patches[i];
        const auto dash = p.find('-');
        const bool numbered = dash != std::string::npos && dash > 0 &&
                              std::all_of(p.begin(), p.begin() + static_cast<long>(dash),
                                          [](char c) { return c >= '0' && c <= '9'; });
        out.push_back(numbered ? p.substr(0, dash) : fmt::format("P{}", i + 1));
    }
    return out;
}

namespace {

// A row's boot proof in brief; the whole record is its proof.json.
nlohmann::ordered_json proof_json(const series::ProofRecord& p) {
    nlohmann::ordered_json j;
    j["version"] = p.version;
    j["kernel_release"] = p.kernel_release;
    j["verdict"] = p.proved() ? "proved" : "not-proved";
    j["scenarios"] = nlohmann::ordered_json::array();
    for (const auto& s : p.scenarios) {
        j["scenarios"].push_back({{"scenario", s.scenario},
                                  {"patch", s.patch},
                                  {"verdict", series::verdict_key(s.verdict)}});
    }
    return j;
}

// Per lineage, then per patch: the boundaries the text summary shows, with
// the releases not covered named.
nlohmann::ordered_json summary_json(const matrix::Matrix& m) {
    const auto name = [](const matrix::Row* r) {
        return r != nullptr ? nlohmann::ordered_json(r->name()) : nlohmann::ordered_json(nullptr);
    };
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& s : matrix::summarize(m)) {
        nlohmann::ordered_json names = nlohmann::ordered_json::array();
        for (const auto* r : s.not_covered) {
            names.push_back(r->name());
        }
        out[s.lineage][m.patches[s.patch]] = {{"last_applies", name(s.last_applies)},
                                              {"first_fails", name(s.first_fails)},
                                              {"releases", s.releases},
                                              {"applies", s.applies},
                                              {"fails", s.fails},
                                              {"unavailable", s.unavailable},
                                              {"not_covered", std::move(names)}};
    }
    return out;
}

} // namespace

std::string render_matrix_json(const matrix::Matrix& m) {
    using nlohmann::ordered_json;
    ordered_json doc;
    doc["kseries"] = "matrix";
    doc["format_version"] = 1;
    doc["kseries_version"] = kseries::version();
    doc["series"] = m.series;
    doc["mapped"] = m.mapped;
    doc["patches"] = m.patches;
    doc["covered"] = m.covered();
    ordered_json rows = ordered_json::array();
    for (const auto& r : m.rows) {
        ordered_json jr;
        jr["release"] = r.release_known ? ordered_json(r.release.name()) : ordered_json(nullptr);
        jr["release_from"] = r.release_known ? ordered_json(kernel::origin_key(r.release_from))
                                             : ordered_json(nullptr);
        jr["source"] = r.source;
        jr["available"] = r.available();
        jr["unavailable_reason"] =
            r.available() ? ordered_json(nullptr) : ordered_json(r.unavailable);
        jr["counted"] = r.counted;
        jr["version"] = r.version.empty() ? ordered_json(nullptr) : ordered_json(r.version);
        jr["mapped_by"] = r.rule.empty() ? ordered_json(nullptr) : ordered_json(r.rule);
        jr["policy"] = kernel::policy(r.policy).key;
        jr["policy_verified"] = r.policy_verified;
        jr["policy_origin"] = r.policy_origin;
        if (r.entry != nullptr) {
            jr["lineage"] = r.entry->lineage;
            jr["minor"] = r.entry->minor;
        }
        ordered_json cells = ordered_json::array();
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
            const auto& c = r.cells[i];
            ordered_json jc;
            jc["patch"] = m.patches[i];
            jc["outcome"] = matrix::cell_key(c.kind);
            jc["accepted"] = c.accepted;
            jc["verdict"] =
                r.available() ? ordered_json(check::verdict_key(c.verdict)) : ordered_json(nullptr);
            jc["fuzz"] = c.fuzz;
            jc["offset"] = c.offset;
            jc["note"] = c.note.empty() ? ordered_json(nullptr) : ordered_json(c.note);
            if (c.patch) {
                jc["details"] = patch_json(r.report->patches[*c.patch]);
            }
            cells.push_back(std::move(jc));
        }
        jr["cells"] = std::move(cells);
        if (r.proof) {
            jr["proof"] = proof_json(*r.proof);
        }
        rows.push_back(std::move(jr));
    }
    doc["releases"] = std::move(rows);
    doc["summary"] = summary_json(m);
    // Paths and names are bytes, not always UTF-8: replace what is not
    // (U+FFFD) rather than throw, so the document is valid for any input.
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

} // namespace kseries::report
