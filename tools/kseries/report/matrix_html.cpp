// The matrix as one self-contained HTML page: the per-lineage boundaries
// on top, then the grid in sections per lineage and minor that expand (rows
// in rpm version order), each cell opening its per-file, per-hunk details
// on click (<details>), a filter box (a few lines of inline script), and
// the legend of outcomes and policies. No external assets: the page works
// from a mail attachment or a CI artefact store.
#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <kseries/matrix/group.hpp>
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
table.grid thead th { position: sticky; top: 2.6rem; background: #f6f8fa; z-index: 2; }
.bar { position: sticky; top: 0; z-index: 5; background: #fff; padding: .4rem 0; }
.bar input { width: 24rem; max-width: 90vw; padding: .3rem .5rem; font-size: 1rem; }
details.lineage > summary { font-size: 1.15rem; font-weight: 600; margin: 1rem 0 .3rem; }
details.group { margin-left: 1rem; }
details.group > summary { font-family: ui-monospace, monospace; cursor: pointer; margin: .3rem 0; }
.count { color: #656d76; font-family: system-ui, sans-serif; font-size: .9em; margin-left: .4rem; }
table.boundaries { border-collapse: collapse; }
table.boundaries th, table.boundaries td { border-bottom: 1px solid #d0d7de; padding: .3rem .6rem;
  text-align: left; font-family: ui-monospace, monospace; }
table.boundaries td.good { color: #116329; } table.boundaries td.bad { color: #a40e26; }
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

// The boundaries a maintainer reads first, per lineage and patch.
std::string boundaries(const matrix::Matrix& m, const std::vector<std::string>& names) {
    const auto summary = matrix::summarize(m);
    if (summary.empty()) {
        return {};
    }
    std::string out = "<section id=\"boundaries\"><h2>Per lineage and patch</h2>"
                      "<table class=\"boundaries\"><tr><th>lineage</th><th>patch</th>"
                      "<th>applies up to</th><th>fails from</th><th>not covered</th></tr>\n";
    const auto name = [](const Row* r) { return r != nullptr ? esc(r->name()) : std::string("-"); };
    for (const auto& s : summary) {
        std::string missing = fmt::format("{} of {}", s.not_covered.size(), s.releases);
        if (s.unavailable > 0) {
            missing += fmt::format(" ({} without source)", s.unavailable);
        }
        out += fmt::format("<tr data-lineage=\"{}\" data-patch=\"{}\"><td>{}</td><td "
                           "title=\"{}\"><code>{}</code></td><td class=\"good\">{}</td><td "
                           "class=\"{}\">{}</td><td>{}</td></tr>\n",
                           esc(s.lineage), esc(m.patches[s.patch]), esc(s.lineage),
                           esc(m.patches[s.patch]), esc(names[s.patch]), name(s.last_applies),
                           s.first_fails != nullptr ? "bad" : "", name(s.first_fails), missing);
    }
    return out + "</table></section>\n";
}

std::string table_head(const matrix::Matrix& m, const std::vector<std::string>& names) {
    std::string out = "<table class=\"grid\">\n<thead><tr><th>release</th><th>policy</th>";
    if (m.versioned) {
        out += "<th>version</th>";
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("<th title=\"{}\">{}</th>", esc(m.patches[i]), esc(names[i]));
    }
    if (m.has_proofs()) {
        out += "<th>boot proof</th>";
    }
    return out + "<th>source</th></tr></thead>\n<tbody>\n";
}

std::string row_html(const matrix::Matrix& m, const Row& r) {
    std::string out = fmt::format("<tr data-release=\"{0}\"><th scope=\"row\">{0}", esc(r.name()));
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
    if (m.has_proofs()) {
        out += proof_cell(r);
    }
    return out + fmt::format("<td class=\"source\">{}</td></tr>\n",
                             esc(r.available() || r.unusable ? row_source_text(r)
                                                             : r.source + ": " + r.unavailable));
}

// "9 releases, 2 failing"
std::string count_text(const std::vector<const Row*>& rows) {
    const auto bad =
        std::count_if(rows.begin(), rows.end(), [](const Row* r) { return matrix::failing(*r); });
    return fmt::format("{} release{}{}", rows.size(), rows.size() == 1 ? "" : "s",
                       bad > 0 ? fmt::format(", {} failing", bad) : std::string());
}

// One section per lineage (open), in it one per minor: a minor with a
// failing release starts open, the others closed, so a page of every
// z-stream opens on what needs attention.
std::string sections(const matrix::Matrix& m, const std::vector<std::string>& names) {
    std::vector<std::pair<std::string, std::vector<const Row*>>> lineages;
    for (const auto& r : m.rows) {
        const auto lineage = matrix::lineage_of(r);
        auto it = std::find_if(lineages.begin(), lineages.end(),
                               [&](const auto& l) { return l.first == lineage; });
        if (it == lineages.end()) {
            lineages.emplace_back(lineage, std::vector<const Row*>{});
            it = std::prev(lineages.end());
        }
        it->second.push_back(&r);
    }
    std::string out = "<div id=\"matrix\">\n";
    for (const auto& [lineage, rows] : lineages) {
        out += fmt::format(
            "<details class=\"lineage\" data-lineage=\"{0}\" open=\"open\"><summary>{0} "
            "<span class=\"count\">{1}</span></summary>\n",
            esc(lineage), esc(count_text(rows)));
        for (std::size_t at = 0; at < rows.size();) {
            const auto minor = matrix::minor_of(*rows[at]);
            std::vector<const Row*> run;
            for (; at < rows.size() && matrix::minor_of(*rows[at]) == minor; ++at) {
                run.push_back(rows[at]);
            }
            const auto* entry = run.front()->entry;
            const bool starts_open = std::any_of(run.begin(), run.end(),
                                                 [](const Row* r) { return matrix::failing(*r); });
            out +=
                fmt::format("<details class=\"group\" data-minor=\"{0}\"{1}><summary>{0}{2} "
                            "<span class=\"count\">{3}</span></summary>\n",
                            esc(minor), starts_open ? " open=\"open\"" : "",
                            entry != nullptr && !entry->minor.empty()
                                ? fmt::format(" <span class=\"minor\">{}</span>", esc(entry->minor))
                                : std::string(),
                            esc(count_text(run)));
            out += table_head(m, names);
            for (const auto* r : run) {
                out += row_html(m, *r);
            }
            out += "</tbody>\n</table>\n</details>\n";
        }
        out += "</details>\n";
    }
    return out + "</div>\n";
}

// The filter box: rows whose text holds every word typed stay, the others
// hide; a group with a match opens, one without hides. Inline and plain, so
// the page still needs nothing from outside.
constexpr std::string_view filter_script = R"js(
(function () {
  const box = document.getElementById('filter');
  const groups = [...document.querySelectorAll('#matrix details.group')];
  const opened = new Map(groups.map(g => [g, g.open]));
  box.addEventListener('input', function () {
    const words = box.value.toLowerCase().split(/\s+/).filter(w => w);
    for (const g of groups) {
      let shown = 0;
      for (const row of g.querySelectorAll('tr[data-release]')) {
        const text = (row.dataset.release + ' ' + row.textContent).toLowerCase();
        const keep = words.every(w => text.includes(w));
        row.hidden = !keep;
        shown += keep ? 1 : 0;
      }
      g.hidden = shown === 0;
      g.open = words.length ? shown > 0 : opened.get(g);
    }
  });
})();
)js";

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
    out += boundaries(m, names);
    out += "<div class=\"bar\"><input id=\"filter\" type=\"search\" placeholder=\"filter: a "
           "release, a minor, FAILS ...\" aria-label=\"filter releases\"/></div>\n";
    out += sections(m, names);
    out += "<h2>Patches</h2>\n<ul>\n";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("<li><code>{}</code> {}</li>\n", esc(names[i]), esc(m.patches[i]));
    }
    out += "</ul>\n" + legend() + fmt::format("\n<script>{}</script>\n", filter_script) +
           "</body>\n</html>\n";
    return out;
}

} // namespace kseries::report
