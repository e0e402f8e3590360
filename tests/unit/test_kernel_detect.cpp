#include <gtest/gtest.h>

#include <kseries/kernel/detect.hpp>
#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

std::optional<kernel::Release> detect(const TempDir& t) {
    auto tree = source::DirectoryTree::open(t.path());
    auto r = kernel::detect_release(**tree);
    EXPECT_TRUE(r) << r.error().to_string();
    return *r;
}

const std::string makefile = "# SPDX\nVERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n"
                             "NAME = Merciless Moray\n";

} // namespace

TEST(KernelDetect, reads_an_upstream_makefile) {
    TempDir t;
    t.write("Makefile", "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 57\nEXTRAVERSION =\n");
    EXPECT_EQ(detect(t)->name(), "6.12.57");
}

TEST(KernelDetect, reads_rhel_ga_and_update_releases) {
    TempDir t;
    t.write("Makefile", makefile);
    t.write("Makefile.rhelver", "RHEL_MAJOR = 8\nRHEL_MINOR = 2\nRHEL_RELEASE = 193\n");
    EXPECT_EQ(detect(t)->name(), "4.18.0-193.el8");
    t.write("Makefile.rhelver", "RHEL_MAJOR = 8\nRHEL_MINOR = 1\nRHEL_RELEASE = 147.5.1\n");
    EXPECT_EQ(detect(t)->name(), "4.18.0-147.5.1.el8_1");
}

TEST(KernelDetect, says_nothing_without_a_kernel_makefile) {
    TempDir t;
    EXPECT_FALSE(detect(t).has_value());
    t.write("Makefile", "all:\n\techo hi\n");
    EXPECT_FALSE(detect(t).has_value());
}

namespace {

kernel::Detected detect_how(const TempDir& t) {
    auto tree = source::DirectoryTree::open(t.path());
    auto r = kernel::detect(**tree);
    EXPECT_TRUE(r) << r.error().to_string();
    EXPECT_TRUE(r->has_value());
    return **r;
}

// The head of a real RHEL 7.9 tree's Makefile: no Makefile.rhelver on el7.
const std::string el7_makefile = "VERSION = 3\nPATCHLEVEL = 10\nSUBLEVEL = 0\nEXTRAVERSION =\n"
                                 "NAME = Unicycling Gorilla\nRHEL_MAJOR = 7\nRHEL_MINOR = 9\n"
                                 "RHEL_RELEASE = 1160.118.1\n\n"
                                 "# *DOCUMENTATION*\n# To see a list of typical targets execute "
                                 "\"make help\"\n";

} // namespace

TEST(KernelDetect, reads_the_rhel_numbers_of_an_el7_makefile) {
    TempDir t;
    t.write("Makefile", el7_makefile);
    const auto d = detect_how(t);
    // el7 updates keep the bare dist (3.10.0-1160.59.1.el7 is a real name).
    EXPECT_EQ(d.release.name(), "3.10.0-1160.118.1.el7");
    EXPECT_EQ(d.origin, kernel::ReleaseOrigin::MakefileRhel);
    EXPECT_TRUE(kernel::is_guess(d.origin));
    EXPECT_EQ(kernel::origin_key(d.origin), "makefile-rhel");
    t.write("Makefile", "VERSION = 3\nPATCHLEVEL = 10\nSUBLEVEL = 0\nEXTRAVERSION =\n"
                        "NAME = Unicycling Gorilla\nRHEL_MAJOR = 7\nRHEL_MINOR = 0\n"
                        "RHEL_RELEASE = 123\n");
    EXPECT_EQ(detect_how(t).release.name(), "3.10.0-123.el7");
}

TEST(KernelDetect, takes_a_lagging_makefile_rhelver_as_it_is_and_says_it_guessed) {
    TempDir t;
    t.write("Makefile", makefile);
    // A real 8.10 tree (the 4.18.0-553 kernel) whose Makefile.rhelver still
    // says 552, among the file's other lines.
    t.write("Makefile.rhelver", "RHEL_MAJOR = 8\nRHEL_MINOR = 10\n\n#\n# RHEL_RELEASE\n"
                                "# -------------\n#\n# Represents build number in "
                                "'release' part of RPM's name-version-release.\n"
                                "#     name is <package_name>, e.g. kernel\n"
                                "RHEL_RELEASE = 552\n\nRHEL_DRM_VERSION = 5\n"
                                "RHEL_DRM_PATCHLEVEL = 15\nRHEL_DRM_SUBLEVEL = 0\n\n"
                                "ifeq ($(RHDISTDATADIR),)\nRHDISTDATADIR := "
                                "./redhat/rhdist\nendif\nSPECRELEASE ?= 1\n");
    const auto d = detect_how(t);
    EXPECT_EQ(d.release.name(), "4.18.0-552.el8");
    EXPECT_EQ(d.origin, kernel::ReleaseOrigin::MakefileRhelver);
    EXPECT_TRUE(kernel::is_guess(d.origin));
    EXPECT_NE(kernel::origin_words(d.origin).find("best guess"), std::string_view::npos);
    t.write("Makefile.rhelver", "RHEL_MAJOR = 8\nRHEL_MINOR = 10\nRHEL_RELEASE = 553.16.1\n"
                                "RHEL_DRM_VERSION = 5\n");
    EXPECT_EQ(detect_how(t).release.name(), "4.18.0-553.16.1.el8_10");
}

TEST(KernelDetect, an_upstream_makefile_is_version_only) {
    TempDir t;
    t.write("Makefile", "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 57\nEXTRAVERSION =\n");
    const auto d = detect_how(t);
    EXPECT_EQ(d.origin, kernel::ReleaseOrigin::MakefileVersion);
    EXPECT_EQ(kernel::origin_key(d.origin), "makefile-version");
    EXPECT_FALSE(kernel::is_guess(kernel::ReleaseOrigin::GitRef));
}
