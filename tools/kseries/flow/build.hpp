// The `build` use case: an SRPM built here (rpmbuild, mock) or submitted to
// koji, copr or OBS (docs/commands/build.md), timed, with what the CLI
// needs to name the remote build's id.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <kseries/rpm/build.hpp>
#include <kseries/rpm/build_run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

struct BuildRequest {
    rpm::BuildRequest build{}; // the SRPM, the backend and its options; its runner
    std::filesystem::path out{};
    rpm::BuildEvents events{}; // progress; both may be empty
};

struct BuildResult {
    rpm::BuildOutcome outcome;
    std::chrono::seconds elapsed{0};
    std::string_view backend;  // "rpmbuild", "koji", ...
    std::string_view id_label; // what the remote id is: "koji task", "copr build", ...
};

// Runs the build. An Error when it could not be started (rpm::run_build);
// a build that ran and failed is a result whose outcome is not ok().
[[nodiscard]] Expected<BuildResult> build(const BuildRequest& request);

// The names --backend and --profile take.
[[nodiscard]] std::map<std::string, rpm::Backend> backend_choices();
[[nodiscard]] std::map<std::string, rpm::Profile> profile_choices();

// "koji task", "copr build", "obs revision"; "build" for local backends.
[[nodiscard]] std::string_view remote_id_label(rpm::Backend backend);

} // namespace kseries::flow
