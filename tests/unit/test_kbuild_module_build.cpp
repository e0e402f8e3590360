// Module builds through a fake runner: the fake stands in for make,
// scripts/config and modinfo (writing the .ko make would have made, or
// failing); `verify --compile` and `kmod` run the real kernel build in the
// CLI tests where a kernel tree or devel directory is at hand.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <kseries/kbuild/module_build.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// make: writes NAME.ko into the M= directory for each "CONFIG_NAME=m"
// argument (or overlay.ko for verify's build), as kbuild would.
Expected<proc::Result> fake_make(const proc::Command& c) {
    std::string module_dir;
    for (const auto& a : c.argv) {
        if (a.starts_with("M=")) {
            module_dir = a.substr(2);
        }
    }
    if (!module_dir.empty()) {
        std::ofstream(fs::path(module_dir) / "overlay.ko") << "ko";
    }
    proc::Result r;
    r.out = "  CC [M]  overlay.o\n";
    return r;
}

TEST(KbuildModuleBuild, ConfigOptionsOfAKbuildMakefile) {
    EXPECT_EQ(kbuild::config_options("obj-$(CONFIG_OVERLAY_FS) += overlay.o\n"
                                     "obj-$(CONFIG_OVERLAY_FS) += x.o\nobj-$(CONFIG_X2) += y.o\n"
                                     "obj-y += z.o\nobj-$(CONFIG_lower) += q.o\nobj-$(CONFIG_"),
              (std::vector<std::string>{"OVERLAY_FS", "X2"}));
}

TEST(KbuildModuleBuild, VermagicMustNameTheKernel) {
    const std::string kver = "5.14.0-70.el9.x86_64";
    EXPECT_TRUE(kbuild::vermagic_is_for(kver, kver));
    EXPECT_TRUE(kbuild::vermagic_is_for(kver + " SMP preempt mod_unload modversions", kver));
    EXPECT_FALSE(kbuild::vermagic_is_for("5.14.0-70.el9.x86_64+debug SMP", kver));
    EXPECT_FALSE(kbuild::vermagic_is_for("5.14.0-71.el9.x86_64 SMP", kver));
    EXPECT_FALSE(kbuild::vermagic_is_for("", kver));
    EXPECT_FALSE(kbuild::vermagic_is_for("5.14.0", kver));
}

TEST(KbuildModuleBuild, DevelReleaseFromItsKernelReleaseFile) {
    const test::TempDir dir;
    dir.write("include/config/kernel.release", "6.12.117+deb12-amd64\n");
    EXPECT_EQ(kbuild::devel_release(dir.path()).value_or(""), "6.12.117+deb12-amd64");
    dir.write("include/config/kernel.release", "not one\n");
    auto bad = kbuild::devel_release(dir.path());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind(), ErrorKind::Parse);
    const test::TempDir empty;
    auto none = kbuild::devel_release(empty.path());
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().kind(), ErrorKind::NotFound);
    EXPECT_NE(none.error().message().find("prepared kernel devel (headers) directory"),
              std::string::npos);
}

// Debian's 6.1 headers: kernel.release says the upstream 6.1.192, the
// kernel (and its modules' vermagic) says 6.1.0-57-amd64.
TEST(KbuildModuleBuild, DevelReleaseIsUtsReleaseFirst) {
    const test::TempDir dir;
    dir.write("include/config/kernel.release", "6.1.192\n");
    dir.write("include/generated/utsrelease.h", "#define UTS_RELEASE \"6.1.0-57-amd64\"\n");
    EXPECT_EQ(kbuild::devel_release(dir.path()).value_or(""), "6.1.0-57-amd64");
    dir.write("include/generated/utsrelease.h", "/* empty */\n");
    auto bad = kbuild::devel_release(dir.path());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind(), ErrorKind::Parse);
    EXPECT_NE(bad.error().message().find("utsrelease.h"), std::string::npos);
}

TEST(KbuildModuleBuild, BuildAgainstDevelWritesTheFilesAndRunsMakeOnce) {
    const test::TempDir dir;
    test::FakeRunner runner(fake_make);
    kbuild::BuildLog log;
    const fs::path module = dir.path() / "module";
    auto kos =
        kbuild::build_against_devel(dir.path() / "devel", module,
                                    {{"Makefile", "obj-m += overlay.o\n"}, {"super.c", "int x;\n"}},
                                    {"OVERLAY_FS"}, 0, log, runner);
    ASSERT_TRUE(kos) << kos.error().message();
    EXPECT_EQ(*kos, (std::vector<fs::path>{module / "overlay.ko"}));
    EXPECT_EQ(dir.read("module/super.c"), "int x;\n");
    ASSERT_EQ(runner.calls.size(), 1U);
    // No KBUILD_MODPOST_WARN: modpost checks symbols against Module.symvers.
    EXPECT_EQ(runner.calls[0].argv,
              (std::vector<std::string>{"make", "-C", (dir.path() / "devel").string(),
                                        "M=" + module.string(), "-j1", "CONFIG_OVERLAY_FS=m",
                                        "modules"}));
    EXPECT_EQ(log.commands.size(), 1U);
    EXPECT_NE(log.output.find("CC [M]  overlay.o"), std::string::npos);
}

