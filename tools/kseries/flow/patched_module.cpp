#include <chrono>
#include <map>

#include <fmt/format.h>

#include <kseries/flow/patched_module.hpp>
#include <kseries/kbuild/module_build.hpp>
#include <kseries/kbuild/module_dirs.hpp>
#include <kseries/util/clock.hpp>
#include <kseries/util/file.hpp>

namespace kseries::flow {

namespace {

namespace fs = std::filesystem;
using Clock = SteadyClock;
using ModuleDirs = std::map<std::string, kbuild::ModuleFiles>;

// Step 1: the series must apply under the tree's policy; then the one
// module directory it changes, patched. nullopt (with `out.report`)
// when it does not apply.
Expected<std::optional<ModuleDirs>> patched_dirs(Job& job, const ModuleBuild& build,
                                                 PatchedModule& out) {
    auto report = KSERIES_TRY(check::run(job.series, *job.tree, job.label, job.options));
    if (!report.ok()) {
        out.outcome = ModuleOutcome::DoesNotApply;
        out.report = std::move(report);
        return std::nullopt;
    }
    const auto applied = KSERIES_TRY(check::apply_in_memory(job.series, *job.tree, job.options));
    auto dirs = KSERIES_TRY(kbuild::patched_module_dirs(*job.tree, build.tree, applied.changes));
    if (dirs.size() != 1) {
        return fail(ErrorKind::Usage, fmt::format("one module directory is built; {} changes {}",
                                                  job.label, dirs.size()));
    }
    out.module_dir = dirs.begin()->first;
    return dirs;
}

// Step 2: the module, against the target kernel's devel directory; its
// log is kept in the work directory. False when it did not build one module.
Expected<bool> build_one(const ModuleDirs& dirs, const ModuleBuild& build, PatchedModule& out) {
    const auto started = Clock::now();
    kbuild::BuildLog log;
    auto kos =
        kbuild::build_against_devel(build.devel, build.work / "module", dirs.begin()->second,
                                    kbuild::module_options(dirs), build.jobs, log, build.runner);
    out.build_seconds = seconds_since(started);
    (void)write_file_atomic(build.work / "build.log", log.output);
    if (!kos) {
        if (kos.error().kind() != ErrorKind::Tool) {
            return std::unexpected(kos.error());
        }
        out.outcome = ModuleOutcome::DoesNotBuild;
        out.failure = kos.error().message();
        return false;
    }
    if (kos->size() != 1) {
        out.outcome = ModuleOutcome::NotOneModule;
        out.modules = kos->size();
        return false;
    }
    out.ko = kos->front();
    return true;
}

} // namespace

Expected<PatchedModule> build_patched_module(Job& job, const ModuleBuild& build) {
    PatchedModule out;
    const auto dirs = KSERIES_TRY(patched_dirs(job, build, out));
    if (!dirs || !KSERIES_TRY(build_one(*dirs, build, out))) {
        return out;
    }
    // A module for another kernel would not load: refuse it.
    out.vermagic = KSERIES_TRY(kbuild::modinfo_field(out.ko, "vermagic", build.runner));
    if (!kbuild::vermagic_is_for(out.vermagic, build.kver)) {
        out.outcome = ModuleOutcome::WrongKernel;
    }
    return out;
}

} // namespace kseries::flow
