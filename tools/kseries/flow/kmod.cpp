#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include <fmt/format.h>

#include <kseries/flow/kmod.hpp>
#include <kseries/flow/patched_module.hpp>
#include <kseries/kbuild/module_build.hpp>
#include <kseries/rpm/kmod_package.hpp>
#include <kseries/series/store.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/clock.hpp>
#include <kseries/util/temp_dir.hpp>

namespace kseries::flow {

namespace {

namespace fs = std::filesystem;
using Clock = SteadyClock;

std::string today() {
    const std::chrono::year_month_day d{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                       static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

// What the package says about the series: its name, rpm version, changelog.
// A store version (series/NAME/vN) gives the store's name, N and the
// version's records; a plain quilt directory its own name.
Expected<rpm::KmodSpecInput> package_fields(const KmodRequest& request, const Job& job,
                                            const std::string& kver) {
    if (!request.job.source.patches.empty()) {
        return fail(ErrorKind::Usage, "kmod packages a series directory: give --series, not "
                                      "--patch");
    }
    rpm::KmodSpecInput in;
    in.series = job.label;
    const fs::path dir = fs::absolute(job.series.dir).lexically_normal();
    const std::string version = dir.filename().string();
    in.name = dir.filename().string();
    in.version = version.size() > 1 && version[0] == 'v' &&
                         version.find_first_not_of("0123456789", 1) == std::string::npos
                     ? version.substr(1)
                     : version;
    in.date = today();
    if (series::Store::is_store(dir.parent_path())) {
        const auto store = KSERIES_TRY(series::Store::open(dir.parent_path()));
        in.name = store.name();
        in.series = fmt::format("{} {}", store.name(), version);
        if (const auto* v = store.find(version); v != nullptr) {
            in.changelog = v->changelog;
            in.date = v->created.empty() ? in.date : v->created;
        }
    }
    if (!request.name.empty()) {
        in.name = request.name;
    }
    in.kver = kver;
    // The kernel in the release: one package per kernel it was built for.
    in.release = "1." + kver;
    std::replace(in.release.begin(), in.release.end(), '-', '_');
    for (const auto& p : job.series.patches) {
        in.patches.push_back(p.entry.patch);
    }
    KSERIES_TRY(rpm::validate_package_fields(in));
    return in;
}

// What the shared build step made, as kmod reports it.
void take_module(PatchedModule built, KmodResult& result) {
    static constexpr KmodOutcome outcomes[] = {KmodOutcome::Built, KmodOutcome::DoesNotApply,
                                               KmodOutcome::DoesNotBuild, KmodOutcome::NotOneModule,
                                               KmodOutcome::WrongKernel};
    result.outcome = outcomes[static_cast<int>(built.outcome)];
    result.report = std::move(built.report);
    result.failure = std::move(built.failure);
    result.module_dir = std::move(built.module_dir);
    result.modules = built.modules;
    result.ko = std::move(built.ko);
    result.vermagic = std::move(built.vermagic);
    result.build_seconds = built.build_seconds;
}

// The package, built in the work directory and moved into the
// output directory in one rename.
Expected<void> package(const KmodRequest& request, rpm::KmodSpecInput fields, const fs::path& work,
                       KmodResult& result) {
    fields.module = result.ko.stem().string();
    const auto started = Clock::now();
    auto rpm = rpm::build_kmod_rpm(fields, result.ko, work / "rpmbuild", request.runner);
    result.rpm_seconds = seconds_since(started);
    if (!rpm) {
        if (rpm.error().kind() != ErrorKind::Tool) {
            return std::unexpected(rpm.error());
        }
        result.outcome = KmodOutcome::PackagingFailed;
        result.failure = rpm.error().message();
        return {};
    }
    (void)write_file_atomic(work / "rpmbuild.log", rpm->log);
    result.arch = rpm->arch;
    result.package = KSERIES_TRY(rpm::publish_file(rpm->path, request.out));
    return {};
}

} // namespace

Expected<KmodResult> kmod(const KmodRequest& request) {
    std::error_code ec;
    if (!fs::is_directory(request.out, ec)) {
        return fail(ErrorKind::Usage,
                    fmt::format("--out {}: not a directory", request.out.string()));
    }
    KmodResult result;
    result.kver = KSERIES_TRY(kbuild::devel_release(request.devel));
    const auto job = std::make_shared<Job>(KSERIES_TRY(load_job(request.job)));
    result.job = job;
    result.label = job->label;
    result.policy = job->options.label();
    auto fields = KSERIES_TRY(package_fields(request, *job, result.kver));
    result.package_name = fields.name;
    // The work directory, removed at the end unless it is kept.
    auto work = KSERIES_TRY(TempDir::create(request.temp_root, "kseries-kmod-"));
    if (request.keep) {
        work.keep();
        result.work = work.path();
    }
    auto built = KSERIES_TRY(build_patched_module(*job, {.tree = request.job.tree,
                                                         .devel = request.devel,
                                                         .kver = result.kver,
                                                         .work = work.path(),
                                                         .jobs = request.jobs,
                                                         .runner = request.runner}));
    take_module(std::move(built), result);
    if (result.outcome != KmodOutcome::Built) {
        return result;
    }
    KSERIES_TRY(package(request, std::move(fields), work.path(), result));
    return result;
}

} // namespace kseries::flow
