#include <kseries/flow/apply.hpp>

#include <spdlog/spdlog.h>

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

} // namespace

Expected<ApplyResult> apply(const ApplyRequest& request) {
    auto job = KSERIES_TRY(load_job(request.job));
    // The lock covers read, apply and write: no other run's change can land
    // between this run's reads and its commit, and be lost.
    if (!request.dry_run) {
        KSERIES_TRY(job.tree->lock_for_write());
    }
    KSERIES_TRY(warn_skipped(job));
    source::OverlayTree overlay(*job.tree);
    auto run = KSERIES_TRY(check::run_series(job.series, overlay, job.options.engine(),
                                             job.options.optional_patch_rule(),
                                             {.closest = false}));
    ApplyResult out{.job = {}, .run = {}, .tree = job.tree->describe()};
    for (const auto verdict : run.verdicts) {
        out.failing += verdict == check::Verdict::Applies ? 0 : 1;
    }
    out.run = std::move(run);
    if (out.failing == 0) {
        const auto changes = KSERIES_TRY(overlay.changes());
        out.changed = changes.size();
        if (!request.dry_run) {
            KSERIES_TRY(job.tree->commit(changes));
            out.written = true;
        }
    }
    out.job = std::move(job);
    return out;
}

} // namespace kseries::flow
