#include <filesystem>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <kseries/util/file.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

TEST(WriteFileAtomic, creates_and_replaces_whole_files) {
    test::TempDir dir;
    const auto path = dir.path() / "report.html";
    ASSERT_TRUE(write_file_atomic(path, "first"));
    EXPECT_EQ(dir.read("report.html"), "first");
    ASSERT_TRUE(write_file_atomic(path, "second, longer"));
    EXPECT_EQ(dir.read("report.html"), "second, longer");
    // Nothing else is left in the directory: no temporary files.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(WriteFileAtomic, honours_the_umask) {
    test::TempDir dir;
    const mode_t old = ::umask(027);
    const auto written = write_file_atomic(dir.path() / "f", "x");
    ::umask(old);
    ASSERT_TRUE(written);
    EXPECT_EQ(fs::status(dir.path() / "f").permissions(),
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST(WriteFileAtomic, replaces_a_symlink_instead_of_following_it) {
    test::TempDir dir;
    dir.write("target", "keep me");
    fs::create_symlink(dir.path() / "target", dir.path() / "link");
    ASSERT_TRUE(write_file_atomic(dir.path() / "link", "new"));
    EXPECT_EQ(dir.read("target"), "keep me");
    EXPECT_FALSE(fs::is_symlink(dir.path() / "link"));
    EXPECT_EQ(dir.read("link"), "new");
}

TEST(WriteFileAtomic, a_missing_directory_is_an_io_error_naming_it) {
    test::TempDir dir;
    const auto written = write_file_atomic(dir.path() / "no" / "f", "x");
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind(), ErrorKind::Io);
    EXPECT_NE(written.error().message().find((dir.path() / "no").string()), std::string::npos);
}
