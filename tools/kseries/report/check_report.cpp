#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kseries/report/check_report.hpp>
#include <kseries/report/json_parts.hpp>
#include <kseries/util/text.hpp>
#include <kseries/util/version.hpp>

namespace kseries::report {

namespace {

using check::Verdict;
using patch::FileStatus;
using patch::HunkStatus;

Tone tone_of(const patch::HunkResult& h) {
    switch (h.status) {
    case HunkStatus::Applied:
        return h.exact() ? Tone::Good : Tone::Warn;
    case HunkStatus::Failed:
        return Tone::Bad;
    case HunkStatus::Ignored:
        return Tone::Info;
    }
    return Tone::Bad;
}

Tone tone_of(Verdict v) {
    switch (v) {
    case Verdict::Applies:
        return Tone::Good;
    case Verdict::AlreadyApplied:
        return Tone::Info;
    case Verdict::Fails:
        return Tone::Bad;
    case Verdict::Skipped:
        return Tone::Warn;
    }
    return Tone::Bad;
}

std::string_view file_status_key(FileStatus s) {
    switch (s) {
    case FileStatus::Applied:
        return "applied";
    case FileStatus::Failed:
        return "failed";
    case FileStatus::Reversed:
        return "already-applied";
    case FileStatus::Missing:
        return "missing";
    case FileStatus::AlreadyExists:
        return "already-exists";
    case FileStatus::NotDeleted:
        return "not-deleted";
    }
    return "failed";
}

std::string_view hunk_status_key(HunkStatus s) {
    switch (s) {
    case HunkStatus::Applied:
        return "applied";
    case HunkStatus::Failed:
        return "failed";
    case HunkStatus::Ignored:
        return "ignored";
    }
    return "failed";
}

std::string_view outcome_key(const patch::HunkResult& h) {
    if (h.status != HunkStatus::Applied) {
        return hunk_status_key(h.status);
    }
    return h.fuzz != 0 ? "fuzz" : h.offset != 0 ? "offset" : "exact";
}

std::string hunk_range(const patch::Hunk& h) {
    return fmt::format("@@ -{},{} +{},{} @@", h.old_start, h.old_count, h.new_start, h.new_count);
}

std::string patch_name(const check::PatchReport& p) {
    return p.patch->entry.patch;
}

std::string trap_warning(const check::PatchReport& p) {
    return fmt::format("{} has only {} lines: kernel.spec's ApplyOptionalPatch silently skips "
                       "patch files of 9 lines or fewer",
                       patch_name(p), p.patch->line_count);
}

} // namespace

std::string_view file_status_words(FileStatus s) {
    switch (s) {
    case FileStatus::Applied:
    case FileStatus::Failed:
        return "";
    case FileStatus::Reversed:
        return "reversed or previously applied: patch would skip this file";
    case FileStatus::Missing:
        return "file not found in the tree";
    case FileStatus::AlreadyExists:
        return "patch creates this file, but it already exists";
    case FileStatus::NotDeleted:
        return "patch deletes this file, but content would be left";
    }
    return "";
}

std::string hunk_outcome(const patch::HunkResult& h) {
    switch (h.status) {
    case HunkStatus::Failed:
        return "FAILED";
    case HunkStatus::Ignored:
        return "ignored";
    case HunkStatus::Applied:
        break;
    }
    if (h.exact()) {
        return "exact";
    }
    std::string out;
    if (h.fuzz != 0) {
        out = fmt::format("fuzz {}", h.fuzz);
    }
    if (h.offset != 0) {
        out += fmt::format("{}offset {:+}", out.empty() ? "" : ", ", h.offset);
    }
    return out;
}

namespace {

// Names and paths from the input are shown with their control characters
// escaped: they would reach the terminal raw.
std::string show(std::string_view s) { return text::printable(s); }

// The lines naming the series, the tree and the policy.
std::string check_heading(const check::Report& report) {
    std::string out;
    out += fmt::format("series  {}\n", show(report.series));
    out += fmt::format("tree    {}\n", show(report.tree));
    if (report.policy) {
        const auto& p = kernel::policy(*report.policy);
        out += fmt::format("policy  {} ({})\n", p.label, p.command);
    } else {
        out += fmt::format("policy  {} (custom fuzz)\n", report.shown.describe());
    }
    return out;
}

// Width of the hunk header column, so outcomes line up.
std::size_t hunk_column_width(const check::Report& report) {
    std::size_t width = 0;
    for (const auto& p : report.patches) {
        for (const auto& f : p.files) {
            for (const auto& h : f.file->hunks) {
                width = std::max(width,
                                 hunk_range(h).size() + 1 + show(h.section.substr(0, 32)).size());
            }
        }
    }
    return width;
}

// One hunk's line: its range and section, its outcome, and where it
// applied or came closest.
std::string hunk_line(const apply::TreeFileResult& f, std::size_t i, std::size_t width,
                      const TextStyle& style) {
    const auto& h = f.result.hunks[i];
    const auto& hunk = f.file->hunks[i];
    std::string head = hunk_range(hunk);
    if (!hunk.section.empty()) {
        head += ' ' + show(hunk.section.substr(0, 32));
    }
    const std::string outcome = hunk_outcome(h);
    std::string out = fmt::format("    #{:<3} {:<{}}  {}", i + 1, head, width,
                                  paint(style, tone_of(h), fmt::format("{:<18}", outcome)));
    if (h.status == HunkStatus::Applied) {
        out += fmt::format(" at line {}", h.line);
    } else if (h.status == HunkStatus::Failed) {
        out += fmt::format(" near line {}", h.line);
        if (const auto& c = f.closest[i]) {
            out += paint(style, Tone::Dim,
                         fmt::format("; closest text at line {}: {} of {} old lines "
                                     "match",
                                     c->line, c->matched, c->total));
        } else {
            out += paint(style, Tone::Dim, "; none of its old lines is in the file");
        }
    }
    return out + '\n';
}

// One file of a patch: its path, whether it is the patch's base, its
// status, then its hunks.
std::string file_text(const apply::TreeFileResult& f, std::size_t width, const TextStyle& style) {
    std::string out = fmt::format("  {}", show(f.path));
    if (f.base_matches) {
        out += paint(style, Tone::Dim,
                     *f.base_matches
                         ? fmt::format("  (exactly the patch's base, blob {})", f.file->old_blob)
                         : fmt::format("  (not the patch's base blob {})", f.file->old_blob));
    }
    if (const auto words = file_status_words(f.result.status); !words.empty()) {
        out += "  " + paint(style, f.result.status == FileStatus::Reversed ? Tone::Info : Tone::Bad,
                            words);
    }
    out += '\n';
    for (std::size_t i = 0; i < f.result.hunks.size(); ++i) {
        out += hunk_line(f, i, width, style);
    }
    return out;
}

// One patch: its files, every policy's verdict, and the ApplyOptionalPatch
// trap when it is one.
std::string patch_text(const check::PatchReport& p, std::size_t width, const TextStyle& style) {
    std::string out = '\n' + paint(style, Tone::Dim, "patch ") + show(patch_name(p)) + '\n';
    for (const auto& f : p.files) {
        out += file_text(f, width, style);
    }
    std::string verdicts;
    for (const auto& pol : kernel::all_policies()) {
        const Verdict v = p.verdicts[static_cast<std::size_t>(pol.id)];
        verdicts += fmt::format("  {} {}", pol.label, paint(style, tone_of(v), verdict_key(v)));
    }
    out += fmt::format("  verdicts:{}\n", verdicts);
    if (p.optional_patch_trap) {
        out += "  " + paint(style, Tone::Warn, "warning: " + show(trap_warning(p))) + '\n';
    }
    return out;
}

// The skipped patches the tree lacks, and how many patches apply.
std::string check_summary(const check::Report& report, const TextStyle& style) {
    std::size_t applying = 0;
    for (const auto& p : report.patches) {
        const Verdict mine = report.policy ? p.verdicts[static_cast<std::size_t>(*report.policy)]
                                           : p.shown_verdict();
        applying += mine == Verdict::Applies ? 1 : 0;
    }
    const std::string under =
        report.policy ? std::string(kernel::policy(*report.policy).label) : report.shown.describe();
    std::string out;
    for (const auto& s : report.skipped) {
        out += fmt::format("\n{}  {}\n  {}\n", show(s.name), paint(style, Tone::Bad, "SKIPPED"),
                           "skipped by the maintainer: " + show(s.reason) +
                               " (the version does not carry it; the tree lacks the fix)");
    }
    std::string summary =
        fmt::format("{} of {} patches apply under {}", applying, report.patches.size(), under);
    if (!report.skipped.empty()) {
        summary += fmt::format("; {} skipped by the maintainer", report.skipped.size());
    }
    out += '\n' + paint(style, report.ok() ? Tone::Good : Tone::Bad, summary) + '\n';
    return out;
}

} // namespace

std::string render_check_text(const check::Report& report, const TextStyle& style) {
    std::string out = check_heading(report);
    const std::size_t width = hunk_column_width(report);
    for (const auto& p : report.patches) {
        out += patch_text(p, width, style);
    }
    return out + check_summary(report, style);
}

nlohmann::ordered_json patch_json(const check::PatchReport& p) {
    using nlohmann::ordered_json;
    nlohmann::ordered_json jp;
    jp["name"] = patch_name(p);
    jp["lines"] = p.patch->line_count;
    jp["optional_patch_trap"] = p.optional_patch_trap;
    ordered_json verdicts = ordered_json::object();
    for (const auto& pol : kernel::all_policies()) {
        verdicts[std::string(pol.key)] =
            verdict_key(p.verdicts[static_cast<std::size_t>(pol.id)]);
    }
    jp["verdicts"] = verdicts;
    ordered_json files = ordered_json::array();
    for (const auto& f : p.files) {
        ordered_json jf;
        jf["path"] = f.path;
        if (f.old_path != f.path) {
            jf["old_path"] = f.old_path;
        }
        jf["status"] = file_status_key(f.result.status);
        if (f.base_matches) {
            jf["base_blob"] = f.file->old_blob;
            jf["base_matches"] = *f.base_matches;
        }
        ordered_json hunks = ordered_json::array();
        for (std::size_t i = 0; i < f.result.hunks.size(); ++i) {
            const auto& h = f.result.hunks[i];
            const auto& hunk = f.file->hunks[i];
            ordered_json jh;
            jh["number"] = i + 1;
            jh["header"] = std::string(text::chomp(hunk.header));
            jh["patch_line"] = hunk.line;
            jh["old_start"] = hunk.old_start;
            jh["status"] = hunk_status_key(h.status);
            jh["outcome"] = outcome_key(h);
            jh["line"] =
                h.status == HunkStatus::Ignored ? ordered_json(nullptr) : ordered_json(h.line);
            jh["offset"] = h.offset;
            jh["fuzz"] = h.fuzz;
            if (const auto& c = f.closest[i]) {
                jh["closest"] = {
                    {"line", c->line}, {"matched", c->matched}, {"total", c->total}};
            }
            hunks.push_back(std::move(jh));
        }
        jf["hunks"] = std::move(hunks);
        files.push_back(std::move(jf));
    }
    jp["files"] = std::move(files);
    return jp;
}

std::string release_note_text(const ReleaseNote& note, const std::string& series) {
    return fmt::format("release {} ({}); {}: {}", note.release.release.name(),
                       kernel::origin_words(note.release.origin), series, note.picked);
}

std::string render_check_json(const check::Report& report, const ReleaseNote* release) {
    using nlohmann::ordered_json;
    ordered_json doc;
    doc["kseries"] = "check";
    doc["format_version"] = 1;
    doc["kseries_version"] = kseries::version();
    doc["series"] = report.series;
    doc["tree"] = report.tree;
    doc["engine"] = report.shown.describe();
    doc["policy"] =
        report.policy ? ordered_json(kernel::policy(*report.policy).key) : ordered_json(nullptr);
    doc["fuzz"] = report.shown.engine == patch::Engine::GnuPatch ? ordered_json(report.shown.fuzz)
                                                                 : ordered_json(nullptr);
    doc["ok"] = report.ok();
    if (release == nullptr) {
        doc["release"] = nullptr;
    } else {
        doc["release"] = {{"name", release->release.release.name()},
                          {"from", kernel::origin_key(release->release.origin)},
                          {"guess", kernel::is_guess(release->release.origin)},
                          {"version", release->version},
                          {"picked", release->picked}};
    }
    ordered_json patches = ordered_json::array();
    for (const auto& p : report.patches) {
        patches.push_back(patch_json(p));
    }
    doc["patches"] = std::move(patches);
    ordered_json skipped = ordered_json::array();
    for (const auto& s : report.skipped) {
        skipped.push_back({{"name", s.name}, {"reason", "skipped by the maintainer: " + s.reason}});
    }
    doc["skipped"] = std::move(skipped);
    // Paths and names are bytes, not always UTF-8: replace what is not
    // (U+FFFD) rather than throw, so the document is valid for any input.
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

} // namespace kseries::report
