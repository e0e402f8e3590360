// rebase-bench: carries edits made on real kernel functions (Debian's 6.1)
// onto the real later version of the same functions (6.12) with
// kseries::rebase::place_file() and judges each case against the intended
// result (docs/benchmarks.md, "rebase-bench"). A case that stops is offered
// the proposals rebase would show (propose.hpp) and judged as --accept would
// take them. Prints Markdown tables per class, per placement step and
// overall; exits 1 when any case was placed wrongly, silently dropped or
// given a wrong proposal, 2 on bad usage.
//
// Usage: rebase-bench --corpus-61 DIR --corpus-612 DIR [--cases N] [--seed S]
//                     [--class NAME]... [--case ID] [--json FILE]
// A case's id is stable for the same corpus, --seed and --cases.
#include "rebase_bench.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <expected>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kseries/git/diff.hpp>
#include <kseries/patch/parser.hpp>
#include <kseries/rebase/place.hpp>
#include <kseries/rebase/propose.hpp>

using namespace kseries;
using namespace kseries::rebasebench;

namespace {

// Proposed: it stops, and --accept of the proposals would give the intended
// result; BadProposal: it would not (a wrong placement the maintainer is
// offered, so it fails the bench like Wrong).
enum class Outcome { Correct, Proposed, Stopped, Dropped, Wrong, BadProposal };
constexpr std::size_t outcome_count = 6;

struct Tally {
    std::size_t cases = 0;
    std::array<std::size_t, outcome_count> by{}; // per Outcome

    void add(Outcome o) {
        ++cases;
        ++by[static_cast<std::size_t>(o)];
    }
    [[nodiscard]] double percent() const {
        return cases == 0 ? 0.0 : 100.0 * static_cast<double>(by[0]) / static_cast<double>(cases);
    }
};

struct Judged {
    Outcome outcome = Outcome::Correct;
    rebase::Step step = rebase::Step::Exact; // the least exact step of its hunks
    std::string steps;                       // every hunk's step and note
    std::string patch;
    std::string difference; // intended -> result, when they differ
};

// The hunk of `file` whose old range holds the edit's 6.1 line.
std::size_t hunk_of(const patch::FilePatch& file, const Edit& e) {
    for (std::size_t h = 0; h < file.hunks.size(); ++h) {
        const auto first = static_cast<std::size_t>(std::max(0L, file.hunks[h].old_start - 1));
        const auto count = static_cast<std::size_t>(file.hunks[h].old_count);
        if (e.old_start >= first && e.old_start <= first + count) {
            return h;
        }
    }
    return file.hunks.size();
}

// The file as --accept would leave it: the placed content with the
// proposals of every unplaced hunk made; none when some unplaced hunk has
// no acceptable proposal (rebase would stop for the maintainer).
Expected<std::optional<std::string>> proposed(const patch::FilePatch& file,
                                              const rebase::FilePlacement& placed) {
    std::vector<rebase::HunkProposal> proposals;
    for (std::size_t h = 0; h < placed.hunks.size(); ++h) {
        if (placed.hunks[h].step != rebase::Step::Unplaced) {
            continue;
        }
        auto p = KSERIES_TRY(rebase::propose(file.hunks[h], "f.c", placed.content));
        if (!p.acceptable()) {
            return std::optional<std::string>();
        }
        p.hunk = h;
        proposals.push_back(std::move(p));
    }
    auto content = rebase::apply_proposals(placed.content, proposals);
    if (!content) {
        return std::optional<std::string>(); // overlapping proposals: --accept refuses
    }
    return std::optional<std::string>(std::move(*content));
}

Expected<Judged> judge(const FilePair& f, const Case& c) {
    const std::string old_text = joined(f.old_lines);
    auto section = KSERIES_TRY(
        git::diff_file(f.path, old_text, joined(apply_edits(f.old_lines, c.edits, false))));
    const auto parsed = KSERIES_TRY(patch::parse(section, "bench"));
    const auto& file = parsed.files.at(0);
    // Already present: the target has the change; the right answer is to
    // leave it as it is (already applied, or a stop).
    const bool present = c.klass == Klass::AlreadyPresent;
    const Lines target = present ? apply_edits(f.new_lines, c.edits, true) : f.new_lines;
    const auto placed = KSERIES_TRY(rebase::place_file(file, joined(target)));
    Judged j;
    j.patch = section;
    bool dropped = false;
    bool stopped = false;
    for (const auto& h : placed.hunks) {
        j.step = std::max(j.step, h.step);
        j.steps += fmt::format("  {} @{}: {}\n", rebase::step_key(h.step), h.stated, h.note);
        stopped = stopped || h.step == rebase::Step::Unplaced;
        dropped = dropped || (h.step == rebase::Step::AlreadyApplied && !present);
    }
    // The intended result of what was placed: the edits of the hunks placed
    // (not stopped, not declared already applied) at their 6.12 places.
    std::vector<Edit> intended;
    for (const auto& e : c.edits) {
        const std::size_t h = hunk_of(file, e);
        const auto step = h < placed.hunks.size() ? placed.hunks[h].step : rebase::Step::Unplaced;
        if (!present && step != rebase::Step::Unplaced && step != rebase::Step::AlreadyApplied) {
            intended.push_back(e);
        }
    }
    const std::string want = joined(apply_edits(target, intended, true));
    if (placed.content != want) {
        j.outcome = Outcome::Wrong;
        auto d = git::diff_file(f.path, want, placed.content);
        j.difference = d ? *d : d.error().message();
    } else if (dropped) {
        j.outcome = Outcome::Dropped;
    } else if (stopped) {
        j.outcome = Outcome::Stopped;
        const auto proposals = KSERIES_TRY(proposed(file, placed));
        if (proposals) {
            // Accepted, the patch is carried whole: every edit at its 6.12
            // place (none for a change the target already has).
            const std::string whole =
                present ? joined(target) : joined(apply_edits(target, c.edits, true));
            j.outcome = *proposals == whole ? Outcome::Proposed : Outcome::BadProposal;
            if (j.outcome == Outcome::BadProposal) {
                auto d = git::diff_file(f.path, whole, *proposals);
                j.difference = d ? *d : d.error().message();
            }
        }
    }
    return j;
}

void print_table(const std::string& title, const std::vector<std::pair<std::string, Tally>>& rows) {
    fmt::print("\n| {} | cases | carried correctly | proposed | stopped | dropped | wrong | "
               "wrong proposal | % correct |\n",
               title);
    fmt::print("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const auto& [name, t] : rows) {
        if (t.cases == 0) {
            continue; // a class left out with --class
        }
        fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} | {:.1f} |\n", name, t.cases, t.by[0],
                   t.by[1], t.by[2], t.by[3], t.by[4], t.by[5], t.percent());
    }
}

