// The qemu machine. Most tests run a FAKE qemu (test::FakeRunner, or a
// runner that plays back how a run ended): it stands in for a nested-KVM
// failure we cannot choose to produce on every machine, and checks the
// command line without booting. Two tests boot the REAL qemu-system-x86_64
// under TCG: Debian's 6.12 kernel with a busybox initramfs packed by the
// real cpio, and a "kernel" of random bytes that qemu refuses.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/boot/qemu.hpp>
#include <kseries/proc/run.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string kvm_error = "KVM internal error. Suberror: 1";
// What nested KVM printed here through proc::run_watched: qemu's stderr
// lands on the line of the firmware's screen-clearing escapes.
const std::string kvm_failure_out =
    "\x1b"
    "c\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n"
    "Booting from ROM...\r\n"
    "\x1b"
    "c\x1b[?7l\x1b[2J" +
    kvm_error +
    "\n"
    "extra data[0]: 0x0000000000000001\n"
    "emulation failure\n"
    "SS =0000 0000000000000000 00000fff 00c09300 DPL=0 DS   [-WA]\n";
const std::string guest_out = "Booting from ROM...\r\n"
                              "\x1b"
                              "c\x1b[?7l\x1b[2JKSERIES-INIT uptime=5.04\r\n"
                              "KSERIES-DONE\r\n";

bool has(const std::vector<std::string>& argv, std::string_view word) {
    return std::ranges::find(argv, word) != argv.end();
}

// The word after `flag` in argv, "" when there is none.
std::string after(const std::vector<std::string>& argv, std::string_view flag) {
    const auto it = std::ranges::find(argv, flag);
    return it == argv.end() || it + 1 == argv.end() ? std::string{} : *(it + 1);
}

// KVM's lines for the KVM argv, a guest's for the TCG one.
test::FakeRunner::Rule kvm_fails() {
    return [](const proc::Command& c) -> Expected<proc::Result> {
        proc::Result r;
        r.out = after(c.argv, "-accel") == "kvm" ? kvm_failure_out : guest_out;
        return r;
    };
}

boot::VmRequest request(std::vector<std::string>* lines = nullptr) {
    boot::VmRequest r;
    r.kernel = "/k/vmlinuz";
    r.initramfs = "/k/initramfs.cpio";
    r.append = "kseries.scenario=estale";
    r.memory_mib = 768;
    if (lines != nullptr) {
        r.on_line = [lines](std::string_view line) { lines->emplace_back(line); };
    }
    return r;
}

// A file Auto can open read-write, standing in for a usable /dev/kvm.
struct KvmDevice {
    test::TempDir dir;
    fs::path path = dir.path() / "kvm";
    KvmDevice() { dir.write("kvm", ""); }
};

TEST(BootQemu, AccelWordsRoundTrip) {
    for (auto a : {boot::Accel::Auto, boot::Accel::Kvm, boot::Accel::Tcg}) {
        EXPECT_EQ(boot::parse_accel(boot::accel_name(a)), a);
    }
    EXPECT_EQ(boot::accel_name(boot::Accel::Tcg), "tcg");
    EXPECT_FALSE(boot::parse_accel("hvf"));
    EXPECT_FALSE(boot::parse_accel("TCG"));
}

TEST(BootQemu, CommandLineOfATcgBoot) {
    test::FakeRunner runner;
    boot::Machine machine(boot::Accel::Tcg, runner);
    auto run = machine.boot(request());
    ASSERT_TRUE(run) << run.error().message();
    ASSERT_EQ(runner.calls.size(), 1U);
    const std::vector<std::string> want = {"qemu-system-x86_64",
                                           "-accel",
                                           "tcg",
                                           "-cpu",
                                           "max",
                                           "-m",
                                           "768",
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
                                           "/k/vmlinuz",
                                           "-initrd",
                                           "/k/initramfs.cpio",
                                           "-append",
                                           "console=ttyS0 panic=-1 quiet loglevel=4 "
                                           "kseries.scenario=estale"};
    EXPECT_EQ(runner.calls[0].argv, want);
    EXPECT_FALSE(runner.calls[0].input) << "stdin stays closed (/dev/null)";
    EXPECT_EQ(run->end, boot::VmEnd::Exited);
    EXPECT_EQ(run->accel, boot::Accel::Tcg);
}

