// The kmod flow through a fake runner: the fake stands in for make,
// modinfo and rpmbuild (writing the module and the package they would have
// made, or failing a step), on a real series, tree and devel directory, so
// that each refusal is shown to stop the flow before the next program and
// to leave the output directory empty. tests/kbuild/test_kmod.sh runs the
// real ones against Debian's 6.12 headers.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <kseries/flow/kmod.hpp>

#include "elf_bytes.hpp"
#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

const std::string kver = "5.14.0-70.el9.x86_64";

// A tree with one module directory, a series changing it, a devel
// directory for `kver`, and an output directory.
struct KmodFixture {
    test::TempDir dir;
    test::TempDir temp;
    KmodFixture() {
        dir.write("tree/fs/overlayfs/Makefile", "obj-$(CONFIG_OVERLAY_FS) += overlay.o\n");
        dir.write("tree/fs/overlayfs/super.c", "old\n");
        dir.write("series/v2/series", "0001-fix.patch\n");
        // More than 9 lines: kernel.spec skips shorter patch files.
        dir.write("series/v2/0001-fix.patch", "From: A Developer <a@example.com>\n"
                                              "Subject: [PATCH] ovl: fix\n\n"
                                              "Replace old with new.\n\n"
                                              "Signed-off-by: A Developer <a@example.com>\n"
                                              "---\n"
                                              "--- a/fs/overlayfs/super.c\n"
                                              "+++ b/fs/overlayfs/super.c\n"
                                              "@@ -1 +1 @@\n-old\n+new\n");
        dir.write("devel/include/config/kernel.release", kver + "\n");
        fs::create_directories(dir.path() / "out");
    }
    flow::KmodRequest request(proc::Runner& runner, bool keep = false) const {
        flow::JobRequest job;
        job.source.series = (dir.path() / "series/v2").string();
        job.tree = (dir.path() / "tree").string();
        return {.job = job,
                .devel = dir.path() / "devel",
                .out = dir.path() / "out",
                .name = "overlayfs-nfsroot",
                .keep = keep,
                .temp_root = temp.path(),
                .runner = runner};
    }
    [[nodiscard]] bool out_empty() const { return fs::is_empty(dir.path() / "out"); }
    [[nodiscard]] bool no_work_left() const { return fs::is_empty(temp.path()); }
};

// make, modinfo and rpmbuild as the flow sees them; `vermagic` is what
// modinfo says, `fail` the program that fails.
test::FakeRunner::Rule tools(std::string vermagic = kver + " SMP mod_unload",
                             std::string failing = {}) {
    return [vermagic, failing](const proc::Command& c) -> Expected<proc::Result> {
        proc::Result r;
        if (c.argv[0] == failing) {
            r.exit_code = 2;
            r.err = c.argv[0] + " says no\n";
            return r;
        }
        for (const auto& a : c.argv) {
            if (a.starts_with("M=")) {
                std::ofstream(fs::path(a.substr(2)) / "overlay.ko") << test::elf_x86_64();
            }
            if (a.starts_with("_topdir ")) {
                const fs::path rpms = fs::path(a.substr(8)) / "RPMS/x86_64";
                fs::create_directories(rpms);
                std::ofstream(rpms / "kmod-overlayfs-nfsroot-2-1.x86_64.rpm") << "rpm";
            }
        }
        if (c.argv[0] == "modinfo") {
            r.out = vermagic + "\n";
        }
        return r;
    };
}

TEST(FlowKmod, BuildsChecksAndPackagesIntoOut) {
    const KmodFixture s;
    test::FakeRunner runner(tools());
    auto r = flow::kmod(s.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->outcome, flow::KmodOutcome::Built);
    EXPECT_EQ(runner.programs(), (std::vector<std::string>{"make", "modinfo", "rpmbuild"}));
    EXPECT_EQ(r->package, s.dir.path() / "out/kmod-overlayfs-nfsroot-2-1.x86_64.rpm");
    EXPECT_EQ(s.dir.read("out/kmod-overlayfs-nfsroot-2-1.x86_64.rpm"), "rpm");
    EXPECT_EQ(r->kver, kver);
    EXPECT_EQ(r->vermagic, kver + " SMP mod_unload");
    EXPECT_EQ(r->arch, "x86_64");
    EXPECT_EQ(r->package_name, "overlayfs-nfsroot");
    EXPECT_EQ(r->module_dir, "fs/overlayfs");
    EXPECT_EQ(r->ko.filename(), "overlay.ko");
    EXPECT_FALSE(r->work);
    EXPECT_TRUE(s.no_work_left());
    // The patched file went to make, not the tree's.
    const auto& make = runner.calls[0].argv;
    EXPECT_NE(std::find(make.begin(), make.end(), "CONFIG_OVERLAY_FS=m"), make.end());
    EXPECT_EQ(s.dir.read("tree/fs/overlayfs/super.c"), "old\n");
}

