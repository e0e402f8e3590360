// kseries kmod: the patched module as a kmod RPM, in ELRepo's kABI-tracking
// style (docs/commands/kmod.md). The series version the store picks for
// the tree is applied in memory under the tree's policy; the patched
// module directory is written to a work directory and built there with
// the kernel's own build system against an installed kernel's devel
// (headers) directory; the module's vermagic must name that kernel; then
// rpmbuild packages it, and the package is moved into --out in one rename.
// Exit 0 when the package is in --out, 1 when the series does not apply,
// the module does not build or is not for that kernel, or rpmbuild fails,
// 2 on bad input.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include <kseries/check/check.hpp>
#include <kseries/kbuild/module_build.hpp>
#include <kseries/kbuild/module_dirs.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/rpm/kmod_package.hpp>
#include <kseries/series/store.hpp>
#include <kseries/util/file.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

namespace fs = std::filesystem;

struct KmodOptions {
    SeriesJob job;
    std::string devel;
    std::string out;
    std::string name;
    unsigned jobs = 2;
    bool keep = false;
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string today() {
    const std::chrono::year_month_day d{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                       static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

// What the package says about the series: its name, rpm version, changelog.
// A store version (series/NAME/vN) gives the store's name, N and the
// version's records; a plain quilt directory its own name.
Expected<rpm::KmodSpecInput> package_fields(const KmodOptions& opts,
                                            const series::LoadedSeries& series,
                                            const std::string& label, const std::string& kver) {
    if (!opts.job.source.patches.empty()) {
        return fail(ErrorKind::Usage, "kmod packages a series directory: give --series, not "
                                      "--patch");
    }
    rpm::KmodSpecInput in;
    in.series = label;
    const fs::path dir = fs::absolute(series.dir).lexically_normal();
    const std::string version = dir.filename().string();
    in.name = dir.filename().string();
    in.version = version.size() > 1 && version[0] == 'v' &&
                         version.find_first_not_of("0123456789", 1) == std::string::npos
                     ? version.substr(1)
                     : version;
    in.date = today();
    if (series::Store::is_store(dir.parent_path())) {
        auto store = series::Store::open(dir.parent_path());
        if (!store) {
            return std::unexpected(store.error());
        }
        in.name = store->name();
        in.series = fmt::format("{} {}", store->name(), version);
        if (const auto* v = store->find(version); v != nullptr) {
            in.changelog = v->changelog;
            in.date = v->created.empty() ? in.date : v->created;
        }
    }
    if (!opts.name.empty()) {
        in.name = opts.name;
    }
    in.kver = kver;
    // The kernel in the release: one package per kernel it was built for.
    in.release = "1." + kver;
    std::replace(in.release.begin(), in.release.end(), '-', '_');
    for (const auto& p : series.patches) {
        in.patches.push_back(p.entry.patch);
    }
    if (auto ok = rpm::validate_package_fields(in); !ok) {
        return std::unexpected(ok.error());
    }
    return in;
}

// Builds the module and the package in `work`; the package ends in --out.
Expected<int> build(const KmodOptions& opts, const GlobalOptions& global) {
    std::error_code ec;
    if (!fs::is_directory(opts.out, ec)) {
        return fail(ErrorKind::Usage, fmt::format("--out {}: not a directory", opts.out));
    }
    auto kver = kbuild::devel_release(opts.devel);
    if (!kver) {
        return std::unexpected(kver.error());
    }
    auto in = opts.job.load();
    if (!in) {
        return std::unexpected(in.error());
    }
    auto fields = package_fields(opts, in->series, in->label, *kver);
    if (!fields) {
        return std::unexpected(fields.error());
    }
    // Step 1: the series must apply under the tree's policy.
    auto report = check::run(in->series, *in->tree, in->label, in->options);
    if (!report) {
        return std::unexpected(report.error());
    }
    if (!report->ok()) {
        return emit(report::render_check_text(*report, {stdout_color(global.color)}) +
                        fmt::format("{} does not apply to {} under {}: no package built\n",
                                    in->label, opts.job.tree, in->options.label()),
                    exit_checks_failed);
    }
    auto applied = check::apply_in_memory(in->series, *in->tree, in->options);
    if (!applied) {
        return std::unexpected(applied.error());
    }
    auto dirs = kbuild::patched_module_dirs(*in->tree, opts.job.tree, applied->changes);
    if (!dirs) {
        return std::unexpected(dirs.error());
    }
    if (dirs->size() != 1) {
        return fail(ErrorKind::Usage,
                    fmt::format("kmod packages one module directory; {} changes {}", in->label,
                                dirs->size()));
    }
    const auto& [dir, files] = *dirs->begin();

    std::string tmpl = (fs::temp_directory_path() / "kseries-kmod-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        return fail(ErrorKind::Io, "cannot create a temporary work directory");
    }
    const fs::path work = tmpl;
    struct Cleanup {
        fs::path dir;
        bool active;
        ~Cleanup() {
            std::error_code ignored;
            if (active) {
                fs::remove_all(dir, ignored);
            }
        }
    } cleanup{work, !opts.keep};
    const std::string kept = opts.keep ? fmt::format("work directory: {}\n", work.string()) : "";

    // Step 2: the module, against the target kernel's devel directory.
    auto started = Clock::now();
    kbuild::BuildLog log;
    auto kos = kbuild::build_against_devel(opts.devel, work / "module", files,
                                           kbuild::module_options(*dirs), opts.jobs, log);
    const double build_seconds = seconds_since(started);
    (void)write_file_atomic(work / "build.log", log.output);
    if (!kos) {
        if (kos.error().kind() != ErrorKind::Tool) {
            return std::unexpected(kos.error());
        }
        return emit(fmt::format("{} does not build against {}: {}{}", in->label, opts.devel,
                                kos.error().message(), kept),
                    exit_checks_failed);
    }
    if (kos->size() != 1) {
        return emit(
            fmt::format("{} built {} modules; kmod packages one\n{}", dir, kos->size(), kept),
            exit_checks_failed);
    }
    const fs::path ko = kos->front();

    // Step 3: a module for another kernel would not load: refuse it.
    auto vermagic = kbuild::modinfo_field(ko, "vermagic");
    if (!vermagic) {
        return std::unexpected(vermagic.error());
    }
    if (*vermagic != *kver && !vermagic->starts_with(*kver + ' ')) {
        return emit(fmt::format("{}: vermagic '{}' is not for kernel {} ({}/include/config/"
                                "kernel.release); no package built\n{}",
                                ko.filename().string(), *vermagic, *kver, opts.devel, kept),
                    exit_checks_failed);
    }

    // Step 4: the package.
    fields->module = ko.stem().string();
    started = Clock::now();
    auto rpm = rpm::build_kmod_rpm(*fields, ko, work / "rpmbuild");
    const double rpm_seconds = seconds_since(started);
    if (!rpm) {
        if (rpm.error().kind() != ErrorKind::Tool) {
            return std::unexpected(rpm.error());
        }
        return emit(fmt::format("packaging {} failed: {}{}", ko.filename().string(),
                                rpm.error().message(), kept),
                    exit_checks_failed);
    }
    (void)write_file_atomic(work / "rpmbuild.log", rpm->log);
    auto published = rpm::publish_file(rpm->path, opts.out);
    if (!published) {
        return std::unexpected(published.error());
    }
    return emit(fmt::format("built {}\n"
                            "  package:      kmod-{} ({}), {} from {} on {}\n"
                            "  kernel:       {} ({})\n"
                            "  vermagic:     {}\n"
                            "  module build: {:.1f} s (make -C {} M=... modules)\n"
                            "  rpmbuild:     {:.1f} s\n{}",
                            published->string(), fields->name, rpm->arch, ko.filename().string(),
                            in->label, opts.job.tree, *kver, opts.devel, *vermagic, build_seconds,
                            opts.devel, rpm_seconds, kept),
                exit_ok);
}

} // namespace

CommandBody add_kmod(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<KmodOptions>();
    auto* cmd = app.add_subcommand(
        "kmod", "Build the patched module against a kernel's devel headers as a kmod RPM");
    opts->job.add_to(*cmd);
    cmd->add_option("--kernel-devel", opts->devel,
                    "the target kernel's devel (headers) directory, e.g. "
                    "/usr/src/kernels/KVER or /usr/src/linux-headers-KVER")
        ->required();
    cmd->add_option("--out", opts->out, "directory the RPM is moved into")->required();
    cmd->add_option("--name", opts->name,
                    "package kmod-NAME, module in extra/NAME (default: the series' name)");
    cmd->add_option("-j,--jobs", opts->jobs, "make -j")->capture_default_str();
    cmd->add_flag("--keep", opts->keep,
                  "keep the temporary work directory (module, build.log, rpmbuild tree)");
    return [opts, &global]() -> Expected<int> { return build(*opts, global); };
}

} // namespace kseries::cli
