// kseries check: per patch and hunk, where the series lands on a tree and
// whether each real policy accepts it. Exit 0 when every patch applies under
// the chosen policy, 1 when not.
#include <memory>

#include <fmt/format.h>

#include <kseries/check/check.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/source/directory_tree.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct CheckOptions {
    PatchSource source;
    std::string tree;
    std::string policy = "kernel-spec";
    std::optional<long> fuzz;
    std::string format = "text";
};

Expected<check::Options> check_options(const CheckOptions& opts) {
    check::Options out;
    const check::Policy* p = check::find_policy(opts.policy);
    if (p == nullptr) {
        return fail(ErrorKind::Usage, fmt::format("unknown policy '{}' (one of: {})", opts.policy,
                                                  check::policy_keys()));
    }
    out.policy = p->id;
    out.fuzz = opts.fuzz;
    return out;
}

} // namespace

CommandBody add_check(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<CheckOptions>();
    auto* cmd = app.add_subcommand("check", "Report, per hunk, whether a series applies to a tree");
    opts->source.add_to(*cmd);
    cmd->add_option("--tree", opts->tree, "kernel source tree directory")->required();
    cmd->add_option("--policy", opts->policy,
                    "policy the exit code follows: " + check::policy_keys())
        ->capture_default_str();
    cmd->add_option("--fuzz", opts->fuzz, "judge by plain `patch -F N` instead of a policy")
        ->check(CLI::Range(0L, 100L));
    cmd->add_option("--format", opts->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();

    return [opts, &global]() -> Expected<int> {
        auto options = check_options(*opts);
        if (!options) {
            return std::unexpected(options.error());
        }
        auto series = opts->source.load();
        if (!series) {
            return std::unexpected(series.error());
        }
        auto tree = source::DirectoryTree::open(opts->tree);
        if (!tree) {
            return std::unexpected(tree.error());
        }
        auto report = check::run(*series, **tree, opts->source.label(), *options);
        if (!report) {
            return std::unexpected(report.error());
        }
        return emit(opts->format == "json"
                        ? report::render_check_json(*report)
                        : report::render_check_text(*report, {stdout_color(global.color)}),
                    report->ok() ? exit_ok : exit_checks_failed);
    };
}

} // namespace kseries::cli
