// The matrix as one self-contained HTML page: a colour-coded grid (rows in
// rpm version order), each cell opening its per-file, per-hunk details on
// click (<details>, no script), and the legend of outcomes and policies.
// No external assets: the page works from a mail attachment or a CI
// artefact store.
#include <fmt/format.h>

#include <kseries/report/check_report.hpp>
#include <kseries/report/markup.hpp>
#include <kseries/report/matrix_report.hpp>
#include <kseries/series/proof_record.hpp>
#include <kseries/util/text.hpp>

namespace kseries::report {

namespace {

using matrix::Cell;
using matrix::CellKind;
using matrix::Row;

std::string esc(std::string_view s) {
    return escape_markup(s);
}

std::string_view tone_class(Tone t) {
    switch (t) {
    case Tone::Good:
        return "good";
    case Tone::Warn:
        return "warn";
    case Tone::Bad:
        return "bad";
    case Tone::Info:
        return "info";
    case Tone::Dim:
        return "dim";
    }
    return "bad";
}

constexpr std::string_view style_sheet = R"css(
:root { font-family: system-ui, sans-serif; color: #1f2328; background: #fff; }
body { margin: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
code, .mono { font-family: ui-monospace, monospace; font-size: .9em; }
.summary { display: inline-block; padding: .3rem .7rem; border-radius: 6px; font-weight: 600; }
.summary.good { background: #dafbe1; color: #116329; }
.summary.bad { background: #ffebe9; color: #a40e26; }
table.grid { border-collapse: separate; border-spacing: 0; margin-top: 1rem; }
table.grid th, table.grid td { padding: .35rem .6rem; border-bottom: 1px solid #d0d7de;
  text-align: left; vertical-align: top; white-space: nowrap; }
table.grid thead th { position: sticky; top: 0; background: #f6f8fa; z-index: 2; }
table.grid th[scope=row] { font-family: ui-monospace, monospace; font-weight: 600; }
.minor { color: #656d76; font-weight: normal; margin-left: .4rem; }
td.source, td.policy { color: #656d76; font-size: .9em; }
td.cell { position: relative; min-width: 7rem; font-weight: 600; }
td.cell summary { cursor: pointer; list-style: none; }
td.cell summary::-webkit-details-marker { display: none; }
td.cell summary::before { content: attr(data-mark); margin-right: .35rem; }
td.good { background: #dafbe1; color: #116329; }
td.warn { background: #fff8c5; color: #7d4e00; }
td.bad { background: #ffebe9; color: #a40e26; }
td.info { background: #ddf4ff; color: #0550ae; }
td.dim { background: #f6f8fa; color: #656d76; }
.panel { position: absolute; left: 0; top: 100%; z-index: 10; min-width: 34rem;
  max-width: 90vw; white-space: normal; font-weight: normal; color: #1f2328;
  background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .8rem;
  box-shadow: 0 8px 24px rgba(140, 149, 159, .3); }
.panel table { border-collapse: collapse; margin: .3rem 0 .6rem; }
.panel th, .panel td { border: 0; border-bottom: 1px solid #eaeef2; padding: .2rem .5rem;
  white-space: nowrap; text-align: left; }
.panel .failed { color: #a40e26; font-weight: 600; }
.swatch { display: inline-block; width: 1.1rem; height: 1.1rem; border-radius: 3px;
  vertical-align: middle; margin-right: .4rem; border: 1px solid #d0d7de; }
.swatch.good { background: #dafbe1; } .swatch.warn { background: #fff8c5; }
.swatch.bad { background: #ffebe9; } .swatch.info { background: #ddf4ff; }
.swatch.dim { background: #f6f8fa; }
ul.legend { list-style: none; padding: 0; } ul.legend li { margin: .25rem 0; }
table.policies { border-collapse: collapse; }
table.policies th, table.policies td { border-bottom: 1px solid #d0d7de; padding: .3rem .6rem;
  text-align: left; }
)css";

std::string_view mark_of(Tone t) {
    switch (t) {
    case Tone::Good:
        return "✔";
    case Tone::Warn:
        return "✔";
    case Tone::Info:
        return "↺";
    case Tone::Dim:
        return "–";
    case Tone::Bad:
        return "✖";
    }
    return "✖";
}

std::string verdicts_table(const check::PatchReport& p, kernel::PolicyId row_policy) {
    std::string out = "<table class=\"verdicts\"><tr><th>policy</th><th>command</th>"
                      "<th>verdict</th></tr>";
    for (const auto& pol : kernel::all_policies()) {
        const auto v = p.verdicts[static_cast<std::size_t>(pol.id)];
        out += fmt::format("<tr{}><td>{}{}</td><td><code>{}</code></td><td>{}</td></tr>",
                           pol.id == row_policy ? " class=\"row-policy\"" : "", esc(pol.label),
                           pol.id == row_policy ? " (this release)" : "", esc(pol.command),
                           check::verdict_key(v));
    }
    return out + "</table>";
}

std::string hunks_table(const apply::TreeFileResult& f) {
    std::string out = "<table class=\"hunks\"><tr><th>#</th><th>hunk</th><th>outcome</th>"
                      "<th>at line</th><th>closest match</th></tr>";
    for (std::size_t i = 0; i < f.result.hunks.size(); ++i) {
        const auto& h = f.result.hunks[i];
        const auto& hunk = f.file->hunks[i];
        const bool failed = h.status == patch::HunkStatus::Failed;
        std::string closest;
        if (const auto& c = f.closest[i]) {
            closest = fmt::format("line {}: {} of {} lines match", c->line, c->matched, c->total);
        }
        out += fmt::format(
            "<tr class=\"hunk\" data-outcome=\"{}\"><td>{}</td><td><code>{}</code></td>"
            "<td{}>{}</td><td>{}</td><td>{}</td></tr>",
            esc(hunk_outcome(h)), i + 1, esc(text::chomp(hunk.header)),
            failed ? " class=\"failed\"" : "", esc(hunk_outcome(h)),
            h.status == patch::HunkStatus::Ignored ? std::string() : std::to_string(h.line),
            esc(closest));
    }
    return out + "</table>";
}

std::string panel(const Row& row, std::size_t i, const std::string& patch_name) {
    std::string out = fmt::format("<div class=\"panel\"><div><code>{}</code> on <code>{}</code>"
                                  "</div>",
                                  esc(patch_name), esc(row.name()));
    const Cell& c = row.cells[i];
    if (!row.report) {
        return out + fmt::format("<p>{}: {}</p></div>",
                                 c.kind == CellKind::Unmapped ? "no version"
                                 : row.unusable               ? "unavailable"
                                                              : "source unavailable",
                                 esc(row.unavailable));
    }
    if (!c.note.empty()) {
        out += fmt::format("<p class=\"note\">{}</p>", esc(c.note));
    }
    if (!c.patch) {
        return out + "</div>";
    }
    const auto& p = row.report->patches[*c.patch];
    if (p.optional_patch_trap) {
        out += fmt::format("<p class=\"failed\">the patch file has only {} lines: kernel.spec's "
                           "ApplyOptionalPatch silently skips files of 9 lines or fewer</p>",
                           p.patch->line_count);
    }
    out += verdicts_table(p, row.policy);
    out += "<div>hunks as GNU <code>patch -p1 -F2</code> places them:</div>";
    for (const auto& f : p.files) {
        out += fmt::format("<div class=\"file\"><code>{}</code>", esc(f.path));
        if (const auto words = file_status_words(f.result.status); !words.empty()) {
            out += fmt::format(" <span class=\"failed\">{}</span>", esc(words));
        }
        if (f.base_matches) {
            out += *f.base_matches ? " (the file is the patch's base blob)"
                                   : " (the file differs from the patch's base blob)";
        }
        out += "</div>" + hunks_table(f);
    }
    return out + "</div>";
}

std::string cell_html(const Row& row, std::size_t i, const std::string& patch_name) {
    const Cell& c = row.cells[i];
    const Tone tone = cell_tone(c);
    return fmt::format("<td class=\"cell {}\" data-patch=\"{}\" data-outcome=\"{}\" "
                       "data-accepted=\"{}\"><details><summary data-mark=\"{}\">{}</summary>{}"
                       "</details></td>",
                       tone_class(tone), esc(patch_name), matrix::cell_key(c.kind),
                       c.accepted ? "true" : "false", mark_of(tone), esc(cell_text(c)),
                       panel(row, i, patch_name));
}

// The boot proof of a row: its verdict, and each scenario's in the title.
std::string proof_cell(const Row& row) {
    std::string title;
    if (row.proof) {
        title = fmt::format("{} on {}", row.proof->version, row.proof->kernel_release);
        for (const auto& s : row.proof->scenarios) {
            title +=
                fmt::format("\n{} ({}): {}", s.scenario, s.patch, series::verdict_key(s.verdict));
        }
    }
    return fmt::format("<td class=\"proof {}\" title=\"{}\">{}</td>", tone_class(proof_tone(row)),
                       esc(title), esc(proof_text(row)));
}

std::string legend() {
    std::string out = "<section id=\"legend\"><h2>Cells</h2><ul class=\"legend\">"
                      "<li><span class=\"swatch good\"></span>exact: every hunk at its stated "
                      "line, and the release's policy applies the patch</li>"
                      "<li><span class=\"swatch warn\"></span>offset or fuzz: the hunks moved or "
                      "needed fuzz, and the release's policy still applies the patch</li>"
                      "<li><span class=\"swatch bad\"></span>fails, or placed only by a more "
                      "lenient patch than the release's policy (rejected / skipped)</li>"
                      "<li><span class=\"swatch info\"></span>in tree: the tree already has the "
                      "patch (GNU patch finds it reversed)</li>"
                      "<li><span class=\"swatch info\"></span>not needed: the tree has the fix "
                      "(the patch's detect rule holds), or the release's series version dropped "
                      "the patch (the reason is in the details)</li>"
                      "<li><span class=\"swatch bad\"></span>no version: no version of the "
                      "series maps the release</li>"
                      "<li><span class=\"swatch dim\"></span>n/a: no source for this "
                      "release; -: the release's series version does not carry the patch</li>"
                      "</ul>"
                      "<p>Cells show where GNU <code>patch -p1 -F2</code> places each hunk; the "
                      "colour says whether the release's own kernel.spec policy accepts it. "
                      "Click a cell for its per-hunk details. A policy marked * is not verified "
                      "(see the catalog).</p><h2>Policies</h2><table class=\"policies\">"
                      "<tr><th>policy</th><th>key</th><th>command</th><th>fuzz</th>"
                      "<th>files of ≤ 9 lines</th></tr>";
    for (const auto& pol : kernel::all_policies()) {
        out += fmt::format("<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td>"
                           "<td>{}</td><td>{}</td></tr>",
                           esc(pol.label), esc(pol.key), esc(pol.command),
                           pol.engine == patch::Engine::GitApply ? std::string("none (exact)")
                                                                 : std::to_string(pol.fuzz),
                           pol.optional_patch_rule ? "silently skipped" : "applied");
    }
    return out + "</table></section>";
}

} // namespace

std::string render_matrix_html(const matrix::Matrix& m) {
    const auto names = short_names(m.patches);
    std::string out = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        "<title>kseries matrix: {0}</title>\n<style>{1}</style>\n</head>\n<body>\n"
        "<h1>kseries matrix</h1>\n<div>series <code>{0}</code></div>\n"
        "<p id=\"summary\" class=\"summary {2}\">{3}</p>\n",
        esc(m.series), style_sheet, m.covered() ? "good" : "bad", esc(coverage_text(m)));

    out += "<table id=\"matrix\" class=\"grid\">\n<thead><tr><th>release</th><th>policy</th>";
    if (m.versioned) {
        out += "<th>version</th>";
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("<th title=\"{}\">{}</th>", esc(m.patches[i]), esc(names[i]));
    }
    const bool proofs = m.has_proofs();
    if (proofs) {
        out += "<th>boot proof</th>";
    }
    out += "<th>source</th></tr></thead>\n<tbody>\n";
    for (const auto& r : m.rows) {
        out += fmt::format("<tr data-release=\"{0}\"><th scope=\"row\">{0}", esc(r.name()));
        if (r.entry != nullptr && !r.entry->minor.empty()) {
            out += fmt::format("<span class=\"minor\">{}</span>", esc(r.entry->minor));
        }
        out += fmt::format("</th><td class=\"policy\" title=\"{}\">{}</td>", esc(r.policy_origin),
                           esc(policy_text(r)));
        if (m.versioned) {
            out += fmt::format("<td class=\"version\" title=\"{}\">{}</td>",
                               esc(r.rule.empty() ? "forced with --series" : "mapped by " + r.rule),
                               esc(r.version.empty() ? "-" : r.version));
        }
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
            out += cell_html(r, i, m.patches[i]);
        }
        if (proofs) {
            out += proof_cell(r);
        }
        out += fmt::format("<td class=\"source\">{}</td></tr>\n",
                           esc(r.available() || r.unusable ? row_source_text(r)
                                                           : r.source + ": " + r.unavailable));
    }
    out += "</tbody>\n</table>\n<h2>Patches</h2>\n<ul>\n";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("<li><code>{}</code> {}</li>\n", esc(names[i]), esc(m.patches[i]));
    }
    out += "</ul>\n" + legend() + "\n</body>\n</html>\n";
    return out;
}

} // namespace kseries::report