nlohmann::json to_json(const Tally& t) {
    return {{"cases", t.cases},          {"correct", t.by[0]},
            {"proposed", t.by[1]},       {"stopped", t.by[2]},
            {"dropped", t.by[3]},        {"wrong", t.by[4]},
            {"wrong_proposal", t.by[5]}, {"percent_correct", t.percent()}};
}

int usage(const std::string& why) {
    std::cerr << "rebase-bench: " << why
              << "\nusage: rebase-bench --corpus-61 DIR --corpus-612 DIR [--cases N] [--seed S] "
                 "[--class NAME]... [--case ID] [--json FILE]\n";
    return 2;
}

// The command line, once read.
struct Options {
    std::string root61;
    std::string root612;
    std::string json_path;
    std::size_t per_class = 0;
    std::uint64_t seed = 20261201;
    std::vector<Klass> classes;           // empty: all
    std::optional<std::size_t> only_case; // a case id, to reproduce one
};

// The options, or why they are not usable (for usage()).
std::expected<Options, std::string> parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) {
            return std::unexpected(fmt::format("{}: missing value", arg));
        }
        const std::string value = argv[++i];
        try {
            if (arg == "--corpus-61") {
                o.root61 = value;
            } else if (arg == "--corpus-612") {
                o.root612 = value;
            } else if (arg == "--cases") {
                o.per_class = std::stoul(value);
            } else if (arg == "--seed") {
                o.seed = std::stoull(value);
            } else if (arg == "--class") {
                const auto k = klass_named(value);
                if (!k) {
                    return std::unexpected(fmt::format("--class: no class named {}", value));
                }
                o.classes.push_back(*k);
            } else if (arg == "--case") {
                o.only_case = std::stoul(value);
            } else if (arg == "--json") {
                o.json_path = value;
            } else {
                return std::unexpected(fmt::format("unknown option {}", arg));
            }
        } catch (const std::exception&) {
            return std::unexpected(fmt::format("{}: not a number: {}", arg, value));
        }
    }
    if (o.root61.empty() || o.root612.empty()) {
        return std::unexpected(std::string("--corpus-61 and --corpus-612 are required"));
    }
    for (const auto& dir : {o.root61, o.root612}) {
        if (!std::filesystem::is_directory(dir)) {
            return std::unexpected(fmt::format("{}: not a directory", dir));
        }
    }
    return o;
}

// The outcomes of the cases judged, by class, by least exact step and in
// all, with every wrong, dropped or wrongly proposed case written out.
struct Results {
    std::array<Tally, klass_count> by_class{};
    std::map<rebase::Step, Tally> by_step;
    Tally overall;
    nlohmann::json failures = nlohmann::json::array();
    std::string failure_text;

