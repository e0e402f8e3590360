// The verify --boot flow through a fake runner: the fake stands in for
// make, modinfo and strip (writing what they would have made) and for
// qemu, answering each boot with a serial log shaped like the harness's
// real ones (tests/data/boot/). On a real store, tree, kernel directory
// layout and static busybox, it shows each way a proof ends: proved, not
// proved, a hang, a patched module that does not load, a stock kernel that
// does not boot, and bad input refused before anything runs.
// tests/boot/ runs the real qemu on Debian's 6.12.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <kseries/flow/boot_proof.hpp>

#include "elf_bytes.hpp"
#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

const std::string kver = "6.12.117+deb12-amd64";

// A serial log as the harness writes it, with SeaBIOS' escapes before the
// first marker and "\r\n" line ends.
std::string console(const std::string& body) {
    std::string out = "Booting from ROM..\x1b"
                      "c\x1b[?7l\x1b[2JKSERIES-INIT: 5.04 " +
                      kver + "\n";
    out += body;
    std::string crlf;
    for (char c : out) {
        if (c == '\n') {
            crlf += '\r';
        }
        crlf += c;
    }
    return crlf;
}

std::string scenario_log(const std::string& verdict) {
    return console("KSERIES-RUN: estale\nKSERIES-EVIDENCE: before: file=[old]\n"
                   "KSERIES-SYMPTOM: " +
                   verdict + "\nKSERIES-EXIT: 0\nKSERIES-DONE: 11.2\n");
}

// A store whose v1 carries 0001-fix.patch and whose scenario `estale`
// proves it, a tree with fs/overlayfs, and a kernel: a bzImage-shaped
// file, a modules directory and a devel directory of `kver`.
struct BootFixture {
    test::TempDir dir;
    test::TempDir temp;
    BootFixture() {
        dir.write("tree/fs/overlayfs/Makefile", "obj-$(CONFIG_OVERLAY_FS) += overlay.o\n");
        dir.write("tree/fs/overlayfs/super.c", "old\n");
        dir.write("store/index.toml", "name = \"s\"\n[[map]]\nversion = \"v1\"\n");
        dir.write("store/v1/series", "0001-fix.patch\n");
        dir.write("store/v1/0001-fix.patch", "From: A Developer <a@example.com>\n"
                                             "Subject: [PATCH] ovl: fix\n\n"
                                             "Replace old with new.\n\n"
                                             "Signed-off-by: A Developer <a@example.com>\n"
                                             "---\n"
                                             "--- a/fs/overlayfs/super.c\n"
                                             "+++ b/fs/overlayfs/super.c\n"
                                             "@@ -1 +1 @@\n-old\n+new\n");
        dir.write("store/scenarios/estale/scenario.toml",
                  "proves = \"0001-fix.patch\"\nmodules = [\"overlay\"]\ntimeout_seconds = 60\n");
        dir.write("store/scenarios/estale/run.sh", "echo KSERIES-SYMPTOM: no\n");
        std::string bz(4096, '\0');
        bz.replace(0x202, 4, "HdrS");
        dir.write("boot/vmlinuz", bz);
        dir.write("modules/" + kver + "/modules.dep", "kernel/fs/overlayfs/overlay.ko:\n");
        dir.write("modules/" + kver + "/kernel/fs/overlayfs/overlay.ko", test::elf_x86_64());
        dir.write("devel/Makefile", "# devel\n");
        dir.write("devel/.config", "CONFIG_OVERLAY_FS=m\n");
        dir.write("devel/include/config/kernel.release", kver + "\n");
    }
    flow::BootProofRequest request(proc::Runner& runner) const {
        flow::JobRequest job;
        job.source.series = (dir.path() / "store/v1").string();
        job.tree = (dir.path() / "tree").string();
        return {.job = job,
                .kernel = {.vmlinuz = dir.path() / "boot/vmlinuz",
                           .modules = dir.path() / "modules" / kver,
                           .devel = dir.path() / "devel",
                           .rpms = {}},
                .accel = boot::Accel::Tcg,
                .temp_root = temp.path(),
                .runner = runner};
    }
    [[nodiscard]] fs::path record() const { return dir.path() / "store/proofs/v1" / kver; }
    [[nodiscard]] bool no_work_left() const { return fs::is_empty(temp.path()); }
};

struct Answers {
    std::string stock = scenario_log("yes Stale file handle");
    std::string patched = scenario_log("no file=[new]");
    int qemu_exit = 0;
    std::string vermagic = kver + " SMP preempt mod_unload modversions";
};

