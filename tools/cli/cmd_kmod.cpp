// kseries kmod: the patched module as a kmod RPM, in ELRepo's kABI-tracking
// style (docs/commands/kmod.md; the steps are flow/kmod.hpp's). Exit 0 when
// the package is in --out, 1 when the series does not apply, the module
// does not build or is not for that kernel, or rpmbuild fails, 2 on bad
// input.
#include <memory>

#include <fmt/format.h>

#include <kseries/flow/kmod.hpp>
#include <kseries/report/check_report.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct KmodOptions {
    SeriesJob job;
    std::string devel;
    std::string out;
    std::string name;
    unsigned jobs = 2;
    bool keep = false;
};

// Why there is no package, for an outcome other than Built.
std::string refusal(const flow::KmodRequest& request, const flow::KmodResult& r,
                    const GlobalOptions& global) {
    switch (r.outcome) {
    case flow::KmodOutcome::DoesNotApply:
        return report::render_check_text(*r.report, {stdout_color(global.color)}) +
               fmt::format("{} does not apply to {} under {}: no package built\n", r.label,
                           request.job.tree, r.policy);
    case flow::KmodOutcome::DoesNotBuild:
        return fmt::format("{} does not build against {}: {}", r.label, request.devel.string(),
                           r.failure);
    case flow::KmodOutcome::NotOneModule:
        return fmt::format("{} built {} modules; kmod packages one\n", r.module_dir, r.modules);
    case flow::KmodOutcome::WrongKernel:
        return fmt::format("{}: vermagic '{}' is not for kernel {} ({}/include/config/"
                           "kernel.release); no package built\n",
                           r.ko.filename().string(), r.vermagic, r.kver, request.devel.string());
    case flow::KmodOutcome::PackagingFailed:
        return fmt::format("packaging {} failed: {}", r.ko.filename().string(), r.failure);
    case flow::KmodOutcome::Built:
        break;
    }
    return {};
}

Expected<int> build(const KmodOptions& opts, const GlobalOptions& global) {
    const flow::KmodRequest request{.job = opts.job.request(),
                                    .devel = opts.devel,
                                    .out = opts.out,
                                    .name = opts.name,
                                    .jobs = opts.jobs,
                                    .keep = opts.keep};
    const auto r = KSERIES_TRY(flow::kmod(request));
    // The kept work directory (--keep), whatever the outcome.
    const std::string kept = r.work ? fmt::format("work directory: {}\n", r.work->string()) : "";
    if (r.outcome != flow::KmodOutcome::Built) {
        return emit(refusal(request, r, global) + kept, exit_checks_failed);
    }
    return emit(fmt::format("built {}\n"
                            "  package:      kmod-{} ({}), {} from {} on {}\n"
                            "  kernel:       {} ({})\n"
                            "  vermagic:     {}\n"
                            "  module build: {:.1f} s (make -C {} M=... modules)\n"
                            "  rpmbuild:     {:.1f} s\n{}",
                            r.package.string(), r.package_name, r.arch, r.ko.filename().string(),
                            r.label, opts.job.tree, r.kver, opts.devel, r.vermagic, r.build_seconds,
                            opts.devel, r.rpm_seconds, kept),
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
