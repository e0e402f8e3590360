// kseries build: builds an SRPM with rpmbuild or mock here, or submits it
// to koji, copr or OBS. Prints the RPMs it put into --out (or the remote
// build's id and URL) and the log; exit 0, 1 when the build failed (with
// the failing stage and its last lines), 2 when it could not be started.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <kseries/rpm/build_run.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "terminal.hpp"

namespace kseries::cli {

namespace {

struct BuildCommandOptions {
    rpm::BuildRequest request;
    rpm::Profile profile = rpm::Profile::Full;
    CLI::Option* profile_option = nullptr;
    std::string srpm;
    std::string arch;
    std::string chroot;
    std::string apiurl;
    bool scratch = false;
    bool no_wait = false;
    std::string out;
    std::vector<std::string> defines;
};

// "%build, 2m05s" on one redrawn stderr line; redrawn when the stage or the
// shown second changes.
class ProgressLine {
public:
    void stage(std::string_view name) {
        m_stage = name;
        draw(true);
    }
    void tick() { draw(false); }
    static void clear() { fmt::print(stderr, "\r\033[K"); }

private:
    void draw(bool force) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::steady_clock::now() - m_start)
                                 .count();
        if (!force && seconds == m_shown) {
            return;
        }
        m_shown = seconds;
        // The erase is kseries' own; the text passes the output screen.
        fmt::print(stderr, "\r\033[K{}",
                   screen(fmt::format("kseries: build: {}, {}m{:02}s", text::printable(m_stage),
                                      seconds / 60, seconds % 60)));
        (void)std::fflush(stderr);
    }
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::string m_stage;
    long long m_shown = -1;
};

std::string_view remote_id_label(rpm::Backend backend) {
    switch (backend) {
    case rpm::Backend::Koji:
        return "koji task";
    case rpm::Backend::Copr:
        return "copr build";
    case rpm::Backend::Obs:
        return "obs revision";
    case rpm::Backend::Rpmbuild:
    case rpm::Backend::Mock:
        break;
    }
    return "build";
}

std::string result_text(const rpm::BuildRequest& request, const rpm::BuildOutcome& outcome) {
    std::string text;
    for (const auto& p : outcome.packages) {
        text += fmt::format("package: {}\n", p.string());
    }
    if (!outcome.remote.id.empty()) {
        text += fmt::format("{}: {}\n", remote_id_label(request.backend), outcome.remote.id);
    }
    if (!outcome.remote.url.empty()) {
        text += fmt::format("url: {}\n", outcome.remote.url);
    }
    text += fmt::format("log: {}\n", outcome.log.string());
    return text;
}

} // namespace

