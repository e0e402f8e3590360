#include <kseries/check/check.hpp>
#include <kseries/flow/verify.hpp>
#include <kseries/util/temp_dir.hpp>

namespace kseries::flow {

namespace fs = std::filesystem;

namespace {

// The work directory: the one given, or a temporary one that is removed
// when the run ends unless it is to be kept.
struct WorkDir {
    std::optional<TempDir> temp;
    fs::path path;
};

Expected<WorkDir> work_dir(const VerifyRequest& request) {
    if (!request.workdir.empty()) {
        return WorkDir{std::nullopt, request.workdir};
    }
    auto temp = KSERIES_TRY(TempDir::create({}, "kseries-verify-"));
    if (request.keep) {
        temp.keep();
    }
    fs::path path = temp.path();
    return WorkDir{std::move(temp), std::move(path)};
}

} // namespace

Expected<VerifyResult> verify(const VerifyRequest& request) {
    auto in = KSERIES_TRY(load_job(request.job));
    VerifyResult out;
    out.label = in.label;
    const auto applied = KSERIES_TRY(check::apply_in_memory(in.series, *in.tree, in.options));
    for (std::size_t i = 0; i < applied.verdicts.size(); ++i) {
        if (applied.verdicts[i] != check::Verdict::Applies) {
            out.not_applied = NotApplied{in.series.patches[i].entry.patch, in.options.label(),
                                         std::string(check::verdict_key(applied.verdicts[i]))};
            return out;
        }
    }
    const auto work = KSERIES_TRY(work_dir(request));
    auto built =
        compile_modules(*in.tree, request.job.tree, applied.changes, work.path, request.jobs);
    if (!built) {
        if (built.error().kind() != ErrorKind::Tool) {
            return std::unexpected(built.error());
        }
        out.build_error = built.error().message();
        return out;
    }
    out.compiled = std::move(*built);
    if (!work.temp || work.temp->kept()) {
        out.build_log = work.path / "build.log";
    }
    return out;
}

} // namespace kseries::flow