// make, modinfo, strip and qemu as the flow sees them.
test::FakeRunner::Rule tools(Answers a) {
    return [a](const proc::Command& c) -> Expected<proc::Result> {
        proc::Result r;
        const auto& argv = c.argv;
        for (std::size_t i = 0; i < argv.size(); ++i) {
            if (argv[i].starts_with("M=")) {
                std::ofstream(fs::path(argv[i].substr(2)) / "overlay.ko") << test::elf_x86_64();
            }
            if (argv[0] == "strip" && argv[i] == "-o") {
                fs::copy_file(argv.back(), argv[i + 1]);
            }
            if (argv[0] == "qemu-system-x86_64" && argv[i] == "-initrd") {
                r.out = argv[i + 1].find(".patched.") != std::string::npos ? a.patched : a.stock;
                r.exit_code = a.qemu_exit;
            }
        }
        if (argv[0] == "modinfo") {
            r.out = a.vermagic + "\n";
        }
        return r;
    };
}

} // namespace

TEST(FlowBootProof, StockShowsTheSymptomPatchedDoesNot) {
    const BootFixture f;
    test::FakeRunner runner(tools({}));
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->outcome, flow::BootProofOutcome::Judged);
    EXPECT_TRUE(r->proved());
    ASSERT_EQ(r->record.scenarios.size(), 1U);
    const auto& s = r->record.scenarios[0];
    EXPECT_EQ(s.verdict, series::ProofVerdict::Proved);
    EXPECT_EQ(s.patch, "0001-fix.patch");
    ASSERT_TRUE(s.stock && s.patched);
    EXPECT_EQ(s.stock->symptom, series::Symptom::Yes);
    EXPECT_EQ(s.patched->symptom, series::Symptom::No);
    EXPECT_EQ(s.stock->accel, "tcg");
    EXPECT_EQ(r->record.kernel_release, kver);
    EXPECT_EQ(r->record.version, "v1");
    // Kept: the record and both serial logs, as the console wrote them.
    ASSERT_TRUE(r->saved);
    EXPECT_EQ(*r->saved, f.record());
    EXPECT_TRUE(fs::exists(f.record() / "proof.json"));
    EXPECT_NE(
        f.dir.read("store/proofs/v1/" + kver + "/estale.stock.log").find("KSERIES-SYMPTOM: yes"),
        std::string::npos);
    EXPECT_TRUE(fs::exists(f.record() / "estale.patched.log"));
    EXPECT_TRUE(f.no_work_left());
    // Two boots, and the module built once, its vermagic read, stripped.
    const auto programs = runner.programs();
    EXPECT_EQ(std::count(programs.begin(), programs.end(), "qemu-system-x86_64"), 2);
    EXPECT_EQ(std::count(programs.begin(), programs.end(), "make"), 1);
    EXPECT_EQ(std::count(programs.begin(), programs.end(), "strip"), 1);
    // The scenario's timeout bounds each boot.
    ASSERT_EQ(runner.timeouts.size(), 2U);
    EXPECT_EQ(runner.timeouts[0], std::chrono::seconds(60));
}

TEST(FlowBootProof, APatchThatFixesNothingIsNotProved) {
    const BootFixture f;
    Answers a;
    a.patched = a.stock;
    test::FakeRunner runner(tools(a));
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_FALSE(r->proved());
    EXPECT_EQ(r->record.scenarios[0].verdict, series::ProofVerdict::NotProved);
    EXPECT_TRUE(fs::exists(f.record() / "proof.json"));
}

TEST(FlowBootProof, AStockKernelWithoutTheSymptomProvesNothing) {
    const BootFixture f;
    Answers a;
    a.stock = a.patched;
    test::FakeRunner runner(tools(a));
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_FALSE(r->proved());
    EXPECT_EQ(r->record.scenarios[0].verdict, series::ProofVerdict::NotShownOnStock);
}

TEST(FlowBootProof, APatchedModuleThatDoesNotLoadIsNoVerdict) {
    const BootFixture f;
    Answers a;
    a.patched = console("KSERIES-ERROR: insmod overlay: can't insert '/lib/modules/overlay.ko': "
                        "invalid module format\nKSERIES-DMESG: overlay: version magic 'x' should "
                        "be 'y'\nKSERIES-DONE: 6.0\n");
    test::FakeRunner runner(tools(a));
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_FALSE(r->proved());
    const auto& s = r->record.scenarios[0];
    EXPECT_EQ(s.verdict, series::ProofVerdict::NoVerdict);
    ASSERT_TRUE(s.patched);
    EXPECT_NE(s.patched->problem.find("invalid module format"), std::string::npos)
        << s.patched->problem;
}

TEST(FlowBootProof, AScenarioThatHangsIsNoVerdictNamingTheTimeout) {
    const BootFixture f;
    Answers a;
    // The console stops after the script started: qemu is killed at the
    // timeout (the fake's log simply ends; its exit is the kill's).
    a.patched = console("KSERIES-RUN: estale\nKSERIES-EVIDENCE: before: file=[old]\n");
    test::FakeRunner runner(tools(a));
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    const auto& s = r->record.scenarios[0];
    EXPECT_EQ(s.verdict, series::ProofVerdict::NoVerdict);
    ASSERT_TRUE(s.patched);
    EXPECT_FALSE(s.patched->problem.empty());
    EXPECT_FALSE(r->proved());
}

