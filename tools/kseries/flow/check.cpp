#include <kseries/flow/check.hpp>

namespace kseries::flow {

Expected<CheckResult> check(const CheckRequest& request) {
    auto job = KSERIES_TRY(load_job(request.job));
    auto report = KSERIES_TRY(check::run(job.series, *job.tree, job.label, job.options));
    if (job.meta) {
        report.skipped = KSERIES_TRY(check::missing_skipped(*job.meta, *job.tree));
    }
    return CheckResult{std::move(job), std::move(report), request.job.source.label()};
}

} // namespace kseries::flow
