// Building an SRPM with one of five backends: what each runs, and what its
// output says. Everything here is pure: the exact argv vectors a build
// will run (one function per backend) and the reading of their output
// lines; build_run.hpp runs them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rpm {

enum class Backend { Rpmbuild, Mock, Koji, Copr, Obs };

// fast: the kernel.spec switches DESIGN.md §2 names for a quick build;
// full: the spec's defaults, nothing passed.
enum class Profile { Full, Fast };

// Whether the client waits for the build to end (koji, copr, osc results).
enum class Waiting { Wait, NoWait };

enum class Scratch { No, Yes };

// Whether the SRPM's spec can switch its kABI check off.
enum class KabiSwitch { Absent, Present };

// Everything a build is asked for; which fields matter depends on the backend.
struct BuildRequest {
    std::filesystem::path srpm{};
    Backend backend = Backend::Rpmbuild;
    std::optional<std::string> arch{};
    std::optional<Profile> profile{}; // absent: full
    Waiting waiting = Waiting::Wait;
    std::string mock_config{};
    std::string koji_target{};
    Scratch scratch = Scratch::No;
    std::string copr_project{};
    std::optional<std::string> copr_chroot{};
    std::string obs_project{};
    std::string obs_package{}; // empty: the SRPM's package name (run_build reads it)
    std::optional<std::string> apiurl{};
    // rpmbuild and mock: macros as --define 'NAME VALUE' (run_build adds
    // the dist tag the SRPM's release shows, unless `dist` is given here).
    std::vector<std::pair<std::string, std::string>> defines{};
    proc::Runner& runner = proc::system_runner(); // rpm, rpmbuild, mock and the clients
};

[[nodiscard]] std::string_view backend_name(Backend backend);
// The program a backend runs, and where to get it when it is missing.
[[nodiscard]] std::string_view client_program(Backend backend);
[[nodiscard]] std::string_view client_package(Backend backend);

// Options that make no sense for the backend (a remote build system picks
// its own build options and architecture: --profile fast and --arch are
// refused there), or a missing required one, as a Usage error.
[[nodiscard]] Expected<void> validate(const BuildRequest& request);

// The spec has a kABI check switch: `_without_kabichk` / `_with_kabichk`
// tests or a `%bcond ... kabichk`.
[[nodiscard]] KabiSwitch kabichk_switch(std::string_view spec);

// `--with baseonly --without debug --without debuginfo` (and `--without
// kabichk` when the spec has the switch) for fast; nothing for full.
[[nodiscard]] std::vector<std::string> profile_switches(Profile profile, KabiSwitch kabi);

// rpmbuild --rebuild SRPM --define "_topdir TOPDIR" [--target ARCH] SWITCHES...
[[nodiscard]] std::vector<std::string> rpmbuild_argv(const BuildRequest& request,
                                                     const std::filesystem::path& topdir,
                                                     const std::vector<std::string>& switches);
// mock -r CONFIG --rebuild SRPM --resultdir DIR [--target ARCH] SWITCHES...
[[nodiscard]] std::vector<std::string> mock_argv(const BuildRequest& request,
                                                 const std::filesystem::path& resultdir,
                                                 const std::vector<std::string>& switches);
// koji build [--scratch] [--nowait] TARGET SRPM
[[nodiscard]] std::vector<std::string> koji_argv(const BuildRequest& request);
// copr-cli build [--chroot CHROOT] [--nowait] OWNER/PROJECT SRPM
[[nodiscard]] std::vector<std::string> copr_argv(const BuildRequest& request);

// One command of a build, named for progress and failure messages.
struct Step {
    std::string name; // "rpmbuild", "koji build", "osc commit", ...
    proc::Command command;
};

// osc's documented way to get an SRPM built in a project: check the
// project out, import the SRPM as a package (importsrcpkg unpacks it into
// a new package directory), add its files, commit; then, unless --no-wait,
// watch the results. `work` is an empty directory for the checkout;
// request.obs_package must be set.
[[nodiscard]] std::vector<Step> obs_steps(const BuildRequest& request,
                                          const std::filesystem::path& work);

// rpmbuild's stage as its output shows it: "Executing(%build): ..." starts
// %build; "Processing files: ..." the packaging of the files.
[[nodiscard]] std::optional<std::string> stage_of_line(std::string_view line);

// The stage "error: Bad exit status from ... (%build)" names, if the line is one.
[[nodiscard]] std::optional<std::string> failed_stage_of_line(std::string_view line);

// What a remote client printed about the build it started.
struct RemoteBuild {
    std::string id;  // koji task, copr build(s), OBS revision: as the client printed it
    std::string url; // task or build page, when the client printed one
};

// Reads one output line of koji ("Created task: N", "Task info: URL"),
// copr-cli ("Created builds: N", the URL under "Build was added to ...")
// or osc ("Committed revision N.") into `build`.
void read_remote_line(Backend backend, std::string_view line, RemoteBuild& build);

} // namespace kseries::rpm
