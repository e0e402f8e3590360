#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

namespace {

std::string_view mark(const Cell& c) {
    switch (cell_tone(c)) {
    case Tone::Good:
    case Tone::Warn:
        return "✅";
    case Tone::Info:
        return "☑️";
    case Tone::Dim:
        return "➖";
    case Tone::Bad:
        break;
    }
    return "❌";
}

} // namespace

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

// How a renderer shows a name or a path from the input: as a line of text,
// or as literal Markdown.
using Shown = std::string (*)(std::string_view);

// One line per cell of a patch the maintainer skipped: the table's cell
// says only SKIPPED, the reason is here.
std::string skipped_notes(const matrix::Matrix& m, std::string_view prefix, Shown show) {
    std::string out;
    for (const auto& r : m.rows) {
        for (std::size_t i = 0; i < r.cells.size() && i < m.patches.size(); ++i) {
            if (r.cells[i].skipped) {
                out += fmt::format("{}{} {}: {}\n", prefix, show(r.name()), show(m.patches[i]),
                                   show(r.cells[i].note));
            }
        }
    }
    return out;
}

} // namespace

std::string render_matrix_text(const matrix::Matrix& m, const TextStyle& style) {
    // Names, tags and paths from the input: control characters would reach
    // the terminal, and a newline would break the table.
    const auto show = [](const std::string& s) { return text::printable(s); };
    const auto names = short_names(m.patches);
    std::size_t release_w = std::string_view("release").size();
    std::size_t policy_w = std::string_view("policy").size();
    std::size_t version_w = std::string_view("version").size();
    std::vector<std::size_t> col_w;
    for (const auto& n : names) {
        col_w.push_back(n.size());
    }
    for (const auto& r : m.rows) {
        release_w = std::max(release_w, show(r.name()).size());
        policy_w = std::max(policy_w, policy_text(r).size());
        version_w = std::max(version_w, show(r.version).size());
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
            col_w[i] = std::max(col_w[i], cell_text(r.cells[i]).size());
        }
    }

    const bool proofs = m.has_proofs();
    const std::size_t proof_w = std::string_view("boot proof").size();
    std::string out = fmt::format("series  {}\n\n", show(m.series));
    out += fmt::format("{:<{}}  {:<{}}", "release", release_w, "policy", policy_w);
    if (m.versioned) {
        out += fmt::format("  {:<{}}", "version", version_w);
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("  {:<{}}", names[i], col_w[i]);
    }
    if (proofs) {
        out += fmt::format("  {:<{}}", "boot proof", proof_w);
    }
    out += "  source\n";
    for (const auto& r : m.rows) {
        out += fmt::format("{:<{}}  {:<{}}", show(r.name()), release_w, policy_text(r), policy_w);
        if (m.versioned) {
            out += fmt::format("  {:<{}}", r.version.empty() ? "-" : show(r.version), version_w);
        }
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
            const auto text = fmt::format("{:<{}}", cell_text(r.cells[i]), col_w[i]);
            out += "  " + paint(style, cell_tone(r.cells[i]), text);
        }
        if (proofs) {
            out +=
                "  " + paint(style, proof_tone(r), fmt::format("{:<{}}", proof_text(r), proof_w));
        }
        // Where the row comes from: two rows of one release differ here.
        out += paint(style, Tone::Dim, "  " + show(row_source_text(r)));
        out += '\n';
    }
    out += '\n';
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("{:<{}}  {}\n", names[i], col_w[i], show(m.patches[i]));
    }
    out += "\ncells: where GNU patch places the patch at fuzz 2; (rejected): the release's own "
           "policy would not apply it;\n'in tree': the tree already has it; * policy not "
           "verified (see the catalog)\n";
    if (m.versioned) {
        out += "'not needed': the tree has the fix (detect rule) or the version dropped the "
               "patch; '-': not in the release's version;\n'no version': no version of the "
               "series maps the release (see --format json for the reasons)\n";
    }
    if (proofs) {
        out += "boot proof: what `kseries verify --boot` recorded for the release's version "
               "(see --format json for each scenario)\n";
    }
    out += skipped_notes(m, "SKIPPED: ", text::printable);
    out += '\n' + paint(style, m.covered() ? Tone::Good : Tone::Bad, coverage_text(m)) + '\n';
    return out;
}

std::string render_matrix_markdown(const matrix::Matrix& m) {
    // Every name from the input is escaped Markdown text, not a code span:
    // a backtick or `|` in a tag or patch name would end the span or the cell.
    const auto md = [](const std::string& s) { return escape_markdown(s); };
    const auto names = short_names(m.patches);
    std::string out = fmt::format("### kseries matrix: {}\n\n| release | policy |", md(m.series));
    for (const auto& n : names) {
        out += fmt::format(" {} |", md(n));
    }
    const bool proofs = m.has_proofs();
    out += proofs ? " boot proof |\n|:--|:--|" : "\n|:--|:--|";
    for (std::size_t i = 0; i < names.size() + (proofs ? 1 : 0); ++i) {
        out += ":-:|";
    }
    out += '\n';
    for (const auto& r : m.rows) {
        out += fmt::format("| {} | {} |", md(r.name()),
                           md(m.versioned && !r.version.empty() ? policy_text(r) + ", " + r.version
                                                                : policy_text(r)));
        for (const auto& c : r.cells) {
            out += fmt::format(" {} {} |", mark(c), cell_text(c));
        }
        if (proofs) {
            out += r.proof ? fmt::format(" {} {} |", r.proof->proved() ? "✅" : "❌", proof_text(r))
                           : std::string(" ➖ |");
        }
        out += '\n';
    }
    out += fmt::format("\n**{}.** ", coverage_text(m));
    out +=
        "✅ applies under the release's own policy · ☑️ already in the tree, or not needed · ❌ "
        "does not apply, or the policy rejects it, or no version maps the release · ➖ no "
        "source, or not in the release's version · \\* policy not verified\n\n";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("- {}: {}\n", md(names[i]), md(m.patches[i]));
    }
    for (const auto& r : m.rows) {
        if (r.unusable) {
            out += fmt::format("- {} {}\n", md(r.name()), md(row_source_text(r)));
        }
    }
    out += skipped_notes(m, "- ❌ skipped: ", escape_markdown);
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
    // Paths and names are bytes, not always UTF-8: replace what is not
    // (U+FFFD) rather than throw, so the document is valid for any input.
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

} // namespace kseries::report
