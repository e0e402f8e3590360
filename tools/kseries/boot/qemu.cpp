#include <algorithm>
#include <cctype>
#include <cstddef>
#include <fcntl.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <kseries/boot/qemu.hpp>

namespace kseries::boot {

std::optional<Accel> parse_accel(std::string_view word) {
    if (word == "auto") {
        return Accel::Auto;
    }
    if (word == "kvm") {
        return Accel::Kvm;
    }
    if (word == "tcg") {
        return Accel::Tcg;
    }
    return std::nullopt;
}

std::string_view accel_name(Accel accel) {
    switch (accel) {
    case Accel::Auto:
        return "auto";
    case Accel::Kvm:
        return "kvm";
    case Accel::Tcg:
        return "tcg";
    }
    return "auto";
}

namespace {

// Nested KVM stops in the kernel's decompressor after ~10 s here, or hangs
// silently; a guest under working KVM prints its first line well within this.
constexpr std::chrono::seconds kvm_watch{20};
constexpr std::string_view kvm_error_text = "KVM internal error";
constexpr std::string_view silent_kvm_note = "no output from the guest in 20 s under KVM";

// The guest's console only: no default devices (no VGA, no network card),
// the serial port on qemu's stdout, and no reboot, so that panic=-1 ends
// qemu instead of booting the kernel again. `quiet loglevel=4` keeps the
// kernel's printk from interleaving with the harness's lines.
std::vector<std::string> qemu_argv(const std::string& qemu, Accel accel, const VmRequest& request) {
    std::string append = "console=ttyS0 panic=-1 quiet loglevel=4";
    if (!request.append.empty()) {
        append += ' ';
        append += request.append;
    }
    const bool kvm = accel == Accel::Kvm;
    return {qemu,
            "-accel",
            kvm ? "kvm" : "tcg",
            "-cpu",
            kvm ? "host" : "max",
            "-m",
            std::to_string(request.memory_mib),
            "-smp",
            "1",
            "-nographic",
            "-no-reboot",
            "-nodefaults",
            "-serial",
            "stdio",
            "-display",
            "none",
            "-kernel",
            request.kernel.string(),
            "-initrd",
            request.initramfs.string(),
            "-append",
            append};
}

bool opens_read_write(const std::filesystem::path& device) {
    const int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    ::close(fd);
    return true;
}

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// A harness marker, or a printk timestamp "[    1.234567]" (anywhere: the
// firmware's escapes may precede it on the same line). qemu's register dump
// after a KVM error has brackets too ("[-RA]"), but never digits.digits.
bool from_guest(std::string_view line) {
    if (line.find("KSERIES-") != std::string_view::npos) {
        return true;
    }
    for (auto open = line.find('['); open != std::string_view::npos;
         open = line.find('[', open + 1)) {
        std::size_t i = open + 1;
        while (i < line.size() && line[i] == ' ') {
            ++i;
        }
        const std::size_t whole = i;
        while (i < line.size() && is_digit(line[i])) {
            ++i;
        }
        if (i == whole || i >= line.size() || line[i] != '.') {
            continue;
        }
        const std::size_t fraction = ++i;
        while (i < line.size() && is_digit(line[i])) {
            ++i;
        }
        if (i > fraction && i < line.size() && line[i] == ']') {
            return true;
        }
    }
    return false;
}

// One run of qemu and what was seen of it.
struct Attempt {
    proc::Watched watched;
    double seconds = 0;
    std::string log;
    std::vector<std::string> qemu_lines; // qemu's own messages
    bool guest_seen = false;
    std::string kvm_error; // the first "KVM internal error" line
    bool silent = false;   // KVM: no guest line within kvm_watch, though lines came
    // KVM: the attempt shows KVM cannot run this guest (an internal error,
    // or nothing from the guest before the watch or the timeout ended it).
    bool kvm_unusable = false;
};

// Runs qemu once. Under KVM the lines are held back until the guest shows
// it runs, so that an attempt given up on does not hand the caller lines
// that the TCG run then repeats; they are handed over when the attempt
// counts (the guest ran, or qemu ended by itself).
Expected<Attempt> run_once(proc::Runner& runner, const std::string& qemu, Accel accel,
                           const VmRequest& request, std::chrono::milliseconds timeout) {
    const bool kvm = accel == Accel::Kvm;
    const std::string qemu_prefix = std::filesystem::path(qemu).filename().string() + ":";
    Attempt attempt;
    std::vector<std::string> held;
    bool live = !kvm;
    const auto hand = [&](std::string_view line) {
        if (request.on_line) {
            request.on_line(line);
        }
    };
    const auto start = std::chrono::steady_clock::now();
    const auto on_line = [&](std::string_view raw) {
        attempt.log.append(raw);
        attempt.log.push_back('\n');
        std::string_view line = raw;
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        if (line.starts_with("qemu:") || line.starts_with(qemu_prefix)) {
            attempt.qemu_lines.emplace_back(line);
        }
        if (!attempt.guest_seen && from_guest(line)) {
            attempt.guest_seen = true;
        }
        if (live) {
            hand(line);
        } else {
            held.emplace_back(line);
            if (attempt.guest_seen) {
                std::ranges::for_each(held, hand);
                held.clear();
                live = true;
            }
        }
        if (!kvm) {
            return true;
        }
        // The firmware's screen-clearing escapes may precede it on the line.
        if (const auto at = line.find(kvm_error_text); at != std::string_view::npos) {
            attempt.kvm_error = std::string(line.substr(at));
            return false;
        }
        if (!attempt.guest_seen && std::chrono::steady_clock::now() - start > kvm_watch) {
            attempt.silent = true;
            return false;
        }
        return true;
    };
    const proc::Command command{qemu_argv(qemu, accel, request), {}, {}};
    attempt.watched = KSERIES_TRY(runner.run_watched(command, on_line, timeout, request.stop));
    attempt.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    attempt.kvm_unusable =
        kvm && (!attempt.kvm_error.empty() || attempt.silent ||
                (attempt.watched.ending == proc::Ending::TimedOut && !attempt.guest_seen));
    if (!attempt.kvm_unusable) {
        std::ranges::for_each(held, hand);
    }
    return attempt;
}

VmRun finish(Attempt attempt, Accel accel, const std::string& qemu) {
    VmRun run;
    run.accel = accel;
    run.seconds = attempt.seconds;
    run.log = std::move(attempt.log);
    const auto& watched = attempt.watched;
    if (watched.ending == proc::Ending::TimedOut) {
        run.end = VmEnd::TimedOut;
    } else if (watched.ending == proc::Ending::Cancelled) {
        run.end = VmEnd::Cancelled;
    } else if (watched.result.ok()) {
        run.end = VmEnd::Exited;
    } else {
        run.end = VmEnd::Failed;
        run.qemu_said = attempt.qemu_lines.empty()
                            ? fmt::format("{} ended with {}", qemu, watched.result.status())
                            : fmt::format("{}", fmt::join(attempt.qemu_lines, "\n"));
    }
    return run;
}

} // namespace

Machine::Machine(Accel accel, proc::Runner& runner, std::string qemu,
                 std::filesystem::path kvm_device)
    : m_accel(accel), m_runner(runner), m_qemu(std::move(qemu)),
      m_kvm_device(std::move(kvm_device)) {}

Expected<void> Machine::preflight() const {
    if (!m_runner.on_path(m_qemu)) {
        return fail(ErrorKind::Tool, fmt::format("{} is not installed (Debian: apt-get install "
                                                 "qemu-system-x86)",
                                                 m_qemu));
    }
    return {};
}

Expected<VmRun> Machine::boot(const VmRequest& request) {
    if (request.stop.stop_requested()) {
        VmRun run;
        run.end = VmEnd::Cancelled;
        return run;
    }
    const std::chrono::milliseconds timeout = request.timeout;
    KvmState state = KvmState::Untried;
    std::string note;
    {
        const std::scoped_lock lock(m_mutex);
        state = m_kvm;
        note = m_kvm_note;
    }
    bool try_kvm = false;
    if (m_accel == Accel::Kvm) {
        if (state == KvmState::Unusable) {
            VmRun run;
            run.end = VmEnd::Failed;
            run.accel = Accel::Kvm;
            run.qemu_said = note;
            return run;
        }
        try_kvm = true;
    } else if (m_accel == Accel::Auto) {
        try_kvm = state != KvmState::Unusable && opens_read_write(m_kvm_device);
    }
    if (try_kvm) {
        // Until KVM has run a guest, a boot under it may hang without a
        // word: only a short watch tells that apart from a slow guest.
        const auto kvm_timeout = state == KvmState::Works
                                     ? timeout
                                     : std::min(timeout, std::chrono::milliseconds(kvm_watch));
        auto attempt = KSERIES_TRY(run_once(m_runner, m_qemu, Accel::Kvm, request, kvm_timeout));
        if (!attempt.kvm_unusable) {
            {
                const std::scoped_lock lock(m_mutex);
                if (attempt.guest_seen && m_kvm == KvmState::Untried) {
                    m_kvm = KvmState::Works;
                }
            }
            // The guest ran under KVM but the short watch cut it: boot
            // again, now with the whole timeout.
            if (attempt.watched.ending == proc::Ending::TimedOut && kvm_timeout < timeout) {
                return boot(request);
            }
            return finish(std::move(attempt), Accel::Kvm, m_qemu);
        }
        note = attempt.kvm_error.empty() ? std::string(silent_kvm_note) : attempt.kvm_error;
        {
            const std::scoped_lock lock(m_mutex);
            if (m_kvm != KvmState::Unusable) {
                m_kvm = KvmState::Unusable;
                m_kvm_note = note;
            }
        }
        spdlog::debug("KVM given up on: {}", note);
        if (m_accel == Accel::Kvm) {
            auto run = finish(std::move(attempt), Accel::Kvm, m_qemu);
            run.end = VmEnd::Failed;
            run.qemu_said = note;
            return run;
        }
    }
    auto attempt = KSERIES_TRY(run_once(m_runner, m_qemu, Accel::Tcg, request, timeout));
    return finish(std::move(attempt), Accel::Tcg, m_qemu);
}

std::string Machine::kvm_note() const {
    const std::scoped_lock lock(m_mutex);
    return m_kvm_note;
}

} // namespace kseries::boot
