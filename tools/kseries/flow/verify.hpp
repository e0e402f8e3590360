// `kseries verify --compile` as a use case (docs/commands/verify.md): a
// series version applied in memory to a whole kernel source tree under the
// tree's policy, and the module directories it patches built there with
// the kernel's own build system (flow/module_compile.hpp). The source tree
// is only read.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <kseries/flow/inputs.hpp>
#include <kseries/flow/module_compile.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

struct VerifyRequest {
    JobRequest job;
    unsigned jobs = 2;             // make -j
    std::filesystem::path workdir; // where to build; empty: a temporary directory
    bool keep = false;             // keep the temporary directory and its build.log
};

// The first patch that does not apply: nothing is built then.
struct NotApplied {
    std::string patch;
    std::string policy;  // the policy's label
    std::string verdict; // check::verdict_key
};

struct VerifyResult {
    std::string label; // the series as reports name it
    std::optional<NotApplied> not_applied;
    std::optional<std::string> build_error;         // why the build failed (make's output ends it)
    ModuleCompile compiled;                         // when it compiled
    std::optional<std::filesystem::path> build_log; // when the work directory is kept

    [[nodiscard]] bool compiles() const { return !not_applied && !build_error; }
};

[[nodiscard]] Expected<VerifyResult> verify(const VerifyRequest& request);

} // namespace kseries::flow
