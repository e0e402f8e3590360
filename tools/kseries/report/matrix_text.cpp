// The matrix for people: a terminal grid and Markdown for merge requests and
// wikis. Both open with the summary a maintainer reads first (per lineage
// and patch: the last release where it applies, the first where it fails),
// then the rows, runs of identical releases of one minor folded into one.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include <kseries/matrix/group.hpp>
#include <kseries/report/markup.hpp>
#include <kseries/report/matrix_report.hpp>
#include <kseries/series/proof_record.hpp>
#include <kseries/util/text.hpp>

namespace kseries::report {

using matrix::Cell;
using matrix::Row;
using matrix::RowGroup;

std::size_t display_width(std::string_view s) {
    // A UTF-8 continuation byte (10xxxxxx) adds no column.
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned>(static_cast<unsigned char>(c)) & 0xC0U) != 0x80U;
    }));
}

std::string short_source(std::string_view source) {
    std::string out;
    std::size_t at = 0;
    while (at <= source.size()) {
        const auto space = std::min(source.find(' ', at), source.size());
        std::string_view word = source.substr(at, space - at);
        // REPO@REF: only the repository is a path; the ref stays whole.
        const auto ref_at = word.find('@');
        std::string_view path = word.substr(0, ref_at);
        const std::string_view ref = ref_at == std::string_view::npos ? "" : word.substr(ref_at);
        while (path.size() > 1 && path.ends_with('/')) {
            path.remove_suffix(1);
        }
        if (const auto slash = path.rfind('/');
            slash != std::string_view::npos && slash + 1 < path.size()) {
            path.remove_prefix(slash + 1);
        }
        out += std::string(path) + std::string(ref);
        if (space < source.size()) {
            out += ' ';
        }
        at = space + 1;
    }
    return out;
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

std::string pad(std::string_view s, std::size_t width) {
    const auto w = display_width(s);
    return std::string(s) + std::string(width > w ? width - w : 0, ' ');
}

// The release column of a group: the release, or "4.18.0-305.* — 9 releases".
std::string group_name(const RowGroup& g) {
    if (g.rows.size() > 1) {
        return fmt::format("{} — {} releases", g.pattern, g.rows.size());
    }
    // A release not told is named by its source: short, as in the last column.
    return g.first().release_known ? g.first().name() : short_source(g.first().source);
}

std::string short_row_source(const Row& r) {
    if (r.available()) {
        return short_source(r.source);
    }
    return r.unusable ? fmt::format("{}: unavailable: {}", short_source(r.source), r.unavailable)
                      : r.unavailable;
}

// The last column of a group: its source; for a run, the first and last
// release, and the source they share or how many there are.
std::string group_source(const RowGroup& g) {
    const auto first = short_row_source(g.first());
    if (g.rows.size() == 1) {
        return first;
    }
    const auto same = [&](std::string_view prefix) {
        return std::all_of(g.rows.begin(), g.rows.end(),
                           [&](const Row* r) { return short_row_source(*r).starts_with(prefix); });
    };
    std::string shared = fmt::format("{} sources", g.rows.size());
    if (same(first)) {
        shared = first;
    } else if (const auto at = first.find('@');
               at != std::string::npos && same(std::string_view(first).substr(0, at + 1))) {
        // Refs of one repository: "git alma.git@* (9 refs)".
        shared = fmt::format("{}* ({} refs)", first.substr(0, at + 1), g.rows.size());
    }
    return fmt::format("{}..{}: {}", g.first().name(), g.last().name(), shared);
}

// The summary's cells for one patch of one lineage.
struct SummaryLine {
    std::string lineage, patch, applies, fails, not_covered;
};

std::vector<SummaryLine> summary_lines(const matrix::Matrix& m) {
    const auto names = short_names(m.patches);
    std::vector<SummaryLine> out;
    for (const auto& s : matrix::summarize(m)) {
        std::string not_covered = fmt::format("{} of {}", s.not_covered.size(), s.releases);
        if (s.unavailable > 0) {
            not_covered += fmt::format(" ({} without source)", s.unavailable);
        }
        // Names from the input: no control character reaches the terminal.
        out.push_back({text::printable(s.lineage), text::printable(names[s.patch]),
                       s.last_applies != nullptr ? text::printable(s.last_applies->name()) : "-",
                       s.first_fails != nullptr ? text::printable(s.first_fails->name()) : "-",
                       std::move(not_covered)});
    }
    return out;
}

std::string summary_text(const matrix::Matrix& m) {
    const auto lines = summary_lines(m);
    if (lines.empty()) {
        return {};
    }
    const SummaryLine head{"lineage", "patch", "applies up to", "fails from", "not covered"};
    std::array<std::size_t, 4> width{};
    const auto widen = [&](const SummaryLine& l) {
        width[0] = std::max(width[0], display_width(l.lineage));
        width[1] = std::max(width[1], display_width(l.patch));
        width[2] = std::max(width[2], display_width(l.applies));
        width[3] = std::max(width[3], display_width(l.fails));
    };
    widen(head);
    std::for_each(lines.begin(), lines.end(), widen);
    std::string out = "per lineage and patch: the last release where it applies, the first "
                      "where it fails\n";
    const auto line = [&](const SummaryLine& l) {
        return fmt::format("{}  {}  {}  {}  {}\n", pad(l.lineage, width[0]), pad(l.patch, width[1]),
                           pad(l.applies, width[2]), pad(l.fails, width[3]), l.not_covered);
    };
    out += line(head);
    for (const auto& l : lines) {
        out += line(l);
    }
    return out + '\n';
}

} // namespace

