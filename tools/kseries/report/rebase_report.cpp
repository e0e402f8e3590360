#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kseries/report/markup.hpp>
#include <kseries/report/rebase_report.hpp>
#include <kseries/util/text.hpp>
#include <kseries/util/version.hpp>

namespace kseries::report {

namespace {

std::string placed_at(const rebase::HunkPlacement& h) {
    if (h.step == rebase::Step::Unplaced || h.line == 0) {
        return "";
    }
    return fmt::format("line {} ({:+})", h.line, h.moved);
}

std::string outcome_line(const RebaseReport& r) {
    if (!r.written.empty()) {
        return fmt::format("wrote {}", r.written);
    }
    if (!r.workspace.empty()) {
        return fmt::format("stopped: resolve it in {} (see {}/SUMMARY)", r.workspace, r.workspace);
    }
    return r.nothing_written.empty() ? "nothing written" : r.nothing_written;
}

// "target release 4.18.0-240.el8 (from the git ref's name)": the release
// the new version records as its base, and how it was told.
std::string onto_line(const RebaseReport& r) {
    if (!r.onto_release) {
        return "target release unknown (no name and no kernel Makefile): the new version "
               "records no base";
    }
    return fmt::format("target release {} ({})", r.onto_release->release.name(),
                       kernel::origin_words(r.onto_release->origin));
}

const rebase::HunkProposal* proposal_of(const rebase::FileOutcome& f, std::size_t hunk) {
    for (const auto& p : f.proposals) {
        if (p.hunk == hunk) {
            return &p;
        }
    }
    return nullptr;
}

nlohmann::ordered_json proposal_json(const rebase::HunkProposal& p) {
    nlohmann::ordered_json changes = nlohmann::ordered_json::array();
    for (const auto& c : p.changes) {
        changes.push_back({{"change", c.change.shown},
                           {"proposed", c.proposed},
                           {"ambiguous", c.ambiguous},
                           {"first_line", c.proposed ? c.first + 1 : 0},
                           {"line_count", c.proposed ? c.count : 0},
                           {"function", c.function},
                           {"confidence", c.confidence},
                           {"evidence", c.evidence},
                           {"diff", c.diff},
                           {"why", c.why}});
    }
    return {{"function", p.function},
            {"mentions", p.mentions},
            {"acceptable", p.acceptable()},
            {"changes", std::move(changes)}};
}

} // namespace

std::string render_rebase_text(const RebaseReport& r) {
    // Names, paths and notes from the input, with control characters shown
    // escaped: the SUMMARY is read in a terminal too.
    const auto show = [](std::string_view s) { return text::printable(s); };
    std::string out =
        fmt::format("rebase {} {} -> {} onto {}\n\n", show(r.request->store), show(r.request->from),
                    show(r.request->as), show(r.request->onto));
    out.insert(out.size() - 1, show(onto_line(r)) + '\n');
    for (const auto& p : r.result->patches) {
        out += fmt::format("{}: {}{}\n", show(p.name), rebase::fate_key(p.fate),
                           p.reason.empty() ? "" : " - " + show(p.reason));
        for (const auto& f : p.files) {
            for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
                const auto& h = f.placement.hunks[i];
                const auto at = placed_at(h);
                out += fmt::format("  {} #{} @{}: {}{}{}\n", show(f.path), i + 1, h.stated,
                                   rebase::step_key(h.step), at.empty() ? "" : " at " + at,
                                   h.note.empty() ? "" : " - " + show(h.note));
                if (const auto* pr = proposal_of(f, i)) {
                    out += text::neutralise(rebase::render_proposal(*pr, "    "));
                }
            }
        }
    }
    return out + '\n' + show(outcome_line(r)) + '\n';
}

std::string render_rebase_markdown(const RebaseReport& r) {
    // Every name, path and note from the input is escaped Markdown text
    // (not a code span, which a backtick would end).
    const auto cell = [](std::string_view s) { return escape_markdown(s); };
    std::string out =
        fmt::format("### kseries rebase {} {} → {} onto {}\n\n", cell(r.request->store),
                    cell(r.request->from), cell(r.request->as), cell(r.request->onto));
    out += cell(onto_line(r)) + "\n\n";
    out += "| patch | fate | file | hunk | step | placed at | note |\n"
           "|:--|:--|:--|--:|:--|:--|:--|\n";
    for (const auto& p : r.result->patches) {
        if (p.files.empty()) {
            out += fmt::format("| {} | {} | | | | | {} |\n", cell(p.name), rebase::fate_key(p.fate),
                               cell(p.reason));
        }
        for (const auto& f : p.files) {
            for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
                const auto& h = f.placement.hunks[i];
                out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", cell(p.name),
                                   rebase::fate_key(p.fate), cell(f.path), i + 1,
                                   rebase::step_key(h.step), placed_at(h), cell(h.note));
            }
        }
    }
    return out + '\n' + cell(outcome_line(r)) + '\n';
}

std::string render_rebase_json(const RebaseReport& r) {
    using nlohmann::ordered_json;
    ordered_json doc;
    doc["kseries"] = "rebase";
    doc["format_version"] = 1;
    doc["kseries_version"] = kseries::version();
    doc["store"] = r.request->store;
    doc["from"] = r.request->from;
    doc["as"] = r.request->as;
    doc["onto"] = r.request->onto;
    if (r.onto_release) {
        doc["onto_release"] = {{"name", r.onto_release->release.name()},
                               {"from", kernel::origin_key(r.onto_release->origin)},
                               {"guess", kernel::is_guess(r.onto_release->origin)}};
    } else {
        doc["onto_release"] = nullptr;
    }
    doc["written"] = r.written.empty() ? ordered_json(nullptr) : ordered_json(r.written);
    doc["workspace"] = r.workspace.empty() ? ordered_json(nullptr) : ordered_json(r.workspace);
    doc["nothing_written"] =
        r.nothing_written.empty() ? ordered_json(nullptr) : ordered_json(r.nothing_written);
    ordered_json patches = ordered_json::array();
    for (const auto& p : r.result->patches) {
        ordered_json jp;
        jp["name"] = p.name;
        jp["fate"] = rebase::fate_key(p.fate);
        jp["reason"] = p.reason.empty() ? ordered_json(nullptr) : ordered_json(p.reason);
        ordered_json hunks = ordered_json::array();
        for (const auto& f : p.files) {
            for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
                const auto& h = f.placement.hunks[i];
                hunks.push_back({{"file", f.path},
                                 {"number", i + 1},
                                 {"step", rebase::step_key(h.step)},
                                 {"stated_line", h.stated},
                                 {"line", h.line == 0 ? ordered_json(nullptr) : ordered_json(h.line)},
                                 {"moved", h.moved},
                                 {"fuzz", h.fuzz},
                                 {"note", h.note}});
                if (const auto* pr = proposal_of(f, i)) {
                    hunks.back()["proposal"] = proposal_json(*pr);
                }
            }
        }
        jp["hunks"] = std::move(hunks);
        patches.push_back(std::move(jp));
    }
    doc["patches"] = std::move(patches);
    // Paths and names are bytes, not always UTF-8: replace what is not
    // (U+FFFD) rather than throw, so the document is valid for any input.
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

} // namespace kseries::report
