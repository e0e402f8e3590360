// kseries apply: patch a tree on disk, all or nothing. The whole series is
// applied in memory first; the tree is written only when every patch applies
// under the chosen policy, and then atomically, file by file.
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/check/check.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/source/directory_tree.hpp>
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

} // namespace

CommandBody add_apply(CLI::App& app, const GlobalOptions& /*global*/) {
    auto opts = std::make_shared<ApplyOptions>();
    auto* cmd = app.add_subcommand("apply", "Apply a series to a tree, all or nothing");
    opts->job.add_to(*cmd);
    cmd->add_flag("--dry-run", opts->dry_run, "check and report, write nothing");

    return [opts]() -> Expected<int> {
        auto in = opts->job.load();
        if (!in) {
            return std::unexpected(in.error());
        }
        const auto& series = in->series;
        auto& tree = in->tree;
        // The lock covers read, apply and write: no other run's change can
        // land between this run's reads and its commit, and be lost.
        if (auto locked = opts->dry_run ? Expected<void>{} : tree->lock_for_write(); !locked) {
            return std::unexpected(locked.error());
        }
        // A patch the maintainer skipped in a rebase is not in the version:
        // applying it leaves the tree without that fix, unless its detect
        // rule shows the tree has it already.
        if (in->meta) {
            auto skipped = check::missing_skipped(*in->meta, *tree);
            if (!skipped) {
                return std::unexpected(skipped.error());
            }
            for (const auto& s : *skipped) {
                spdlog::warn("{} skips {}: the fix is not in {} and not applied (skipped by the "
                             "maintainer: {})",
                             in->label, s.name, tree->describe(), s.reason);
            }
        }
        source::OverlayTree overlay(*tree);
        auto run = check::run_series(series, overlay, in->options.engine(),
                                     in->options.optional_patch_rule(), {.closest = false});
        if (!run) {
            return std::unexpected(run.error());
        }

        const std::string under = in->options.label();
        std::string out =
            fmt::format("{} {} to {} under {}\n", opts->dry_run ? "checking" : "applying",
                        text::printable(in->label), text::printable(tree->describe()), under);
        if (in->release) {
            out += report::release_note_text(*in->release, opts->job.source.label()) + '\n';
        }
        std::size_t failing = 0;
        for (std::size_t i = 0; i < series.patches.size(); ++i) {
            const auto verdict = run->verdicts[i];
            out += fmt::format("  {}  {}\n", text::printable(series.patches[i].entry.patch),
                               check::verdict_key(verdict));
            out += summarize(run->results[i]);
            failing += verdict == check::Verdict::Applies ? 0 : 1;
        }
        if (failing != 0) {
            out += fmt::format("{} of {} patches do not apply under {}: nothing was written\n",
                               failing, series.patches.size(), under);
            return emit(out, exit_checks_failed);
        }
        auto changes = overlay.changes();
        if (!changes) {
            return std::unexpected(changes.error());
        }
        if (opts->dry_run) {
            out += fmt::format("dry run: {} files would change; nothing was written\n",
                               changes->size());
            return emit(out, exit_ok);
        }
        if (auto ok = tree->commit(*changes); !ok) {
            return std::unexpected(ok.error());
        }
        out += fmt::format("patched {} files\n", changes->size());
        return emit(out, exit_ok);
    };
}

} // namespace kseries::cli
