#include "verify_boot.hpp"

#include <cstdio>

#include <fmt/format.h>

#include <kseries/flow/boot_proof.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/report/proof_report.hpp>
#include <kseries/util/text.hpp>

#include "exit_codes.hpp"
#include "terminal.hpp"

namespace kseries::cli {

namespace {

// The kernel as the options name it; --installed-kernel KVER is the host's own.
Expected<flow::KernelSpec> kernel_spec(const BootOptions& o) {
    flow::KernelSpec k{o.vmlinuz, o.modules, o.devel, {o.rpms.begin(), o.rpms.end()}};
    if (!o.installed.empty()) {
        if (!k.vmlinuz.empty() || !k.modules.empty() || !k.devel.empty() || !k.rpms.empty()) {
            return fail(ErrorKind::Usage,
                        "--installed-kernel names the whole kernel: give no --kernel-image, "
                        "--kernel-modules, --kernel-devel or --kernel-rpm with it");
        }
        const std::filesystem::path modules = "/lib/modules/" + o.installed;
        k = {"/boot/vmlinuz-" + o.installed, modules, modules / "build", {}};
    }
    return k;
}

// Why there is no proof, for an outcome other than Judged.
std::string refusal(const flow::BootProofResult& r, const std::string& tree,
                    const GlobalOptions& global) {
    switch (r.outcome) {
    case flow::BootProofOutcome::DoesNotApply:
        return report::render_check_text(*r.report, {stdout_color(global.color)}) +
               fmt::format("{} does not apply to {} under {}: nothing booted patched\n", r.label,
                           tree, r.policy);
    case flow::BootProofOutcome::DoesNotBuild:
        return fmt::format("{}: the patched module does not build: {}", r.label, r.failure);
    case flow::BootProofOutcome::NotOneModule:
        return fmt::format("{} changes more than one module; verify --boot builds one\n", r.label);
    case flow::BootProofOutcome::WrongKernel:
        return fmt::format("{}: {}\n", r.label, r.failure);
    case flow::BootProofOutcome::Judged:
        break;
    }
    return {};
}

} // namespace

void BootOptions::add_to(CLI::App& command) {
    auto* boot = command.add_option_group("boot", "the kernel --boot boots");
    boot->add_option("--kernel-image", vmlinuz, "the kernel image (a bzImage)");
    boot->add_option("--kernel-modules", modules, "its modules directory (/lib/modules/KVER)");
    boot->add_option("--kernel-devel", devel,
                     "its devel headers, to build the patched module against");
    boot->add_option("--installed-kernel", installed,
                     "KVER: the host's /boot/vmlinuz-KVER, /lib/modules/KVER and its build link");
    boot->add_option("--kernel-rpm", rpms,
                     "the kernel's packages instead: kernel-core, kernel-modules, kernel-devel");
    boot->add_option("--accel", accel, "auto (KVM, else TCG), kvm or tcg")->capture_default_str();
    boot->add_option("--format", format, "text or json")->capture_default_str();
}

Expected<int> verify_boot(const SeriesJob& job, const BootOptions& boot, unsigned jobs, bool keep,
                          const GlobalOptions& global) {
    const auto accel = boot::parse_accel(boot.accel);
    if (!accel) {
        return fail(ErrorKind::Usage,
                    fmt::format("--accel {}: auto, kvm or tcg", text::printable(boot.accel)));
    }
    if (boot.format != "text" && boot.format != "json") {
        return fail(ErrorKind::Usage,
                    fmt::format("--format {}: text or json", text::printable(boot.format)));
    }
    Progress progress(global);
    auto kernel = KSERIES_TRY(kernel_spec(boot));
    const auto r = KSERIES_TRY(flow::boot_proof(
        {.job = job.request(),
         .kernel = std::move(kernel),
         .accel = *accel,
         .jobs = jobs,
         .keep = keep,
         .progress =
             progress.active()
                 ? std::function<void(std::string_view)>([&progress](std::string_view what) {
                       progress.step(fmt::format("kseries: verify: {}", what));
                   })
                 : std::function<void(std::string_view)>{}}));
    const std::string kept = r.work ? fmt::format("work directory: {}\n", r.work->string()) : "";
    if (r.outcome != flow::BootProofOutcome::Judged) {
        return emit(refusal(r, job.tree, global) + kept, exit_checks_failed);
    }
    const int code = r.proved() ? exit_ok : exit_checks_failed;
    if (boot.format == "json") {
        return emit(report::render_proof_json(r.record), code);
    }
    return emit(report::render_proof_text(r.record, r.saved ? r.saved->string() : std::string{},
                                          {stdout_color(global.color)}) +
                    kept,
                code);
}

} // namespace kseries::cli