TEST(BootQemu, NoAppendLeavesTheBaseWords) {
    test::FakeRunner runner;
    boot::Machine machine(boot::Accel::Tcg, runner);
    auto r = request();
    r.append.clear();
    ASSERT_TRUE(machine.boot(r));
    EXPECT_EQ(after(runner.calls.at(0).argv, "-append"), "console=ttyS0 panic=-1 quiet loglevel=4");
}

TEST(BootQemu, AutoFallsBackToTcgOnAKvmInternalErrorAndRemembersIt) {
    KvmDevice kvm;
    test::FakeRunner runner(kvm_fails());
    boot::Machine machine(boot::Accel::Auto, runner, "qemu-system-x86_64", kvm.path);
    std::vector<std::string> lines;
    auto run = machine.boot(request(&lines));
    ASSERT_TRUE(run) << run.error().message();
    ASSERT_EQ(runner.calls.size(), 2U);
    EXPECT_EQ(after(runner.calls[0].argv, "-accel"), "kvm");
    EXPECT_EQ(after(runner.calls[0].argv, "-cpu"), "host");
    EXPECT_EQ(after(runner.calls[1].argv, "-accel"), "tcg");
    EXPECT_EQ(after(runner.calls[1].argv, "-cpu"), "max");
    // The KVM attempt is watched for 20 s at most; the TCG boot gets the
    // request's whole timeout.
    EXPECT_EQ(runner.timeouts, (std::vector<std::chrono::milliseconds>{20s, 300s}));
    EXPECT_EQ(run->end, boot::VmEnd::Exited);
    EXPECT_EQ(run->accel, boot::Accel::Tcg);
    EXPECT_EQ(machine.kvm_note(), kvm_error);
    // The caller sees the TCG boot only, without line endings; the log
    // keeps the console's "\r\n".
    EXPECT_EQ(lines, (std::vector<std::string>{"Booting from ROM...",
                                               "\x1b"
                                               "c\x1b[?7l\x1b[2JKSERIES-INIT uptime=5.04",
                                               "KSERIES-DONE"}));
    EXPECT_EQ(run->log, guest_out);

    auto second = machine.boot(request());
    ASSERT_TRUE(second);
    ASSERT_EQ(runner.calls.size(), 3U);
    EXPECT_EQ(after(runner.calls[2].argv, "-accel"), "tcg");
    EXPECT_EQ(second->accel, boot::Accel::Tcg);
}

TEST(BootQemu, AutoWithoutAUsableKvmDeviceBootsTcgAtOnce) {
    test::TempDir dir;
    test::FakeRunner runner(kvm_fails());
    boot::Machine machine(boot::Accel::Auto, runner, "qemu-system-x86_64", dir.path() / "absent");
    auto run = machine.boot(request());
    ASSERT_TRUE(run);
    ASSERT_EQ(runner.calls.size(), 1U);
    EXPECT_EQ(after(runner.calls[0].argv, "-accel"), "tcg");
    EXPECT_EQ(machine.kvm_note(), "") << "KVM was not given up on: it was never tried";
}

TEST(BootQemu, AutoKeepsAWorkingKvmBoot) {
    KvmDevice kvm;
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        proc::Result r;
        r.out = guest_out;
        return r;
    });
    boot::Machine machine(boot::Accel::Auto, runner, "qemu-system-x86_64", kvm.path);
    std::vector<std::string> lines;
    auto run = machine.boot(request(&lines));
    ASSERT_TRUE(run);
    ASSERT_EQ(runner.calls.size(), 1U);
    EXPECT_EQ(run->accel, boot::Accel::Kvm);
    EXPECT_EQ(run->end, boot::VmEnd::Exited);
    EXPECT_EQ(lines.size(), 3U) << "the held-back firmware line is handed over too";
    EXPECT_EQ(machine.kvm_note(), "");
}

