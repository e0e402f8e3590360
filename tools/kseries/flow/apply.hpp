// `kseries apply` as a use case: the series applied to a directory tree in
// memory first, then written atomically, file by file, only when every
// patch applies under the chosen policy.
#pragma once

#include <cstddef>
#include <string>

#include <kseries/check/check.hpp>
#include <kseries/flow/inputs.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

struct ApplyRequest {
    JobRequest job;
    bool dry_run = false; // check and report, write nothing
};

struct ApplyResult {
    Job job;             // the patches and the tree; `run` points into them
    check::SeriesRun run; // per patch of job.series: its verdict and hunks
    std::string tree;    // the tree as reports name it
    std::size_t failing = 0; // patches that do not apply under the policy
    std::size_t changed = 0; // files changed, when every patch applies
    bool written = false;    // the tree was patched
};

[[nodiscard]] Expected<ApplyResult> apply(const ApplyRequest& request);

} // namespace kseries::flow