TEST(FlowKmod, AModuleForAnotherKernelIsNotPackaged) {
    const KmodFixture s;
    test::FakeRunner runner(tools("5.14.0-71.el9.x86_64 SMP"));
    auto r = flow::kmod(s.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->outcome, flow::KmodOutcome::WrongKernel);
    EXPECT_EQ(r->vermagic, "5.14.0-71.el9.x86_64 SMP");
    EXPECT_EQ(runner.programs(), (std::vector<std::string>{"make", "modinfo"}));
    EXPECT_TRUE(s.out_empty());
    EXPECT_TRUE(s.no_work_left());
}

TEST(FlowKmod, AFailingBuildStopsBeforeModinfo) {
    const KmodFixture s;
    test::FakeRunner runner(tools(kver, "make"));
    auto r = flow::kmod(s.request(runner, true));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->outcome, flow::KmodOutcome::DoesNotBuild);
    EXPECT_NE(r->failure.find("make modules failed (exit code 2)"), std::string::npos);
    EXPECT_EQ(runner.programs(), (std::vector<std::string>{"make"}));
    EXPECT_TRUE(s.out_empty());
    // --keep: the work directory and its build log stay.
    ASSERT_TRUE(r->work);
    EXPECT_TRUE(fs::exists(*r->work / "build.log"));
}

TEST(FlowKmod, AFailingRpmbuildLeavesOutEmpty) {
    const KmodFixture s;
    test::FakeRunner runner(tools(kver, "rpmbuild"));
    auto r = flow::kmod(s.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->outcome, flow::KmodOutcome::PackagingFailed);
    EXPECT_NE(r->failure.find("rpmbuild says no"), std::string::npos);
    EXPECT_TRUE(s.out_empty());
}

TEST(FlowKmod, ASeriesThatDoesNotApplyRunsNothing) {
    const KmodFixture s;
    s.dir.write("tree/fs/overlayfs/super.c", "something else\n");
    test::FakeRunner runner(tools());
    auto r = flow::kmod(s.request(runner));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->outcome, flow::KmodOutcome::DoesNotApply);
    ASSERT_TRUE(r->report);
    EXPECT_FALSE(r->report->ok());
    // The report points into the series, which the result keeps alive.
    ASSERT_EQ(r->report->patches.size(), 1U);
    EXPECT_EQ(r->report->patches[0].patch->entry.patch, "0001-fix.patch");
    EXPECT_TRUE(runner.calls.empty());
    EXPECT_TRUE(s.no_work_left());
}

TEST(FlowKmod, BadInputIsAnErrorBeforeAnythingRuns) {
    const KmodFixture s;
    test::FakeRunner runner(tools());
    auto no_out = s.request(runner);
    no_out.out = s.dir.path() / "missing";
    auto r = flow::kmod(no_out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "--out " + no_out.out.string() + ": not a directory");

    auto no_devel = s.request(runner);
    no_devel.devel = s.dir.path() / "tree";
    EXPECT_EQ(flow::kmod(no_devel).error().kind(), ErrorKind::NotFound);

    auto bad_name = s.request(runner);
    bad_name.name = "bad name";
    EXPECT_EQ(flow::kmod(bad_name).error().kind(), ErrorKind::Usage);

    auto patches = s.request(runner);
    patches.job.source.series.clear();
    patches.job.source.patches = {(s.dir.path() / "series/v2/0001-fix.patch").string()};
    EXPECT_EQ(flow::kmod(patches).error().message(),
              "kmod packages a series directory: give --series, not --patch");
    EXPECT_TRUE(runner.calls.empty());
}

} // namespace