TEST(BootQemu, TcgNeverTriesKvm) {
    KvmDevice kvm;
    test::FakeRunner runner(kvm_fails());
    boot::Machine machine(boot::Accel::Tcg, runner, "qemu-system-x86_64", kvm.path);
    ASSERT_TRUE(machine.boot(request()));
    ASSERT_TRUE(machine.boot(request()));
    ASSERT_EQ(runner.calls.size(), 2U);
    for (const auto& c : runner.calls) {
        EXPECT_EQ(after(c.argv, "-accel"), "tcg");
        EXPECT_FALSE(has(c.argv, "kvm"));
    }
}

TEST(BootQemu, KvmOnlyFailsWithTheNoteAndNeverFallsBack) {
    test::FakeRunner runner(kvm_fails());
    boot::Machine machine(boot::Accel::Kvm, runner);
    auto run = machine.boot(request());
    ASSERT_TRUE(run);
    ASSERT_EQ(runner.calls.size(), 1U);
    EXPECT_EQ(after(runner.calls[0].argv, "-accel"), "kvm");
    EXPECT_EQ(run->end, boot::VmEnd::Failed);
    EXPECT_EQ(run->accel, boot::Accel::Kvm);
    EXPECT_EQ(run->qemu_said, kvm_error);
    EXPECT_EQ(machine.kvm_note(), kvm_error);
    auto again = machine.boot(request());
    ASSERT_TRUE(again);
    EXPECT_EQ(runner.calls.size(), 1U) << "a KVM known to fail is not started again";
    EXPECT_EQ(again->end, boot::VmEnd::Failed);
    EXPECT_EQ(again->qemu_said, kvm_error);
}

TEST(BootQemu, NonZeroExitIsFailedWithQemusMessage) {
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        proc::Result r;
        r.exit_code = 1;
        r.out = "qemu: linux kernel too old to load a ram disk\n";
        return r;
    });
    boot::Machine machine(boot::Accel::Tcg, runner);
    auto run = machine.boot(request());
    ASSERT_TRUE(run);
    EXPECT_EQ(run->end, boot::VmEnd::Failed);
    EXPECT_EQ(run->qemu_said, "qemu: linux kernel too old to load a ram disk");
}

TEST(BootQemu, NonZeroExitWithoutAMessageSaysTheStatus) {
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        proc::Result r;
        r.signal = 9;
        return r;
    });
    boot::Machine machine(boot::Accel::Tcg, runner);
    auto run = machine.boot(request());
    ASSERT_TRUE(run);
    EXPECT_EQ(run->end, boot::VmEnd::Failed);
    EXPECT_EQ(run->qemu_said, "qemu-system-x86_64 ended with signal 9");
}

TEST(BootQemu, TheRequestsTimeoutIsPassed) {
    KvmDevice kvm;
    test::FakeRunner runner(kvm_fails());
    boot::Machine machine(boot::Accel::Auto, runner, "qemu-system-x86_64", kvm.path);
    auto r = request();
    r.timeout = 12s; // shorter than the KVM watch: the KVM attempt gets it too
    ASSERT_TRUE(machine.boot(r));
    r.timeout = 45s;
    ASSERT_TRUE(machine.boot(r));
    EXPECT_EQ(runner.timeouts, (std::vector<std::chrono::milliseconds>{12s, 12s, 45s}));
}

// Plays back runs that ended in a given way (FakeRunner's runs always end
// by themselves or are stopped; these time out).
class PlaybackRunner final : public proc::Runner {
public:
    struct Run {
        std::string out;
        proc::Ending ending = proc::Ending::Exited;
    };
    std::deque<Run> runs;
    std::vector<proc::Command> calls;
    std::vector<std::chrono::milliseconds> timeouts;

