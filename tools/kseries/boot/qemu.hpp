// Booting a kernel with an initramfs in qemu (x86-64), one VM at a time
// per call, its serial console read line by line into a log. Under KVM
// when it works, else TCG: nested KVM may stop in early boot with "KVM
// internal error" and leave qemu paused forever, so a KVM boot is watched
// and, when it fails, killed and run again under TCG; the machine
// remembers that for its later boots.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::boot {

enum class Accel { Auto, Kvm, Tcg };

// "auto", "kvm", "tcg"; nullopt for anything else.
[[nodiscard]] std::optional<Accel> parse_accel(std::string_view word);
[[nodiscard]] std::string_view accel_name(Accel accel);

struct VmRequest {
    std::filesystem::path kernel;    // a bzImage
    std::filesystem::path initramfs; // a cpio archive
    std::string append;              // added to "console=ttyS0 panic=-1 quiet loglevel=4"
    std::uint32_t memory_mib = 1024;
    std::chrono::seconds timeout{300}; // from qemu's start to its exit
    // Every line of the console (and of qemu's own messages), as it comes,
    // without its line ending ("\r\n" on the console, "\n" from qemu).
    std::function<void(std::string_view)> on_line;
    // Requested from another thread: the VM is stopped (VmEnd::Cancelled),
    // or not started when it already was.
    std::stop_token stop;
};

enum class VmEnd {
    Exited,    // qemu ended by itself: the guest powered off, or its kernel panicked (panic=-1)
    TimedOut,  // killed at the timeout
    Failed,    // qemu could not boot the kernel (it said why on its first line and exited)
    Cancelled, // stopped (or never started) because VmRequest::stop was requested
};

struct VmRun {
    VmEnd end = VmEnd::Exited;
    Accel accel = Accel::Tcg; // what the boot ran under: Kvm or Tcg
    double seconds = 0;
    std::string log;       // the whole console, "\r\n" as the guest wrote it
    std::string qemu_said; // Failed: qemu's message
};

class Machine {
public:
    // `qemu`: the program (found on PATH), "qemu-system-x86_64" unless a
    // test or the user names another. Runs it through `runner`.
    // `kvm_device`: what Auto opens to decide whether to try KVM; a test
    // names a file it controls, since whether /dev/kvm opens differs per
    // machine.
    explicit Machine(Accel accel, proc::Runner& runner = proc::system_runner(),
                     std::string qemu = "qemu-system-x86_64",
                     std::filesystem::path kvm_device = "/dev/kvm");

    // A Tool error (exit 2 for the command) when qemu is not installed:
    // the message says which package has it.
    [[nodiscard]] Expected<void> preflight() const;

    // One boot. Auto tries KVM first when /dev/kvm can be opened, watching
    // for "KVM internal error" or no console output from the guest's
    // kernel within a short while; either ends that attempt and the boot
    // runs again under TCG, and later boots go to TCG at once. Safe to call
    // from two threads (two VMs at once).
    [[nodiscard]] Expected<VmRun> boot(const VmRequest& request);

    // Why KVM was given up on ("KVM internal error. Suberror: 1"), "" while
    // it was not.
    [[nodiscard]] std::string kvm_note() const;

private:
    Accel m_accel;
    proc::Runner& m_runner;
    std::string m_qemu;
    std::filesystem::path m_kvm_device;
    mutable std::mutex m_mutex;
    // Whether KVM ran a guest (a later KVM boot gets the whole timeout at
    // once) or was given up on (m_kvm_note says why; later boots go to TCG).
    enum class KvmState { Untried, Works, Unusable };
    KvmState m_kvm = KvmState::Untried;
    std::string m_kvm_note;
};

} // namespace kseries::boot
