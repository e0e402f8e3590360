// `kseries verify --boot` as a use case (docs/commands/verify.md): the
// runtime proof that a store version's patches fix what its scenarios
// show. The patched module is built against the kernel's devel headers
// (the step kmod runs), one initramfs per scenario and kernel is
// assembled (boot/initramfs.hpp), and the stock and the patched kernel
// boot in qemu, the stock boots beside the build. Each scenario's
// verdict is judged against what the version's records claim
// (series/proof_record.hpp) and the record, serial logs included, is kept
// in STORE/proofs/.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/boot/qemu.hpp>
#include <kseries/check/check.hpp>
#include <kseries/flow/inputs.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/series/proof_record.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

// The kernel booted: its image, modules directory and devel headers, or
// the RHEL packages that carry them (kernel-core, kernel-modules,
// kernel-devel; unpacked into the work directory, never installed).
struct KernelSpec {
    std::filesystem::path vmlinuz{};
    std::filesystem::path modules{};
    std::filesystem::path devel{};
    std::vector<std::filesystem::path> rpms{};
};

struct BootProofRequest {
    JobRequest
        job{}; // a store (or one of its versions) and the source tree the module is built from
    KernelSpec kernel{};
    boot::Accel accel = boot::Accel::Auto;
    unsigned jobs = 2;                 // make -j
    bool keep = false;                 // keep the work directory (images, build.log)
    std::filesystem::path temp_root{}; // where the work directory goes; empty: the system's
    // Told each step as it starts and ends ("booting stock: estale"), from
    // the thread that runs it: the CLI's progress line.
    std::function<void(std::string_view)> progress{};
    proc::Runner& runner = proc::system_runner(); // make, modinfo, strip, depmod, qemu
    std::string qemu = "qemu-system-x86_64";
    std::filesystem::path busybox = "/bin/busybox";
};

enum class BootProofOutcome {
    Judged,       // the boots ran: the record says what they showed
    DoesNotApply, // the series does not apply to the source tree
    DoesNotBuild, // the patched module did not build
    NotOneModule, // the series changes more than one module
    WrongKernel,  // the module's vermagic is not the kernel's
};

struct BootProofResult {
    BootProofOutcome outcome = BootProofOutcome::Judged;
    std::string label{};                          // the series as reports name it
    std::string policy{};                         // the policy's label
    std::optional<check::Report> report{};        // DoesNotApply
    std::shared_ptr<const Job> job{};             // what `report` points into
    std::string failure{};                        // DoesNotBuild, WrongKernel: why
    series::ProofRecord record{};                 // Judged, and the stock boots of the others
    std::optional<std::filesystem::path> saved{}; // the record's directory (Judged)
    std::optional<std::filesystem::path> work{};  // the kept work directory (--keep)

    // Exit 0: it ran and every scenario's verdict holds.
    [[nodiscard]] bool proved() const {
        return outcome == BootProofOutcome::Judged && record.proved();
    }
};

// An Error (exit 2, nothing saved) for bad input: qemu or a static busybox
// missing, a kernel that is not one (or does not boot: no harness output),
// a series that is not a store version, a version no scenario proves
// anything for, a scenario the kernel cannot satisfy (a module it does
// not have, a tool not installed), a stock module that does not load.
[[nodiscard]] Expected<BootProofResult> boot_proof(const BootProofRequest& request);

} // namespace kseries::flow