TEST(FlowBootProof, AStockKernelThatDoesNotBootIsBadInput) {
    const BootFixture f;
    Answers a;
    a.stock = "qemu-system-x86_64: linux kernel too old to load a ram disk\n";
    a.patched = a.stock;
    a.qemu_exit = 1;
    test::FakeRunner runner(tools(a));
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Usage);
    EXPECT_NE(r.error().message().find("does not boot"), std::string::npos) << r.error().message();
    EXPECT_FALSE(fs::exists(f.dir.path() / "store/proofs"));
    EXPECT_TRUE(f.no_work_left());
}

TEST(FlowBootProof, AnImageOfAnotherReleaseIsBadInput) {
    const BootFixture f;
    Answers a;
    // The image boots 6.1 while the modules and headers are 6.12's.
    for (auto* log : {&a.stock, &a.patched}) {
        const auto at = log->find(kver);
        log->replace(at, kver.size(), "6.1.0-57-amd64");
    }
    test::FakeRunner runner(tools(a));
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Usage);
    EXPECT_NE(r.error().message().find("boots kernel 6.1.0-57-amd64"), std::string::npos)
        << r.error().message();
    EXPECT_FALSE(fs::exists(f.dir.path() / "store/proofs"));
}

TEST(FlowBootProof, AModuleForAnotherKernelIsNotBootedPatched) {
    const BootFixture f;
    Answers a;
    a.vermagic = "5.14.0-70.el9.x86_64 SMP mod_unload";
    test::FakeRunner runner(tools(a));
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->outcome, flow::BootProofOutcome::WrongKernel);
    EXPECT_FALSE(r->proved());
    const auto programs = runner.programs();
    // No patched boot; the stock one ran or was stopped before it started.
    EXPECT_LE(std::count(programs.begin(), programs.end(), "qemu-system-x86_64"), 1);
    EXPECT_FALSE(fs::exists(f.dir.path() / "store/proofs"));
}

// The stock VM is still running when the module fails to build: nothing
// will be judged, so it is stopped rather than waited for.
TEST(FlowBootProof, AModuleThatDoesNotBuildStopsTheStockBoots) {
    const BootFixture f;
    const auto rule = tools({});
    test::FakeRunner* self = nullptr;
    test::FakeRunner runner([rule, &self](const proc::Command& c) -> Expected<proc::Result> {
        if (c.argv.at(0) == "make") {
            // The build fails while the stock VM runs.
            for (int i = 0; i < 3000 && self->holding == 0; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            proc::Result r;
            r.exit_code = 2;
            r.out = "super.c:1:1: error: expected declaration\n";
            return r;
        }
        return rule(c);
    });
    self = &runner;
    runner.hold_watched = true;
    auto r = flow::boot_proof(f.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->outcome, flow::BootProofOutcome::DoesNotBuild);
    EXPECT_EQ(runner.cancelled, 1);
    EXPECT_FALSE(fs::exists(f.dir.path() / "store/proofs"));
    EXPECT_TRUE(f.no_work_left());
}

TEST(FlowBootProof, BadInputIsRefusedBeforeAnythingRuns) {
    const BootFixture f;
    {
        test::FakeRunner runner(tools({}));
        runner.present = {"make"}; // no qemu
        auto r = flow::boot_proof(f.request(runner));
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message().find("qemu-system-x86_64"), std::string::npos);
        EXPECT_TRUE(runner.calls.empty());
    }
    {
        // A quilt directory is not a store: no scenarios.
        test::FakeRunner runner(tools({}));
        auto req = f.request(runner);
        f.dir.write("quilt/series", "0001-fix.patch\n");
        f.dir.write("quilt/0001-fix.patch", f.dir.read("store/v1/0001-fix.patch"));
        req.job.source.series = (f.dir.path() / "quilt").string();
        auto r = flow::boot_proof(req);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().kind(), ErrorKind::Usage);
        EXPECT_TRUE(runner.calls.empty());
    }
    {
        // A busybox that needs libraries the VM does not have.
        test::FakeRunner runner(tools({}));
        auto req = f.request(runner);
        req.busybox = "/bin/sh";
        auto r = flow::boot_proof(req);
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message().find("busybox-static"), std::string::npos);
        EXPECT_TRUE(runner.calls.empty());
    }
    {
        // Paths and packages at once.
        test::FakeRunner runner(tools({}));
        auto req = f.request(runner);
        req.kernel.rpms = {f.dir.path() / "kernel-core.rpm"};
        auto r = flow::boot_proof(req);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().kind(), ErrorKind::Usage);
    }
    EXPECT_TRUE(f.no_work_left());
    EXPECT_FALSE(fs::exists(f.dir.path() / "store/proofs"));
}
