// `kseries apply` as a use case: the series applied to a directory tree in
// memory first, then written atomically, file by file, only when every
// patch applies under the chosen policy. A tree that has the series already
// is told apart from one where it fails, and `reverse` takes the series out
// again, all or nothing, under the same lock and journal.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <kseries/check/check.hpp>
#include <kseries/flow/inputs.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

struct ApplyRequest {
    JobRequest job;
    bool dry_run = false; // check and report, write nothing
    bool reverse = false; // take the series out (patch -R, last patch first)
};

enum class ApplyOutcome {
    Patched,        // every patch applies (or, reversed, reverses): written unless a dry run
    AlreadyApplied, // applying: every patch's changes are in the tree already; nothing written
    PartlyApplied,  // some patches' changes are in the tree, some not; nothing written
    NotApplied,     // reversing: no patch's changes are in the tree; nothing written
    Fails,          // some patch does not apply and none is in the tree; nothing written
};

struct ApplyResult {
    Job job;              // the patches and the tree; `run` points into them
    bool reverse = false; // the request's direction
    // Per patch of job.series, in series order: its verdict and hunks in the
    // request's direction (reversed: Applies means it comes out cleanly).
    check::SeriesRun run;
    std::string tree;    // the tree as reports name it
    ApplyOutcome outcome = ApplyOutcome::Fails;
    std::size_t failing = 0; // patches that do not apply (or reverse) under the policy
    // Per patch of job.series: its changes are in the tree (it comes out
    // cleanly, last patch first). Filled when the outcome is not Patched
    // for an apply, and always for a reverse.
    std::vector<bool> in_tree;
    std::size_t changed = 0; // files changed, when the outcome is Patched
    bool written = false;    // the tree was patched
};

[[nodiscard]] Expected<ApplyResult> apply(const ApplyRequest& request);

// Which patches of `series` are in `tree` now: each taken out, last first,
// with GNU patch -R (at the engine's fuzz; git apply's exact context is
// fuzz 0), from what the later ones left; a patch that does not come out
// cleanly leaves the tree as it was. Patches the policy skips (kernel.spec's
// 9-line rule) are Skipped. The overlay receives the series taken out.
[[nodiscard]] Expected<check::SeriesRun> reverse_series(const series::LoadedSeries& series,
                                                        source::OverlayTree& overlay,
                                                        const check::Engine& engine,
                                                        bool optional_patch_rule);

} // namespace kseries::flow
