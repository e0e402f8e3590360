#include <gtest/gtest.h>

#include <kseries/patch/names.hpp>

using namespace kseries::patch;

TEST(PatchNames, strips_components_like_patch_p) {
    EXPECT_EQ(strip_components("a/fs/overlayfs/super.c", 1), "fs/overlayfs/super.c");
    EXPECT_EQ(strip_components("a//fs/x.c", 1), "fs/x.c");
    EXPECT_EQ(strip_components("fs/x.c", 0), "fs/x.c");
    EXPECT_FALSE(strip_components("x.c", 1).has_value());
    EXPECT_FALSE(strip_components("a/", 1).has_value());
}

TEST(PatchNames, refuses_paths_that_leave_the_tree) {
    EXPECT_EQ(unsafe_path_reason("/etc/passwd"), "absolute paths are refused");
    EXPECT_EQ(unsafe_path_reason("fs/../../etc/passwd"), "'..' components are refused");
    EXPECT_EQ(unsafe_path_reason(".."), "'..' components are refused");
    EXPECT_EQ(unsafe_path_reason(std::string("a\0b", 3)), "the path contains a NUL byte");
    EXPECT_EQ(unsafe_path_reason("./."), "the path names no file");
    EXPECT_FALSE(unsafe_path_reason("fs/overlayfs/super.c").has_value());
    EXPECT_FALSE(unsafe_path_reason("fs/..x/y").has_value());
}

TEST(PatchNames, normalizes_dots_and_slashes) {
    EXPECT_EQ(normalize_path("./fs//overlayfs/./super.c"), "fs/overlayfs/super.c");
}

TEST(PatchNames, splits_header_names_from_timestamps) {
    auto tab = parse_header_name("a/x y.c\t2020-01-14 23:54:17.000000000 +0900\n");
    ASSERT_TRUE(tab);
    EXPECT_EQ(tab->name, "a/x y.c");
    EXPECT_EQ(tab->timestamp, "2020-01-14 23:54:17.000000000 +0900");
    auto spaces = parse_header_name("a/x.c        2020-01-14 23:54:17.000000000 +0900\n");
    ASSERT_TRUE(spaces);
    EXPECT_EQ(spaces->name, "a/x.c");
    auto quoted = parse_header_name("\"a/caf\\303\\251.c\"\n");
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted->name, "a/caf\xc3\xa9.c");
}

TEST(PatchNames, splits_git_names_with_spaces) {
    auto names = split_git_diff_names("a/my file.c b/my file.c");
    ASSERT_TRUE(names);
    EXPECT_EQ(names->first, "a/my file.c");
    EXPECT_EQ(names->second, "b/my file.c");
}

TEST(PatchNames, rejects_bad_quoting) {
    EXPECT_FALSE(unquote_c("\"abc").has_value());
    EXPECT_FALSE(unquote_c("\"a\\qb\"").has_value());
}
