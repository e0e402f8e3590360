#include "temp_dir.hpp"

#include <kseries/kernel/detect.hpp>
#include <kseries/source/directory_tree.hpp>

#include <gtest/gtest.h>

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