    Expected<proc::Result> run(const proc::Command&) override {
        return fail(ErrorKind::Internal, "not used");
    }
    Expected<proc::Result> run_streaming(const proc::Command&,
                                         const std::function<void(std::string_view)>&) override {
        return fail(ErrorKind::Internal, "not used");
    }
    Expected<proc::Watched> run_watched(const proc::Command& command,
                                        const std::function<bool(std::string_view)>& on_line,
                                        std::chrono::milliseconds timeout,
                                        std::stop_token) override {
        calls.push_back(command);
        timeouts.push_back(timeout);
        const Run next = runs.at(0);
        runs.pop_front();
        proc::Watched watched;
        watched.ending = next.ending;
        std::string_view rest = next.out;
        while (!rest.empty()) {
            const auto nl = rest.find('\n');
            if (!on_line(rest.substr(0, nl))) {
                watched.ending = proc::Ending::Stopped;
                break;
            }
            rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        }
        if (watched.ending != proc::Ending::Exited) {
            watched.result.signal = 15;
        }
        return watched;
    }
    bool on_path(const std::string&) override { return true; }
};

TEST(BootQemu, ASilentKvmAttemptThatTimesOutFallsBackToTcg) {
    KvmDevice kvm;
    PlaybackRunner runner;
    runner.runs = {{"Booting from ROM...\r\n", proc::Ending::TimedOut}, {guest_out, {}}};
    boot::Machine machine(boot::Accel::Auto, runner, "qemu-system-x86_64", kvm.path);
    auto run = machine.boot(request());
    ASSERT_TRUE(run);
    ASSERT_EQ(runner.calls.size(), 2U);
    EXPECT_EQ(runner.timeouts, (std::vector<std::chrono::milliseconds>{20s, 300s}));
    EXPECT_EQ(run->accel, boot::Accel::Tcg);
    EXPECT_EQ(run->end, boot::VmEnd::Exited);
    EXPECT_EQ(machine.kvm_note(), "no output from the guest in 20 s under KVM");
}

TEST(BootQemu, AKvmGuestCutByTheWatchBootsAgainUnderKvmWithTheWholeTimeout) {
    KvmDevice kvm;
    PlaybackRunner runner;
    runner.runs = {{"[    0.512345] Run /init as init process\r\n", proc::Ending::TimedOut},
                   {guest_out, {}}};
    boot::Machine machine(boot::Accel::Auto, runner, "qemu-system-x86_64", kvm.path);
    auto run = machine.boot(request());
    ASSERT_TRUE(run);
    EXPECT_EQ(runner.timeouts, (std::vector<std::chrono::milliseconds>{20s, 300s}));
    EXPECT_EQ(after(runner.calls.at(1).argv, "-accel"), "kvm");
    EXPECT_EQ(run->accel, boot::Accel::Kvm);
    EXPECT_EQ(run->end, boot::VmEnd::Exited);
    EXPECT_EQ(machine.kvm_note(), "");
}

TEST(BootQemu, ATcgBootThatHangsTimesOut) {
    PlaybackRunner runner;
    runner.runs = {{"KSERIES-INIT uptime=5.04\r\n", proc::Ending::TimedOut}};
    boot::Machine machine(boot::Accel::Tcg, runner);
    auto run = machine.boot(request());
    ASSERT_TRUE(run);
    EXPECT_EQ(run->end, boot::VmEnd::TimedOut);
    EXPECT_EQ(run->log, "KSERIES-INIT uptime=5.04\r\n");
}

TEST(BootQemu, PreflightNamesThePackageWhenQemuIsMissing) {
    test::FakeRunner runner;
    runner.present = {"cpio"};
    boot::Machine machine(boot::Accel::Auto, runner);
    auto checked = machine.preflight();
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().kind(), ErrorKind::Tool);
    EXPECT_EQ(checked.error().message(), "qemu-system-x86_64 is not installed (Debian: apt-get "
                                         "install qemu-system-x86)");
    runner.present = {"qemu-system-x86_64"};
    EXPECT_TRUE(machine.preflight());
}

// ---- real qemu ----

std::optional<fs::path> debian_kernel() {
    for (const auto& entry : fs::directory_iterator("/boot")) {
        const auto name = entry.path().filename().string();
        if (name.starts_with("vmlinuz-6.12") && name.ends_with("-amd64")) {
            return entry.path();
        }
    }
    return std::nullopt;
}

