#include <fmt/format.h>

#include <kseries/check/check.hpp>

#include <algorithm>
#include <optional>
#include <set>

namespace kseries::check {

namespace {

// kernel.spec: ApplyOptionalPatch only applies files of more than 9 lines.
constexpr std::size_t optional_patch_min_lines = kernel::optional_patch_max_lines + 1;

Verdict verdict_of(const std::vector<apply::TreeFileResult>& files) {
    bool all_applied = true;
    bool all_reversed = !files.empty();
    for (const auto& f : files) {
        all_applied = all_applied && f.result.status == patch::FileStatus::Applied;
        all_reversed = all_reversed && f.result.status == patch::FileStatus::Reversed;
    }
    return all_applied ? Verdict::Applies : all_reversed ? Verdict::AlreadyApplied : Verdict::Fails;
}

// GNU patch tries each fuzz level in turn, lowest first, and a lower -F
// searches a subset of the places a higher one does. So GNU patch at
// `fuzz` gives exactly the results of `run` (the same program at a higher
// fuzz) when every hunk of `run` failed unplaced, or was placed or found
// reversed with no more fuzz than that: each hunk then meets the same file.
bool same_at_fuzz(const SeriesRun& run, long fuzz) {
    for (const auto& r : run.results) {
        for (const auto& f : r.files) {
            if (f.result.status == patch::FileStatus::Reversed) {
                if (f.result.reversed_fuzz > fuzz) {
                    return false;
                }
                continue;
            }
            for (const auto& h : f.result.hunks) {
                if (h.status == patch::HunkStatus::Applied && h.fuzz > fuzz) {
                    return false;
                }
                // Placed, then refused as misordered: at which fuzz it was
                // placed is not recorded.
                if (h.status == patch::HunkStatus::Failed && h.where != 0) {
                    return false;
                }
            }
        }
    }
    return true;
}

// The verdicts of `policy`, when `run` (under `engine`, no patch skipped)
// already decides them: the same program at the same fuzz, or GNU patch at
// a lower fuzz that same_at_fuzz() allows. nullopt when the policy must run
// on its own.
std::optional<std::vector<Verdict>> derived_verdicts(const series::LoadedSeries& series,
                                                     const SeriesRun& run, const Engine& engine,
                                                     const kernel::Policy& policy) {
    const bool rule_matters =
        policy.optional_patch_rule &&
        std::any_of(series.patches.begin(), series.patches.end(), [](const auto& sp) {
            return sp.line_count < optional_patch_min_lines;
        });
    if (rule_matters || engine.engine != policy.engine) {
        return std::nullopt;
    }
    if (engine.fuzz == policy.fuzz) {
        return run.verdicts;
    }
    if (policy.engine != patch::Engine::GnuPatch || engine.fuzz < policy.fuzz ||
        !same_at_fuzz(run, policy.fuzz)) {
        return std::nullopt;
    }
    return run.verdicts;
}

} // namespace

Expected<SeriesRun> run_series(const series::LoadedSeries& series, source::OverlayTree& overlay,
                               const Engine& engine, bool optional_patch_rule,
                               const apply::TreeApplyOptions& run) {
    SeriesRun out;
    // For a results-only run: the paths each patch's successors name.
    std::vector<std::set<std::string, std::less<>>> later(series.patches.size());
    if (run.results_only) {
        for (std::size_t i = series.patches.size(); i-- > 1;) {
            later[i - 1] = later[i];
            for (const auto& file : series.patches[i].patch.files) {
                for (auto& path : apply::named_paths(file, series.patches[i].entry.strip)) {
                    later[i - 1].insert(std::move(path));
                }
            }
        }
    }
    for (const auto& sp : series.patches) {
        KSERIES_TRY(apply::check_targets(sp.patch, sp.entry.strip, overlay,
                                         sp.entry.reverse ? patch::Engine::GnuPatch
                                                          : engine.engine));
    }
    for (const auto& sp : series.patches) {
        if (optional_patch_rule && sp.line_count < optional_patch_min_lines) {
            out.results.emplace_back();
            out.verdicts.push_back(Verdict::Skipped);
            continue;
        }
        const patch::ApplyOptions options{engine.fuzz, sp.entry.reverse};
        apply::TreeApplyOptions this_run = run;
        if (run.results_only) {
            this_run.read_later = &later[static_cast<std::size_t>(&sp - series.patches.data())];
        }
        auto result = KSERIES_TRY(
            apply::apply_patch(sp.patch, overlay, sp.entry.strip, options,
                               sp.entry.reverse ? patch::Engine::GnuPatch : engine.engine, this_run));
        out.verdicts.push_back(verdict_of(result.files));
        out.results.push_back(std::move(result));
    }
    return out;
}

Engine Options::engine() const {
    if (fuzz) {
        return {patch::Engine::GnuPatch, *fuzz};
    }
    const kernel::Policy& p = kernel::policy(policy);
    return {p.engine, p.fuzz};
}

bool Options::optional_patch_rule() const {
    return !fuzz && kernel::policy(policy).optional_patch_rule;
}

std::string Options::label() const {
    return fuzz ? engine().describe() : std::string(kernel::policy(policy).label);
}

std::string_view verdict_key(Verdict v) {
    switch (v) {
    case Verdict::Applies:
        return "applies";
    case Verdict::AlreadyApplied:
        return "already-applied";
    case Verdict::Fails:
        return "fails";
    case Verdict::Skipped:
        return "skipped";
    }
    return "fails";
}

std::string Engine::describe() const {
    return engine == patch::Engine::GitApply ? std::string("git apply -p1")
                                             : fmt::format("patch -p1 -F{}", fuzz);
}

Verdict PatchReport::shown_verdict() const {
    return verdict_of(files);
}

bool Report::ok() const {
    if (!skipped.empty()) {
        return false;
    }
    for (const auto& p : patches) {
        const Verdict v =
            policy ? p.verdicts[static_cast<std::size_t>(*policy)] : p.shown_verdict();
        if (v != Verdict::Applies) {
            return false;
        }
    }
    return true;
}

Expected<std::vector<SkippedPatch>> missing_skipped(const series::Version& version,
                                                    source::SourceTree& tree) {
    std::vector<SkippedPatch> out;
    for (const auto& s : version.skipped) {
        if (s.detect) {
            auto holds = KSERIES_TRY(s.detect->holds(tree));
            if (holds) {
                continue;
            }
        }
        out.push_back({s.name, s.reason});
    }
    return out;
}

Expected<Report> run(const series::LoadedSeries& series, source::SourceTree& tree,
                     std::string series_label, const Options& options) {
    Report report;
    report.series = std::move(series_label);
    report.tree = tree.describe();
    report.shown = options.engine();
    if (!options.fuzz) {
        report.policy = options.policy;
    }

    // Every run reads the tree through one layer and shares one memo: each
    // file is read and indexed once, however many policies run.
    source::OverlayTree reads(tree);
    apply::ApplyMemo memo;
    const auto run_one = [&](const Engine& engine, bool rule, bool closest) {
        source::OverlayTree own(static_cast<source::SourceTree&>(reads));
        return run_series(series, own, engine, rule,
                          {.closest = closest, .memo = &memo, .results_only = true});
    };
    const bool shown_gnu = report.shown.engine == patch::Engine::GnuPatch;

    // GNU patch at the highest fuzz any result needs runs first: the runs at
    // a lower fuzz (the shown one among them) usually follow from it.
    long widest_fuzz = shown_gnu ? report.shown.fuzz : -1;
    for (const auto& p : kernel::all_policies()) {
        if (p.engine == patch::Engine::GnuPatch) {
            widest_fuzz = std::max(widest_fuzz, p.fuzz);
        }
    }
    const Engine widest_engine{patch::Engine::GnuPatch, widest_fuzz};
    auto widest = KSERIES_TRY(run_one(widest_engine, false, shown_gnu && options.closest));
    // The shown results never skip a patch: the report must say where every
    // hunk lands even when kernel.spec would quietly drop the file.
    const bool shown_is_widest =
        shown_gnu && (report.shown.fuzz == widest_fuzz || same_at_fuzz(widest, report.shown.fuzz));
    SeriesRun own_shown;
    if (!shown_is_widest) {
        own_shown = KSERIES_TRY(run_one(report.shown, false, options.closest));
    }
    SeriesRun& shown = shown_is_widest ? widest : own_shown;

    std::vector<std::vector<Verdict>> runs;
    for (const auto& p : kernel::all_policies()) {
        auto same = derived_verdicts(series, widest, widest_engine, p);
        if (!same) {
            same = derived_verdicts(series, shown, report.shown, p);
        }
        if (same) {
            runs.push_back(std::move(*same));
            continue;
        }
        auto r = KSERIES_TRY(run_one({p.engine, p.fuzz}, p.optional_patch_rule, false));
        runs.push_back(std::move(r.verdicts));
    }

    for (std::size_t i = 0; i < series.patches.size(); ++i) {
        PatchReport pr;
        pr.patch = &series.patches[i];
        pr.files = std::move(shown.results[i].files);
        for (std::size_t k = 0; k < runs.size(); ++k) {
            pr.verdicts[k] = runs[k][i];
        }
        pr.optional_patch_trap = series.patches[i].line_count < optional_patch_min_lines;
        report.patches.push_back(std::move(pr));
    }
    return report;
}

Expected<Applied> apply_in_memory(const series::LoadedSeries& series, source::SourceTree& tree,
                                  const Options& options) {
    source::OverlayTree overlay(tree);
    auto run = KSERIES_TRY(run_series(series, overlay, options.engine(),
                                      options.optional_patch_rule(), {.closest = false}));
    auto changes = KSERIES_TRY(overlay.changes());
    return Applied{std::move(run.verdicts), std::move(changes)};
}

} // namespace kseries::check