TEST(KbuildModuleBuild, AFailingMakeIsAToolErrorWithTheEndOfItsOutput) {
    const test::TempDir dir;
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        proc::Result r;
        r.exit_code = 2;
        r.err = "super.c:1: error: expected ';'\n";
        return r;
    });
    kbuild::BuildLog log;
    auto kos = kbuild::build_against_devel(dir.path() / "devel", dir.path() / "m",
                                           {{"super.c", "x"}}, {}, 2, log, runner);
    ASSERT_FALSE(kos);
    EXPECT_EQ(kos.error().kind(), ErrorKind::Tool);
    EXPECT_EQ(kos.error().message(), "make modules failed (exit code 2); the end of its output:\n"
                                     "  super.c:1: error: expected ';'\n");
}

TEST(KbuildModuleBuild, MakeThatMakesNoModuleIsAnError) {
    const test::TempDir dir;
    test::FakeRunner runner;
    kbuild::BuildLog log;
    auto kos = kbuild::build_against_devel(dir.path() / "devel", dir.path() / "m",
                                           {{"super.c", "x"}}, {}, 2, log, runner);
    ASSERT_FALSE(kos);
    EXPECT_NE(kos.error().message().find("made no .ko file"), std::string::npos);
}

TEST(KbuildModuleBuild, AFileNameOutsideTheDirectoryIsRefusedBeforeMakeRuns) {
    const test::TempDir dir;
    test::FakeRunner runner(fake_make);
    kbuild::BuildLog log;
    auto kos = kbuild::build_against_devel(dir.path() / "devel", dir.path() / "m",
                                           {{"../evil.c", "x"}}, {}, 2, log, runner);
    ASSERT_FALSE(kos);
    EXPECT_EQ(kos.error().kind(), ErrorKind::Unsafe);
    EXPECT_TRUE(runner.calls.empty());
}

TEST(KbuildModuleBuild, PrepareRunsItsStepsInOrderAndStopsAtTheFirstFailure) {
    const test::TempDir dir;
    test::FakeRunner runner;
    kbuild::BuildLog log;
    ASSERT_TRUE(
        kbuild::prepare(dir.path() / "src", dir.path() / "build", {"OVERLAY_FS"}, 2, log, runner));
    EXPECT_EQ(runner.programs(),
              (std::vector<std::string>{"make", (dir.path() / "src/scripts/config").string(),
                                        "make", "make"}));
    EXPECT_EQ(runner.calls[1].argv.back(), "OVERLAY_FS");
    EXPECT_EQ(runner.calls[3].argv.back(), "modules_prepare");

    test::FakeRunner failing([](const proc::Command& c) -> Expected<proc::Result> {
        proc::Result r;
        r.exit_code = c.argv.back() == "olddefconfig" ? 1 : 0;
        return r;
    });
    auto ok = kbuild::prepare(dir.path() / "src", dir.path() / "build", {}, 2, log, failing);
    ASSERT_FALSE(ok);
    EXPECT_NE(ok.error().message().find("make olddefconfig failed"), std::string::npos);
    EXPECT_EQ(failing.calls.size(), 3U);
}

TEST(KbuildModuleBuild, BuildExternalWarnsInsteadOfFailingOnSymbols) {
    const test::TempDir dir;
    test::FakeRunner runner(fake_make);
    kbuild::BuildLog log;
    auto kos = kbuild::build_external(dir.path() / "src", dir.path() / "build", dir.path() / "m",
                                      {{"super.c", "x"}}, 2, log, runner);
    ASSERT_TRUE(kos);
    const auto& argv = runner.calls.at(0).argv;
    EXPECT_NE(std::find(argv.begin(), argv.end(), "KBUILD_MODPOST_WARN=1"), argv.end());
}

TEST(KbuildModuleBuild, ModinfoField) {
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        proc::Result r;
        r.out = "5.14.0-70.el9.x86_64 SMP mod_unload\n";
        return r;
    });
    EXPECT_EQ(kbuild::modinfo_field("/m/overlay.ko", "vermagic", runner).value_or(""),
              "5.14.0-70.el9.x86_64 SMP mod_unload");
    EXPECT_EQ(runner.calls.at(0).argv,
              (std::vector<std::string>{"modinfo", "-F", "vermagic", "/m/overlay.ko"}));
    test::FakeRunner failing([](const proc::Command&) -> Expected<proc::Result> {
        proc::Result r;
        r.exit_code = 1;
        r.err = "modinfo: ERROR: not found\n";
        return r;
    });
    auto bad = kbuild::modinfo_field("/m/overlay.ko", "vermagic", failing);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message(),
              "modinfo -F vermagic /m/overlay.ko failed (exit code 1): modinfo: ERROR: not found");
}

} // namespace
