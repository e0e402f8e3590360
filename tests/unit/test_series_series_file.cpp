#include <filesystem>

#include <gtest/gtest.h>

#include <kseries/series/series_file.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

TEST(SeriesFile, reads_names_options_and_comments) {
    auto s = series::parse_series("# comment\n\n0001-a.patch\n0002-b.patch -p0 # tail\n"
                                  "sub/0003-c.patch -p2 -R\n",
                                  "series");
    ASSERT_TRUE(s) << s.error().to_string();
    ASSERT_EQ(s->size(), 3u);
    EXPECT_EQ((*s)[0].patch, "0001-a.patch");
    EXPECT_EQ((*s)[0].strip, 1);
    EXPECT_EQ((*s)[1].strip, 0);
    EXPECT_EQ((*s)[1].line, 4u);
    EXPECT_EQ((*s)[2].patch, "sub/0003-c.patch");
    EXPECT_TRUE((*s)[2].reverse);
}

TEST(SeriesFile, refuses_names_outside_the_directory) {
    auto s = series::parse_series("ok.patch\n../../etc/passwd\n", "v1/series");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind(), ErrorKind::Unsafe);
    EXPECT_EQ(s.error().to_string(),
              "v1/series:2: refusing patch name '../../etc/passwd': '..' components are refused");
}

TEST(SeriesFile, rejects_unknown_options) {
    auto s = series::parse_series("a.patch --fuzz=3\n", "series");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().location().line, 1u);
}

TEST(SeriesFile, names_a_missing_patch_by_series_line) {
    TempDir t;
    t.write("series", "0001-a.patch\n0002-missing.patch\n");
    t.write("0001-a.patch", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n");
    auto s = series::load_series(t.path());
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind(), ErrorKind::NotFound);
    EXPECT_EQ(s.error().location().line, 2u);
}

TEST(SeriesFile, counts_lines_as_wc_does) {
    TempDir t;
    t.write("series", "0001-a.patch\n");
    t.write("0001-a.patch", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n");
    auto s = series::load_series(t.path());
    ASSERT_TRUE(s) << s.error().to_string();
    EXPECT_EQ(s->patches[0].line_count, 5u);
}

TEST(SeriesFile, refuses_a_patch_that_is_a_symlink) {
    TempDir outside;
    outside.write("evil.patch", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n");
    TempDir t;
    t.write("series", "evil.patch\n");
    std::filesystem::create_symlink(outside.path() / "evil.patch", t.path() / "evil.patch");
    auto s = series::load_series(t.path());
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind(), ErrorKind::Unsafe);
}

TEST(SeriesFile, lists_the_paths_its_patches_touch) {
    TempDir t;
    t.write("series", "0001-a.patch\n0002-b.patch -p0\n");
    t.write("0001-a.patch", "--- a/fs/x.c\n+++ b/fs/x.c\n@@ -1 +1 @@\n-a\n+b\n"
                           "--- /dev/null\n+++ b/fs/new.c\n@@ -0,0 +1 @@\n+n\n");
    t.write("0002-b.patch", "--- ./fs/old.c\n+++ ./fs/renamed.c\n@@ -1 +1 @@\n-a\n+b\n");
    auto s = series::load_series(t.path());
    ASSERT_TRUE(s) << s.error().to_string();
    auto paths = series::touched_paths(*s);
    ASSERT_TRUE(paths) << paths.error().to_string();
    EXPECT_EQ(*paths, (std::set<std::string, std::less<>>{"fs/new.c", "fs/old.c", "fs/renamed.c",
                                                          "fs/x.c"}));
}
