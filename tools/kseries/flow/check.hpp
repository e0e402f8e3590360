// `kseries check` as a use case: the series a request names, checked per
// patch and hunk against a directory tree under every real policy.
#pragma once

#include <optional>
#include <string>

#include <kseries/check/check.hpp>
#include <kseries/flow/inputs.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

struct CheckRequest {
    JobRequest job;
};

struct CheckResult {
    // The patches and the tree checked: the report points into them. Its
    // `release` says which release a store's mapping was asked about.
    Job job;
    check::Report report; // with the patches the maintainer skipped and the tree lacks
    std::string series;   // the series as given (--series or the patch files)
};

[[nodiscard]] Expected<CheckResult> check(const CheckRequest& request);

} // namespace kseries::flow
