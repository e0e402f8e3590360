// `kseries check`: applies a series to a tree in memory under every policy
// and reports, per patch and hunk, where it lands and whether each policy
// accepts it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <kseries/kernel/policy.hpp>
#include <kseries/apply/tree_apply.hpp>
#include <kseries/series/series_file.hpp>
#include <kseries/series/store.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::check {

enum class Verdict {
    Applies,        // every hunk applies
    AlreadyApplied, // GNU patch detects the patch as reversed / previously applied
    Fails,          // some hunk does not apply, or a file is missing
    Skipped,        // kernel.spec's ApplyOptionalPatch ignores the file (<= 9 lines)
};

[[nodiscard]] std::string_view verdict_key(Verdict v); // "applies", "already-applied", ...

// How the hunks shown in the report were applied.
struct Engine {
    patch::Engine engine = patch::Engine::GnuPatch;
    long fuzz = 1;
    [[nodiscard]] std::string describe() const; // "patch -p1 -F1" or "git apply"
};

struct PatchReport {
    const series::SeriesPatch* patch = nullptr;
    // Per file, as the shown engine applied it.
    std::vector<apply::TreeFileResult> files;
    // The verdict of each policy, indexed by PolicyId.
    std::array<Verdict, 4> verdicts{};
    // The patch file has <= 9 lines: kernel.spec would silently skip it.
    bool optional_patch_trap = false;

    [[nodiscard]] Verdict shown_verdict() const; // of the shown engine's results
};

// A patch the version records as skipped by the maintainer in a rebase
// (version.toml [[skipped]]) whose detect rule does not hold on the tree:
// the fix is missing, whatever the carried patches do.
struct SkippedPatch {
    std::string name;
    std::string reason;
};

struct Report {
    std::string series; // as given on the command line
    std::string tree;
    Engine shown;                   // the engine of the per-hunk results
    // The policy the exit code follows, if not a custom fuzz.
    std::optional<kernel::PolicyId> policy;
    std::vector<PatchReport> patches;
    std::vector<SkippedPatch> skipped;

    // Every patch applies under the chosen policy (or custom fuzz), and no
    // skipped patch is missing.
    [[nodiscard]] bool ok() const;
};

struct Options {
    kernel::PolicyId policy = kernel::PolicyId::KernelSpec;
    std::optional<long> fuzz; // a custom `patch -F N` instead of the policy
    // Find where each failed hunk comes closest; off for a report that does
    // not show it.
    bool closest = true;

    // The engine these options stand for: the policy's, or GNU patch at fuzz.
    [[nodiscard]] Engine engine() const;
    // Whether kernel.spec's 9-line ApplyOptionalPatch rule applies.
    [[nodiscard]] bool optional_patch_rule() const;
    // "kernel.spec" or "patch -p1 -F0", for messages.
    [[nodiscard]] std::string label() const;
};

// One program applying the whole series in order to `overlay`, as a build
// would: later patches see what earlier ones left. `run` says whether failed
// hunks get their closest match and what is shared with other runs.
struct SeriesRun {
    std::vector<apply::PatchResult> results; // empty for skipped patches
    std::vector<Verdict> verdicts;
};
[[nodiscard]] Expected<SeriesRun> run_series(const series::LoadedSeries& series,
                                             source::OverlayTree& overlay, const Engine& engine,
                                             bool optional_patch_rule,
                                             const apply::TreeApplyOptions& run = {});

// The series applied in memory to `tree` under `options`, as a build would
// (run_series on an overlay): each patch's verdict, and the files changed.
struct Applied {
    std::vector<Verdict> verdicts;
    std::vector<source::FileChange> changes;
};
[[nodiscard]] Expected<Applied> apply_in_memory(const series::LoadedSeries& series,
                                                source::SourceTree& tree, const Options& options);

// The version's [[skipped]] patches the tree lacks: those without a detect
// rule, or whose rule does not hold on `tree`.
[[nodiscard]] Expected<std::vector<SkippedPatch>> missing_skipped(const series::Version& version,
                                                                  source::SourceTree& tree);

[[nodiscard]] Expected<Report> run(const series::LoadedSeries& series, source::SourceTree& tree,
                                   std::string series_label, const Options& options);

} // namespace kseries::check