std::string render_matrix_text(const matrix::Matrix& m, const TextStyle& style,
                               const MatrixView& view) {
    // Names, tags and paths from the input: control characters would reach
    // the terminal, and a newline would break the table.
    const auto show = [](const std::string& s) { return text::printable(s); };
    const auto names = short_names(m.patches);
    const auto groups = matrix::group_rows(m, view.group, view.only_failures);
    std::size_t release_w = std::string_view("release").size();
    std::size_t policy_w = std::string_view("policy").size();
    std::size_t version_w = std::string_view("version").size();
    std::size_t name_w = 0;
    std::vector<std::size_t> col_w;
    for (const auto& n : names) {
        col_w.push_back(display_width(n));
        name_w = std::max(name_w, display_width(n));
    }
    for (const auto& g : groups) {
        const Row& r = g.first();
        release_w = std::max(release_w, display_width(show(group_name(g))));
        policy_w = std::max(policy_w, policy_text(r).size());
        version_w = std::max(version_w, display_width(show(r.version)));
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
            col_w[i] = std::max(col_w[i], cell_text(r.cells[i]).size());
        }
    }

    const bool proofs = m.has_proofs();
    const std::size_t proof_w = std::string_view("boot proof").size();
    std::string out = fmt::format("series  {}\n\n", show(m.series));
    out += summary_text(m);
    out += pad("release", release_w) + "  " + pad("policy", policy_w);
    if (m.versioned) {
        out += "  " + pad("version", version_w);
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += "  " + pad(show(names[i]), col_w[i]);
    }
    if (proofs) {
        out += "  " + pad("boot proof", proof_w);
    }
    out += "  source\n";
    for (const auto& g : groups) {
        const Row& r = g.first();
        out += pad(show(group_name(g)), release_w) + "  " + pad(policy_text(r), policy_w);
        if (m.versioned) {
            out += "  " + pad(r.version.empty() ? "-" : show(r.version), version_w);
        }
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
            out += "  " + paint(style, cell_tone(r.cells[i]), pad(cell_text(r.cells[i]), col_w[i]));
        }
        if (proofs) {
            out += "  " + paint(style, proof_tone(r), pad(proof_text(r), proof_w));
        }
        // Where the row comes from: two rows of one release differ here.
        out += paint(style, Tone::Dim, "  " + show(group_source(g)));
        out += '\n';
    }
    if (groups.empty() && view.only_failures) {
        out += "(no release fails)\n";
    }
    out += '\n';
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += pad(show(names[i]), name_w) + "  " + show(m.patches[i]) + '\n';
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

namespace {

// A list, not a table: the page's one table stays the grid, every row of
// it with the grid's columns.
std::string summary_markdown(const matrix::Matrix& m) {
    const auto lines = summary_lines(m);
    if (lines.empty()) {
        return {};
    }
    std::string out = "Per lineage and patch, the last release where it applies and the first "
                      "where it fails:\n\n";
    for (const auto& l : lines) {
        out += fmt::format("- {} {}: applies up to {}, fails from {}; not covered: {}\n",
                           escape_markdown(l.lineage), escape_markdown(l.patch),
                           escape_markdown(l.applies), escape_markdown(l.fails),
                           escape_markdown(l.not_covered));
    }
    return out + '\n';
}

} // namespace

std::string render_matrix_markdown(const matrix::Matrix& m, const MatrixView& view) {
    // Every name from the input is escaped Markdown text, not a code span:
    // a backtick or `|` in a tag or patch name would end the span or the cell.
    const auto md = [](const std::string& s) { return escape_markdown(s); };
    const auto names = short_names(m.patches);
    std::string out = fmt::format("### kseries matrix: {}\n\n", md(m.series));
    out += summary_markdown(m) + "| release | policy |";
    for (const auto& n : names) {
        out += fmt::format(" {} |", md(n));
    }
    const bool proofs = m.has_proofs();
    out += proofs ? " boot proof |\n|:--|:--|" : "\n|:--|:--|";
    for (std::size_t i = 0; i < names.size() + (proofs ? 1 : 0); ++i) {
        out += ":-:|";
    }
    out += '\n';
    for (const auto& g : matrix::group_rows(m, view.group, view.only_failures)) {
        const Row& r = g.first();
        const std::string range =
            g.rows.size() == 1 ? "" : fmt::format(" ({} … {})", g.first().name(), g.last().name());
        out += fmt::format("| {}{} | {} |", md(group_name(g)), md(range),
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
    out += "✅ applies under the release's own policy · ☑️ already in the tree, or not needed · "
           "❌ "
           "does not apply, or the policy rejects it, or no version maps the release · ➖ no "
           "source, or not in the release's version · \\* policy not verified\n\n";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("- {}: {}\n", md(names[i]), md(m.patches[i]));
    }
    for (const auto& r : m.rows) {
        if (r.unusable) {
            out += fmt::format("- {} {}\n", md(r.name()), md(short_row_source(r)));
        }
    }
    out += skipped_notes(m, "- ❌ skipped: ", escape_markdown);
    return out;
}

} // namespace kseries::report
