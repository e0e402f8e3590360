// kseries build: builds an SRPM with rpmbuild or mock here, or submits it
// to koji, copr or OBS. Prints the RPMs it put into --out (or the remote
// build's id and URL) and the log; exit 0, 1 when the build failed (with
// the failing stage and its last lines), 2 when it could not be started.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <kseries/flow/build.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "progress_line.hpp"
#include "terminal.hpp"

namespace kseries::cli {

namespace {

struct BuildCommandOptions {
    flow::BuildRequest request;
    std::string arch, chroot, apiurl; // empty: not given
    std::vector<std::string> defines;
};

std::string minutes(std::chrono::seconds s) {
    return fmt::format("{}m{:02}s", s.count() / 60, s.count() % 60);
}

std::string result_text(const flow::BuildResult& result) {
    std::string text;
    for (const auto& p : result.outcome.packages) {
        text += fmt::format("package: {}\n", p.string());
    }
    if (!result.outcome.remote.id.empty()) {
        text += fmt::format("{}: {}\n", result.id_label, result.outcome.remote.id);
    }
    if (!result.outcome.remote.url.empty()) {
        text += fmt::format("url: {}\n", result.outcome.remote.url);
    }
    text += fmt::format("log: {}\n", result.outcome.log.string());
    return text;
}

// The options CLI11 filled, as the flow's request.
Expected<flow::BuildRequest> request_of(const BuildCommandOptions& opts) {
    flow::BuildRequest request = opts.request;
    rpm::BuildRequest& b = request.build;
    const auto given = [](const std::string& v) {
        return v.empty() ? std::nullopt : std::optional<std::string>(v);
    };
    b.arch = given(opts.arch);
    b.copr_chroot = given(opts.chroot);
    b.apiurl = given(opts.apiurl);
    b.defines = KSERIES_TRY(parse_defines(opts.defines));
    return request;
}

// The failing stage and its last lines, on stderr. The log's lines are the
// build's (and its sources') output: screened like everything kseries
// prints, one line each.
void print_failure(const flow::BuildResult& result) {
    const auto& outcome = result.outcome;
    std::string failed =
        fmt::format("kseries: build failed in {} ({}) after {}; its last lines:\n",
                    text::printable(outcome.failed_stage), text::printable(outcome.status.status()),
                    minutes(result.elapsed));
    for (const auto& line : outcome.tail) {
        failed += fmt::format("  | {}\n", text::printable(line));
    }
    failed += fmt::format("kseries: the whole log: {}\n", text::printable(outcome.log.string()));
    warn(failed);
}

Expected<int> run(const BuildCommandOptions& opts, const GlobalOptions& global) {
    auto request = KSERIES_TRY(request_of(opts));
    auto progress = std::make_shared<ProgressLine>(global);
    if (progress->active()) {
        request.events.on_stage = [progress](std::string_view stage) { progress->stage(stage); };
        request.events.on_line = [progress](std::string_view) { progress->tick(); };
    }
    auto result = flow::build(request);
    progress->clear();
    const auto done = KSERIES_TRY(std::move(result));
    if (!done.outcome.ok()) {
        print_failure(done);
        return emit(result_text(done), exit_checks_failed);
    }
    const bool submitted = request.build.waiting == rpm::Waiting::NoWait;
    note(global, fmt::format("kseries: {} {} after {}\n", done.backend,
                             submitted ? "build submitted (not waiting)" : "build succeeded",
                             minutes(done.elapsed)));
    return emit(result_text(done), exit_ok);
}

} // namespace

CommandBody add_build(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<BuildCommandOptions>();
    auto* cmd = app.add_subcommand(
        "build", "Build an SRPM here (rpmbuild, mock) or submit it to koji, copr or OBS");
    cmd->add_option("srpm", opts->request.build.srpm, "the source RPM to build")->required();
    cmd->add_option("--backend", opts->request.build.backend, "rpmbuild, mock, koji, copr or obs")
        ->required()
        ->transform(CLI::CheckedTransformer(flow::backend_choices()))
        ->option_text("rpmbuild|mock|koji|copr|obs REQUIRED");
    cmd->add_option("--out", opts->request.out, "directory for the log and the built RPMs")
        ->required()
        ->option_text("DIR REQUIRED");
    cmd->add_option("--arch", opts->arch, "target architecture (rpmbuild and mock: --target)");
    auto& b = opts->request.build;
    cmd->add_option_function<rpm::Profile>(
           "--profile", [&b](const rpm::Profile& p) { b.profile = p; },
           "fast: --with baseonly --without debug --without debuginfo (and --without "
           "kabichk when the spec has it); full (default): the spec's defaults")
        ->transform(CLI::CheckedTransformer(flow::profile_choices()))
        ->option_text("fast|full");
    cmd->add_option("--define", opts->defines,
                    "rpmbuild, mock: a macro 'NAME VALUE' (repeatable); the SRPM's dist tag is "
                    "derived from its release unless 'dist' is given")
        ->option_text("'NAME VALUE'");
    cmd->add_option("--mock-config", opts->request.build.mock_config,
                    "mock: the chroot config (-r)");
    cmd->add_option("--koji-target", opts->request.build.koji_target, "koji: the build target");
    cmd->add_flag_callback(
        "--scratch", [&b] { b.scratch = rpm::Scratch::Yes; }, "koji: a scratch build");
    cmd->add_option("--copr-project", opts->request.build.copr_project, "copr: OWNER/PROJECT");
    cmd->add_option("--chroot", opts->chroot, "copr: build in this chroot only");
    cmd->add_option("--obs-project", opts->request.build.obs_project, "obs: the project");
    cmd->add_option("--obs-package", opts->request.build.obs_package,
                    "obs: the package (default: the SRPM's name)");
    cmd->add_option("--apiurl", opts->apiurl, "obs: the API URL (default: osc's configuration)");
    cmd->add_flag_callback(
        "--no-wait", [&b] { b.waiting = rpm::Waiting::NoWait; },
        "koji, copr, obs: return once the build is submitted");
    return [opts, &global]() -> Expected<int> { return run(*opts, global); };
}

} // namespace kseries::cli
