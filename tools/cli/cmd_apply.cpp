// kseries apply: patch a tree on disk, all or nothing. The whole series is
// applied in memory first; the tree is written only when every patch applies
// under the chosen policy, and then atomically, file by file.
#include <memory>

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

// The report: what was applied to which tree, each patch's verdict and
// hunks, and what was (or would be) written.
Expected<int> render(const flow::ApplyResult& r, const ApplyOptions& opts) {
    const auto& series = r.job.series;
    const std::string under = r.job.options.label();
    std::string out = fmt::format("{} {} to {} under {}\n", opts.dry_run ? "checking" : "applying",
                                  text::printable(r.job.label), text::printable(r.tree), under);
    if (r.job.release) {
        out += report::release_note_text(*r.job.release, opts.job.source.label()) + '\n';
    }
    for (std::size_t i = 0; i < series.patches.size(); ++i) {
        out += fmt::format("  {}  {}\n", text::printable(series.patches[i].entry.patch),
                           check::verdict_key(r.run.verdicts[i]));
        out += summarize(r.run.results[i]);
    }
    if (r.failing != 0) {
        out += fmt::format("{} of {} patches do not apply under {}: nothing was written\n",
                           r.failing, series.patches.size(), under);
        return emit(out, exit_checks_failed);
    }
    if (!r.written) {
        out += fmt::format("dry run: {} files would change; nothing was written\n", r.changed);
        return emit(out, exit_ok);
    }
    out += fmt::format("patched {} files\n", r.changed);
    return emit(out, exit_ok);
}

} // namespace

CommandBody add_apply(CLI::App& app, const GlobalOptions& /*global*/) {
    auto opts = std::make_shared<ApplyOptions>();
    auto* cmd = app.add_subcommand("apply", "Apply a series to a tree, all or nothing");
    opts->job.add_to(*cmd);
    cmd->add_flag("--dry-run", opts->dry_run, "check and report, write nothing");

    return [opts]() -> Expected<int> {
        const auto result =
            KSERIES_TRY(flow::apply({.job = opts->job.request(), .dry_run = opts->dry_run}));
        return render(result, *opts);
    };
}

} // namespace kseries::cli