// A /init of busybox sh that says hello with the kernel's release and
// powers the VM off, packed by the real cpio with a real dev/console
// (without it the kernel has no console to give /init).
fs::path make_initramfs(const test::TempDir& dir) {
    const fs::path root = dir.path() / "root";
    fs::create_directories(root / "bin");
    fs::create_directories(root / "dev");
    fs::copy_file("/bin/busybox", root / "bin/busybox");
    dir.write("root/init", "#!/bin/busybox sh\n"
                           "echo \"KSERIES-TEST hello $(/bin/busybox uname -r)\"\n"
                           "/bin/busybox poweroff -f\n");
    fs::permissions(root / "init", fs::perms::owner_all | fs::perms::group_read |
                                       fs::perms::group_exec | fs::perms::others_read |
                                       fs::perms::others_exec);
    if (::mknod((root / "dev/console").c_str(), S_IFCHR | 0600, makedev(5, 1)) != 0) {
        ADD_FAILURE() << "mknod dev/console (the test runs as root)";
    }
    const fs::path image = dir.path() / "initramfs.cpio";
    const std::string cmd =
        "cd '" + root.string() +
        "' && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet > '" + image.string() +
        "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return image;
}

TEST(BootQemuReal, BootsDebiansKernelUnderTcg) {
    if (!proc::on_path("qemu-system-x86_64")) {
        GTEST_SKIP() << "qemu-system-x86_64 is not installed (make check installs qemu-system-x86)";
    }
    const auto kernel = debian_kernel();
    if (!kernel || !fs::exists("/bin/busybox")) {
        GTEST_SKIP() << "no /boot/vmlinuz-6.12*-amd64 or /bin/busybox (make check installs "
                        "linux-image-amd64 and busybox-static)";
    }
    test::TempDir dir;
    boot::VmRequest r;
    r.kernel = *kernel;
    r.initramfs = make_initramfs(dir);
    r.memory_mib = 256;
    r.timeout = 120s;
    std::vector<std::string> lines;
    r.on_line = [&lines](std::string_view line) { lines.emplace_back(line); };
    boot::Machine machine(boot::Accel::Tcg);
    auto run = machine.boot(r);
    ASSERT_TRUE(run) << run.error().message();
    EXPECT_EQ(run->end, boot::VmEnd::Exited) << run->log;
    EXPECT_EQ(run->accel, boot::Accel::Tcg);
    EXPECT_NE(run->log.find("KSERIES-TEST hello 6.12"), std::string::npos) << run->log;
    EXPECT_NE(run->log.find("\r\n"), std::string::npos) << "the console's line endings are kept";
    EXPECT_GT(run->seconds, 0);
    const bool handed = std::ranges::any_of(
        lines, [](const std::string& l) { return l.find("KSERIES-TEST hello 6.12") != l.npos; });
    EXPECT_TRUE(handed);
    for (const auto& l : lines) {
        EXPECT_FALSE(l.ends_with('\r')) << l;
    }
}

TEST(BootQemuReal, RandomBytesAreNoKernel) {
    if (!proc::on_path("qemu-system-x86_64")) {
        GTEST_SKIP() << "qemu-system-x86_64 is not installed (make check installs qemu-system-x86)";
    }
    test::TempDir dir;
    std::mt19937 random(16);
    std::string bytes(64 * 1024, '\0');
    for (auto& b : bytes) {
        b = static_cast<char>(random() & 0xff);
    }
    dir.write("vmlinuz", bytes);
    dir.write("initramfs.cpio", "070701");
    boot::VmRequest r;
    r.kernel = dir.path() / "vmlinuz";
    r.initramfs = dir.path() / "initramfs.cpio";
    r.timeout = 60s;
    boot::Machine machine(boot::Accel::Tcg);
    auto run = machine.boot(r);
    ASSERT_TRUE(run) << run.error().message();
    EXPECT_EQ(run->end, boot::VmEnd::Failed) << run->log;
    EXPECT_EQ(run->qemu_said, "qemu: linux kernel too old to load a ram disk") << run->log;
}

} // namespace
