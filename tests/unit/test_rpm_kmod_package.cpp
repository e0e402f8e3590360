// Building the kmod RPM through a fake runner: the fake stands in for
// rpmbuild (writing the package it would have made, or failing), while
// tests/kbuild/test_kmod.sh runs the real one.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <kseries/rpm/kmod_package.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// The first 20 bytes of an ELF file for `machine`, little- or big-endian.
std::string elf_header(unsigned machine, bool little = true) {
    std::string h(64, '\0');
    h[0] = '\x7f';
    h[1] = 'E';
    h[2] = 'L';
    h[3] = 'F';
    h[4] = 2;
    h[5] = little ? 1 : 2;
    h[little ? 18 : 19] = static_cast<char>(machine & 0xffU);
    h[little ? 19 : 18] = static_cast<char>(machine >> 8U);
    return h;
}

rpm::KmodSpecInput input() {
    rpm::KmodSpecInput in;
    in.name = "overlayfs-nfsroot";
    in.module = "overlay";
    in.kver = "5.14.0-70.el9.x86_64";
    in.version = "2";
    in.release = "1.5.14.0_70.el9.x86_64";
    in.date = "2026-11-24";
    in.series = "overlayfs-nfsroot v2";
    return in;
}

// rpmbuild as far as the flow sees it: the package in RPMS/<arch>/.
Expected<proc::Result> fake_rpmbuild(const proc::Command& c) {
    const std::string topdir = c.argv.at(5).substr(std::string("_topdir ").size());
    fs::create_directories(fs::path(topdir) / "RPMS/x86_64");
    std::ofstream(fs::path(topdir) / "RPMS/x86_64/kmod-overlayfs-nfsroot-2-1.x86_64.rpm") << "rpm";
    proc::Result r;
    r.out = "Wrote: kmod-overlayfs-nfsroot-2-1.x86_64.rpm\n";
    return r;
}

TEST(RpmKmodPackage, ModuleArchFromTheElfHeader) {
    const test::TempDir dir;
    const std::pair<unsigned, const char*> cases[] = {
        {62, "x86_64"}, {183, "aarch64"}, {21, "ppc64le"}, {3, "i686"}};
    for (const auto& [machine, arch] : cases) {
        dir.write("m.ko", elf_header(machine));
        auto got = rpm::module_arch(dir.path() / "m.ko");
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(*got, arch);
    }
    dir.write("m.ko", elf_header(22, false));
    EXPECT_EQ(rpm::module_arch(dir.path() / "m.ko").value_or(""), "s390x");
    dir.write("m.ko", elf_header(21, false));
    EXPECT_EQ(rpm::module_arch(dir.path() / "m.ko").value_or(""), "ppc64");
    dir.write("m.ko", elf_header(999));
    EXPECT_EQ(rpm::module_arch(dir.path() / "m.ko").error().kind(), ErrorKind::Tool);
    dir.write("m.ko", std::string(64, 'x'));
    EXPECT_NE(rpm::module_arch(dir.path() / "m.ko").error().message().find("is not an ELF file"),
              std::string::npos);
    dir.write("short.ko", "\x7f"
                          "ELF");
    EXPECT_EQ(rpm::module_arch(dir.path() / "short.ko").error().kind(), ErrorKind::Io);
}

TEST(RpmKmodPackage, WritesSpecModuleAndDepmodConfThenRunsRpmbuild) {
    const test::TempDir dir;
    dir.write("overlay.ko", elf_header(62));
    test::FakeRunner runner(fake_rpmbuild);
    const fs::path top = dir.path() / "rpmbuild";
    auto built = rpm::build_kmod_rpm(input(), dir.path() / "overlay.ko", top, runner);
    ASSERT_TRUE(built) << built.error().message();
    EXPECT_EQ(built->arch, "x86_64");
    EXPECT_EQ(built->path, top / "RPMS/x86_64/kmod-overlayfs-nfsroot-2-1.x86_64.rpm");
    EXPECT_NE(built->log.find("Wrote: kmod-overlayfs-nfsroot"), std::string::npos);
    ASSERT_EQ(runner.calls.size(), 1U);
    EXPECT_EQ(runner.calls[0].argv,
              (std::vector<std::string>{"rpmbuild", "-bb", "--target", "x86_64", "--define",
                                        "_topdir " + top.string(), "--define",
                                        "_tmppath " + (top / "tmp").string(),
                                        (top / "SPECS/kmod-overlayfs-nfsroot.spec").string()}));
    EXPECT_EQ(runner.calls[0].cwd, top);
    EXPECT_EQ(dir.read("rpmbuild/SOURCES/overlay.ko"), elf_header(62));
    EXPECT_EQ(dir.read("rpmbuild/SOURCES/kmod-overlayfs-nfsroot.conf"), rpm::depmod_conf(input()));
    EXPECT_EQ(dir.read("rpmbuild/SPECS/kmod-overlayfs-nfsroot.spec"), *rpm::kmod_spec(input()));
}

TEST(RpmKmodPackage, AFailingRpmbuildShowsTheEndOfItsOutput) {
    const test::TempDir dir;
    dir.write("overlay.ko", elf_header(62));
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        proc::Result r;
        r.exit_code = 1;
        r.err = "error: Bad exit status from /var/tmp/rpm-tmp (%install)\n";
        return r;
    });
    auto built =
        rpm::build_kmod_rpm(input(), dir.path() / "overlay.ko", dir.path() / "top", runner);
    ASSERT_FALSE(built);
    EXPECT_EQ(built.error().kind(), ErrorKind::Tool);
    EXPECT_EQ(built.error().message(), "rpmbuild failed (exit code 1); the end of its output:\n"
                                       "  error: Bad exit status from /var/tmp/rpm-tmp (%install)\n");
}

TEST(RpmKmodPackage, RpmbuildThatMakesNoPackageIsAnError) {
    const test::TempDir dir;
    dir.write("overlay.ko", elf_header(62));
    test::FakeRunner runner;
    auto built =
        rpm::build_kmod_rpm(input(), dir.path() / "overlay.ko", dir.path() / "top", runner);
    ASSERT_FALSE(built);
    EXPECT_NE(built.error().message().find("rpmbuild made no package in"), std::string::npos);
}

TEST(RpmKmodPackage, BadFieldsStopBeforeAnythingRuns) {
    const test::TempDir dir;
    dir.write("overlay.ko", elf_header(62));
    auto in = input();
    in.module = "over lay";
    test::FakeRunner runner;
    auto built = rpm::build_kmod_rpm(in, dir.path() / "overlay.ko", dir.path() / "top", runner);
    ASSERT_FALSE(built);
    EXPECT_EQ(built.error().kind(), ErrorKind::Usage);
    EXPECT_TRUE(runner.calls.empty());
    EXPECT_FALSE(fs::exists(dir.path() / "top"));
}

TEST(RpmKmodPackage, PublishFileCopiesUnderItsOwnName) {
    const test::TempDir dir;
    dir.write("work/k.rpm", "package");
    fs::create_directories(dir.path() / "out");
    auto placed = rpm::publish_file(dir.path() / "work/k.rpm", dir.path() / "out");
    ASSERT_TRUE(placed);
    EXPECT_EQ(*placed, dir.path() / "out/k.rpm");
    EXPECT_EQ(dir.read("out/k.rpm"), "package");
    EXPECT_FALSE(rpm::publish_file(dir.path() / "work/none.rpm", dir.path() / "out"));
}

} // namespace
