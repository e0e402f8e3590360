// Running a build (`kseries build`): the backend's client streamed line by
// line into a log in the output directory, the built RPMs moved there when
// the build succeeds. Builds that run here (rpmbuild, mock) work in a
// hidden temporary directory inside the output directory, so that moving
// their RPMs out is a rename(2): a file in the output directory is always
// whole, and a failed build adds no RPM to it.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/proc/run.hpp>
#include <kseries/rpm/build.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rpm {

// Progress, for the CLI to show; both may be empty.
struct BuildEvents {
    std::function<void(std::string_view stage)> on_stage; // "%build", or a client step
    std::function<void(std::string_view line)> on_line;   // every output line
};

struct BuildOutcome {
    proc::Result status;            // the client's, or the failing step's
    std::string failed_stage;       // empty when the build succeeded
    std::vector<std::string> tail;  // the failing stage's last lines (up to tail_lines)
    std::filesystem::path log;      // the whole log, in the output directory
    std::vector<std::filesystem::path> packages; // the RPMs moved into the output directory
    RemoteBuild remote;             // what a remote client reported

    [[nodiscard]] bool ok() const { return failed_stage.empty(); }
};

inline constexpr std::size_t tail_lines = 20;

// Builds request.srpm with its backend, writing into `out` (created when
// missing). An Error when the build could not be started: bad options, a
// missing SRPM or client (naming the package that provides it), an
// unwritable output directory. A build that ran and failed is an outcome
// with failed_stage set, its log kept, and no RPM in `out`.
[[nodiscard]] Expected<BuildOutcome> run_build(const BuildRequest& request,
                                               const std::filesystem::path& out,
                                               const BuildEvents& events);

} // namespace kseries::rpm