    void add(const Case& c, const FilePair& f, const Judged& j) {
        by_class[static_cast<std::size_t>(c.klass)].add(j.outcome);
        by_step[j.step].add(j.outcome);
        overall.add(j.outcome);
        if (j.outcome == Outcome::Wrong || j.outcome == Outcome::Dropped ||
            j.outcome == Outcome::BadProposal) {
            add_failure(c, f, j);
        }
    }

    // A case to look at: in the report's text and in the JSON.
    void add_failure(const Case& c, const FilePair& f, const Judged& j) {
        const char* what = j.outcome == Outcome::Wrong     ? "wrong"
                           : j.outcome == Outcome::Dropped ? "dropped"
                                                           : "wrong proposal";
        failure_text +=
            fmt::format("\n### case {}: {} — {} {} ({}, "
                        "{})\n\nsteps:\n```\n{}```\npatch:\n```diff\n{}```\n",
                        c.id, what, f.path, c.function.empty() ? "(file level)" : c.function,
                        klass_name(c.klass), c.edits.front().kind, j.steps, j.patch);
        if (!j.difference.empty()) {
            failure_text += fmt::format("intended -> result:\n```diff\n{}```\n", j.difference);
        }
        failures.push_back({{"case", c.id},
                            {"outcome", what},
                            {"file", f.path},
                            {"function", c.function},
                            {"class", klass_name(c.klass)},
                            {"kind", c.edits.front().kind},
                            {"steps", j.steps},
                            {"patch", j.patch},
                            {"difference", j.difference}});
    }

    [[nodiscard]] bool broken() const {
        return overall.by[static_cast<std::size_t>(Outcome::Wrong)] > 0 ||
               overall.by[static_cast<std::size_t>(Outcome::Dropped)] > 0 ||
               overall.by[static_cast<std::size_t>(Outcome::BadProposal)] > 0;
    }
};

// The Markdown report on stdout: the tables by class and by step, then the
// failures.
void print_report(const Results& r, const Options& o, std::size_t files, std::size_t functions) {
    fmt::print(
        "# rebase-bench: {} cases from {} differing files, {} changed functions (seed {}{})\n",
        r.overall.cases, files, functions, o.seed,
        o.per_class > 0 ? fmt::format(", at most {} per class", o.per_class) : "");
    std::vector<std::pair<std::string, Tally>> rows;
    for (std::size_t k = 0; k < klass_count; ++k) {
        rows.emplace_back(klass_name(static_cast<Klass>(k)), r.by_class[k]);
    }
    rows.emplace_back("**overall**", r.overall);
    print_table("class", rows);
    rows.clear();
    for (const auto& [step, t] : r.by_step) {
        rows.emplace_back(std::string(rebase::step_key(step)), t);
    }
    print_table("least exact step", rows);
    if (!r.failure_text.empty()) {
        fmt::print("\n## wrong, dropped and wrongly proposed cases\n{}", r.failure_text);
    }
}

// The same figures as JSON (--json), for tracking them across versions.
bool write_json(const Results& r, const Options& o) {
    nlohmann::json out{{"seed", o.seed}, {"overall", to_json(r.overall)}, {"failures", r.failures}};
    for (std::size_t k = 0; k < klass_count; ++k) {
        out["classes"][klass_name(static_cast<Klass>(k))] = to_json(r.by_class[k]);
    }
    for (const auto& [step, t] : r.by_step) {
        out["steps"][std::string(rebase::step_key(step))] = to_json(t);
    }
    std::ofstream json(o.json_path);
    json << out.dump(2) << '\n';
    return static_cast<bool>(json.flush());
}

} // namespace

int main(int argc, char** argv) {
    const auto options = parse_options(argc, argv);
    if (!options) {
        return usage(options.error());
    }
    const Options& o = *options;
    const auto files = load_pairs(o.root61, o.root612);
    const auto functions = function_pairs(files);
    const auto cases = make_cases(files, functions, o.per_class, o.seed);

    Results results;
    for (const auto& c : cases) {
        if ((!o.classes.empty() &&
             std::find(o.classes.begin(), o.classes.end(), c.klass) == o.classes.end()) ||
            (o.only_case && c.id != *o.only_case)) {
            continue;
        }
        const auto& f = files[c.file];
        auto j = judge(f, c);
        if (!j) {
            std::cerr << fmt::format("rebase-bench: case {} ({}): {}\n", c.id, f.path,
                                     j.error().message());
            return 2;
        }
        results.add(c, f, *j);
    }
    print_report(results, o, files.size(), functions.size());
    if (!o.json_path.empty() && !write_json(results, o)) {
        std::cerr << fmt::format("rebase-bench: {}: cannot write\n", o.json_path);
        return 2;
    }
    return results.broken() ? EXIT_FAILURE : EXIT_SUCCESS;
}
