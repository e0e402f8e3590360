#include <algorithm>

#include <spdlog/spdlog.h>

#include <kseries/apply/tree_apply.hpp>
#include <kseries/flow/apply.hpp>
#include <kseries/kernel/policy.hpp>

namespace kseries::flow {

namespace {

// A patch the maintainer skipped in a rebase is not in the version: applying
// it leaves the tree without that fix, unless its detect rule shows the tree
// has it already.
Expected<void> warn_skipped(const Job& job) {
    if (!job.meta) {
        return {};
    }
    const auto skipped = KSERIES_TRY(check::missing_skipped(*job.meta, *job.tree));
    for (const auto& s : skipped) {
        spdlog::warn("{} skips {}: the fix is not in {} and not applied (skipped by the "
                     "maintainer: {})",
                     job.label, s.name, job.tree->describe(), s.reason);
    }
    return {};
}

// A reversed patch's verdict: Applies when it came out cleanly;
// AlreadyApplied when GNU patch found it "unreversed" (not in the tree).
check::Verdict reverse_verdict(const apply::PatchResult& result) {
    if (result.applied()) {
        return check::Verdict::Applies;
    }
    const bool unreversed =
        !result.files.empty() &&
        std::all_of(result.files.begin(), result.files.end(),
                    [](const auto& f) { return f.result.status == patch::FileStatus::Reversed; });
    return unreversed ? check::Verdict::AlreadyApplied : check::Verdict::Fails;
}

std::vector<bool> in_tree_of(const check::SeriesRun& reversed) {
    std::vector<bool> out;
    out.reserve(reversed.verdicts.size());
    for (const auto v : reversed.verdicts) {
        out.push_back(v == check::Verdict::Applies);
    }
    return out;
}

// What a run that is not Patched found, from which patches are in the tree.
ApplyOutcome outcome_of(const std::vector<bool>& in_tree, bool reverse) {
    const auto present = static_cast<std::size_t>(std::count(in_tree.begin(), in_tree.end(), true));
    if (present == 0) {
        return reverse ? ApplyOutcome::NotApplied : ApplyOutcome::Fails;
    }
    return present == in_tree.size() && !reverse ? ApplyOutcome::AlreadyApplied
                                                 : ApplyOutcome::PartlyApplied;
}

} // namespace

Expected<check::SeriesRun> reverse_series(const series::LoadedSeries& series,
                                          source::OverlayTree& overlay, const check::Engine& engine,
                                          bool optional_patch_rule) {
    for (const auto& sp : series.patches) {
        KSERIES_TRY(
            apply::check_targets(sp.patch, sp.entry.strip, overlay,
                                 sp.entry.reverse ? patch::Engine::GnuPatch : engine.engine));
    }
    const long fuzz = engine.engine == patch::Engine::GnuPatch ? engine.fuzz : 0;
    const std::size_t n = series.patches.size();
    check::SeriesRun out;
    out.results.resize(n);
    out.verdicts.assign(n, check::Verdict::Skipped);
    for (std::size_t i = n; i-- > 0;) {
        const auto& sp = series.patches[i];
        if (optional_patch_rule && sp.line_count <= kernel::optional_patch_max_lines) {
            continue;
        }
        // Each patch comes out in a layer of its own: one that does not
        // come out cleanly leaves nothing for the earlier ones to read.
        source::OverlayTree staging(static_cast<source::SourceTree&>(overlay));
        auto result = KSERIES_TRY(apply::apply_patch(sp.patch, staging, sp.entry.strip,
                                                     patch::ApplyOptions{fuzz, !sp.entry.reverse},
                                                     patch::Engine::GnuPatch, {.closest = false}));
        out.verdicts[i] = reverse_verdict(result);
        if (out.verdicts[i] == check::Verdict::Applies) {
            for (const auto& [path, content] : staging.written()) {
                overlay.write(path, content);
            }
            for (const auto& [path, mode] : staging.modes()) {
                overlay.set_mode(path, mode);
            }
        }
        out.results[i] = std::move(result);
    }
    return out;
}

Expected<ApplyResult> apply(const ApplyRequest& request) {
    auto job = KSERIES_TRY(load_job(request.job));
    // The lock covers read, apply and write: no other run's change can land
    // between this run's reads and its commit, and be lost.
    if (!request.dry_run) {
        KSERIES_TRY(job.tree->lock_for_write());
    }
    const auto engine = job.options.engine();
    const bool rule = job.options.optional_patch_rule();
    ApplyResult out;
    out.reverse = request.reverse;
    out.tree = job.tree->describe();
    source::OverlayTree overlay(*job.tree);
    if (request.reverse) {
        out.run = KSERIES_TRY(reverse_series(job.series, overlay, engine, rule));
        out.in_tree = in_tree_of(out.run);
    } else {
        KSERIES_TRY(warn_skipped(job));
        out.run =
            KSERIES_TRY(check::run_series(job.series, overlay, engine, rule, {.closest = false}));
    }
    out.failing = static_cast<std::size_t>(
        std::count_if(out.run.verdicts.begin(), out.run.verdicts.end(),
                      [](check::Verdict v) { return v != check::Verdict::Applies; }));
    if (out.failing == 0) {
        out.outcome = ApplyOutcome::Patched;
        const auto changes = KSERIES_TRY(overlay.changes());
        out.changed = changes.size();
        if (!request.dry_run) {
            KSERIES_TRY(job.tree->commit(changes));
            out.written = true;
        }
    } else {
        if (!request.reverse) {
            // Failing forward may mean the series is in the tree already:
            // it is when every patch comes out again.
            source::OverlayTree probe(*job.tree);
            out.in_tree = in_tree_of(KSERIES_TRY(reverse_series(job.series, probe, engine, rule)));
        }
        out.outcome = outcome_of(out.in_tree, request.reverse);
    }
    out.job = std::move(job);
    return out;
}

} // namespace kseries::flow