CommandBody add_build(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<BuildCommandOptions>();
    auto* cmd = app.add_subcommand(
        "build", "Build an SRPM here (rpmbuild, mock) or submit it to koji, copr or OBS");
    const std::map<std::string, rpm::Backend> backends{{"rpmbuild", rpm::Backend::Rpmbuild},
                                                       {"mock", rpm::Backend::Mock},
                                                       {"koji", rpm::Backend::Koji},
                                                       {"copr", rpm::Backend::Copr},
                                                       {"obs", rpm::Backend::Obs}};
    const std::map<std::string, rpm::Profile> profiles{{"full", rpm::Profile::Full},
                                                       {"fast", rpm::Profile::Fast}};
    cmd->add_option("srpm", opts->srpm, "the source RPM to build")->required();
    cmd->add_option("--backend", opts->request.backend, "rpmbuild, mock, koji, copr or obs")
        ->required()
        ->transform(CLI::CheckedTransformer(backends))
        ->option_text("rpmbuild|mock|koji|copr|obs REQUIRED");
    cmd->add_option("--out", opts->out, "directory for the log and the built RPMs")
        ->required()
        ->option_text("DIR REQUIRED");
    cmd->add_option("--arch", opts->arch, "target architecture (rpmbuild and mock: --target)");
    opts->profile_option = cmd->add_option("--profile", opts->profile,
                    "fast: --with baseonly --without debug --without debuginfo (and --without "
                    "kabichk when the spec has it); full (default): the spec's defaults")
        ->transform(CLI::CheckedTransformer(profiles))
        ->option_text("fast|full");
    cmd->add_option("--define", opts->defines,
                    "rpmbuild, mock: a macro 'NAME VALUE' (repeatable); the SRPM's dist tag is "
                    "derived from its release unless 'dist' is given")
        ->option_text("'NAME VALUE'");
    cmd->add_option("--mock-config", opts->request.mock_config, "mock: the chroot config (-r)");
    cmd->add_option("--koji-target", opts->request.koji_target, "koji: the build target");
    cmd->add_flag("--scratch", opts->scratch, "koji: a scratch build");
    cmd->add_option("--copr-project", opts->request.copr_project, "copr: OWNER/PROJECT");
    cmd->add_option("--chroot", opts->chroot, "copr: build in this chroot only");
    cmd->add_option("--obs-project", opts->request.obs_project, "obs: the project");
    cmd->add_option("--obs-package", opts->request.obs_package,
                    "obs: the package (default: the SRPM's name)");
    cmd->add_option("--apiurl", opts->apiurl, "obs: the API URL (default: osc's configuration)");
    cmd->add_flag("--no-wait", opts->no_wait,
                  "koji, copr, obs: return once the build is submitted");

    return [opts, &global]() -> Expected<int> {
        rpm::BuildRequest request = opts->request;
        request.srpm = opts->srpm;
        request.scratch = opts->scratch ? rpm::Scratch::Yes : rpm::Scratch::No;
        request.waiting = opts->no_wait ? rpm::Waiting::NoWait : rpm::Waiting::Wait;
        if (!opts->arch.empty()) {
            request.arch = opts->arch;
        }
        if (!opts->chroot.empty()) {
            request.copr_chroot = opts->chroot;
        }
        if (!opts->apiurl.empty()) {
            request.apiurl = opts->apiurl;
        }
        if (opts->profile_option->count() > 0) {
            request.profile = opts->profile;
        }
        auto defines = parse_defines(opts->defines);
        if (!defines) {
            return std::unexpected(defines.error());
        }
        request.defines = std::move(*defines);

        rpm::BuildEvents events;
        auto progress = std::make_shared<ProgressLine>();
        const bool show = stderr_progress(global.quiet);
        if (show) {
            events.on_stage = [progress](std::string_view stage) { progress->stage(stage); };
            events.on_line = [progress](std::string_view) { progress->tick(); };
        }
        const auto start = std::chrono::steady_clock::now();
        auto outcome = rpm::run_build(request, opts->out, events);
        if (show) {
            ProgressLine::clear();
        }
        if (!outcome) {
            return std::unexpected(outcome.error());
        }
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
                .count();
        if (!outcome->ok()) {
            // The log's lines are the build's (and its sources') output:
            // screened like everything kseries prints, one line each.
            std::string failed =
                fmt::format("kseries: build failed in {} ({}) after {}m{:02}s; its last lines:\n",
                            text::printable(outcome->failed_stage),
                            text::printable(outcome->status.status()), seconds / 60, seconds % 60);
            for (const auto& line : outcome->tail) {
                failed += fmt::format("  | {}\n", text::printable(line));
            }
            failed +=
                fmt::format("kseries: the whole log: {}\n", text::printable(outcome->log.string()));
            fmt::print(stderr, "{}", screen(failed));
            return emit(result_text(request, *outcome), exit_checks_failed);
        }
        if (!global.quiet) {
            fmt::print(stderr, "{}",
                       screen(fmt::format(
                           "kseries: {} {} after {}m{:02}s\n", rpm::backend_name(request.backend),
                           request.waiting == rpm::Waiting::NoWait ? "build submitted (not waiting)"
                                                                   : "build succeeded",
                           seconds / 60, seconds % 60)));
        }
        return emit(result_text(request, *outcome), exit_ok);
    };
}

} // namespace kseries::cli
