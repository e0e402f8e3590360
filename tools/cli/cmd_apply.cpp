// kseries apply: patch a tree on disk, all or nothing. The whole series is
// applied in memory first; the tree is written only when every patch applies
// under the chosen policy, and then atomically, file by file. A series in
// the tree already is no failure; --reverse takes it out the same way.
#include <memory>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <kseries/flow/apply.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct ApplyOptions {
    SeriesJob job;
    bool dry_run = false;
    bool reverse = false;
};

std::string summarize(const apply::PatchResult& result) {
    std::string out;
    for (const auto& f : result.files) {
        std::vector<std::string> parts;
        parts.reserve(f.result.hunks.size());
        for (const auto& h : f.result.hunks) {
            parts.push_back(report::hunk_outcome(h));
        }
        out += fmt::format("    {}: {}\n", f.path,
                           parts.empty() ? "no hunks" : text::join(parts, ", "));
    }
    return out;
}

// A reversed patch's verdict: whether it comes out of the tree.
std::string_view verdict_word(check::Verdict v, bool reverse) {
    if (!reverse) {
        return check::verdict_key(v);
    }
    switch (v) {
    case check::Verdict::Applies:
        return "reverses";
    case check::Verdict::AlreadyApplied:
        return "not-applied";
    case check::Verdict::Fails:
    case check::Verdict::Skipped:
        break;
    }
    return check::verdict_key(v);
}

// The patches whose `in_tree` is `present`, by name.
std::string names_where(const flow::ApplyResult& r, bool present) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r.in_tree.size(); ++i) {
        if (r.in_tree[i] == present) {
            out.push_back(text::printable(r.job.series.patches[i].entry.patch));
        }
    }
    return text::join(out, ", ");
}

// The last line: what the run found and did, and its exit code.
std::pair<std::string, int> conclusion(const flow::ApplyResult& r, const std::string& under) {
    const std::size_t total = r.job.series.patches.size();
    switch (r.outcome) {
    case flow::ApplyOutcome::Patched:
        if (!r.written) {
            return {fmt::format("dry run: {} files would change; nothing was written", r.changed),
                    exit_ok};
        }
        return {r.reverse ? fmt::format("reversed {} patches: restored {} files", total, r.changed)
                          : fmt::format("patched {} files", r.changed),
                exit_ok};
    case flow::ApplyOutcome::AlreadyApplied:
        return {fmt::format("already applied: {}; nothing was written", names_where(r, true)),
                exit_ok};
    case flow::ApplyOutcome::PartlyApplied:
        return {fmt::format("partly applied: {} in the tree, {} not; {}nothing was written",
                            names_where(r, true), names_where(r, false),
                            r.reverse ? "the series cannot come out whole: " : ""),
                exit_checks_failed};
    case flow::ApplyOutcome::NotApplied:
        return {"not applied: no patch of the series is in the tree, nothing to reverse; nothing "
                "was written",
                exit_checks_failed};
    case flow::ApplyOutcome::Fails:
        break;
    }
    return {fmt::format("{} of {} patches do not apply under {}: nothing was written", r.failing,
                        total, under),
            exit_checks_failed};
}

// The report: what was applied to (or taken out of) which tree, each
// patch's verdict and hunks, and what was (or would be) written.
Expected<int> render(const flow::ApplyResult& r, const ApplyOptions& opts) {
    const auto& series = r.job.series;
    const std::string under = r.job.options.label();
    const char* doing = opts.reverse ? (opts.dry_run ? "checking the reverse of" : "reversing")
                                     : (opts.dry_run ? "checking" : "applying");
    std::string out = fmt::format("{} {} {} {} under {}\n", doing, text::printable(r.job.label),
                                  opts.reverse ? "from" : "to", text::printable(r.tree), under);
    if (r.job.release) {
        out += report::release_note_text(*r.job.release, opts.job.source.label()) + '\n';
    }
    for (std::size_t i = 0; i < series.patches.size(); ++i) {
        out += fmt::format("  {}  {}\n", text::printable(series.patches[i].entry.patch),
                           verdict_word(r.run.verdicts[i], r.reverse));
        out += summarize(r.run.results[i]);
    }
    const auto [last, code] = conclusion(r, under);
    return emit(out + last + '\n', code);
}

} // namespace

CommandBody add_apply(CLI::App& app, const GlobalOptions& /*global*/) {
    auto opts = std::make_shared<ApplyOptions>();
    auto* cmd = app.add_subcommand("apply", "Apply a series to a tree, all or nothing");
    opts->job.add_to(*cmd);
    cmd->add_flag("--dry-run", opts->dry_run, "check and report, write nothing");
    cmd->add_flag("--reverse", opts->reverse,
                  "take the series out of the tree (patch -R, last patch first), all or nothing");

    return [opts]() -> Expected<int> {
        const auto result = KSERIES_TRY(flow::apply(
            {.job = opts->job.request(), .dry_run = opts->dry_run, .reverse = opts->reverse}));
        return render(result, *opts);
    };
}

} // namespace kseries::cli
