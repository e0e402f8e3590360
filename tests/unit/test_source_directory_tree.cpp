#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using kseries::ErrorKind;
using kseries::source::DirectoryTree;
using kseries::source::FileChange;
using kseries::test::TempDir;

TEST(DirectoryTree, reads_files_and_reports_missing_ones) {
    TempDir t;
    t.write("fs/a.c", "hello\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    auto a = (*tree)->read("fs/a.c");
    ASSERT_TRUE(a && *a);
    EXPECT_EQ(**a, "hello\n");
    auto missing = (*tree)->read("fs/nope.c");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
    auto missing_dir = (*tree)->read("nodir/x.c");
    ASSERT_TRUE(missing_dir);
    EXPECT_FALSE(missing_dir->has_value());
}

TEST(DirectoryTree, refuses_a_symlinked_directory_even_inside_the_tree) {
    TempDir outside;
    outside.write("secret.c", "secret\n");
    TempDir t;
    std::filesystem::create_symlink(outside.path(), t.path() / "fs");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    auto r = (*tree)->read("fs/secret.c");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(r.error().message().find("fs is a symbolic link"), std::string::npos);
}

TEST(DirectoryTree, refuses_a_symlinked_file) {
    TempDir outside;
    outside.write("passwd", "root\n");
    TempDir t;
    std::filesystem::create_directories(t.path() / "fs");
    std::filesystem::create_symlink(outside.path() / "passwd", t.path() / "fs/a.c");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    auto r = (*tree)->read("fs/a.c");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe);
    auto w = (*tree)->commit({FileChange{"fs/a.c", std::string("pwned\n")}});
    ASSERT_FALSE(w);
    EXPECT_EQ(outside.read("passwd"), "root\n");
}

TEST(DirectoryTree, commits_writes_creations_and_deletions) {
    TempDir t;
    t.write("a.c", "old\n");
    t.write("gone.c", "x\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    auto ok = (*tree)->commit({FileChange{"a.c", std::string("new\n")},
                               FileChange{"sub/dir/b.c", std::string("b\n")},
                               FileChange{"gone.c", std::nullopt}});
    ASSERT_TRUE(ok) << ok.error().to_string();
    EXPECT_EQ(t.read("a.c"), "new\n");
    EXPECT_EQ(t.read("sub/dir/b.c"), "b\n");
    EXPECT_FALSE(std::filesystem::exists(t.path() / "gone.c"));
}

TEST(DirectoryTree, a_failed_commit_changes_nothing_and_leaves_no_temp_files) {
    TempDir t;
    t.write("a.c", "old\n");
    t.write("file", "i am a file\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    // The second change needs "file" to be a directory: staging fails after
    // the first change was already staged.
    auto r = (*tree)->commit({FileChange{"a.c", std::string("new\n")},
                              FileChange{"newdir/x.c", std::string("x\n")},
                              FileChange{"file/x.c", std::string("x\n")}});
    ASSERT_FALSE(r);
    EXPECT_EQ(t.read("a.c"), "old\n");
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(t.path())) {
        ++entries;
        EXPECT_EQ(e.path().filename().string().find(".kseries-"), std::string::npos) << e.path();
    }
    EXPECT_EQ(entries, 2u) << "newdir/ should have been removed again";
}

TEST(DirectoryTree, keeps_the_mode_of_a_rewritten_file) {
    TempDir t;
    t.write("run.sh", "#!/bin/sh\n");
    std::filesystem::permissions(t.path() / "run.sh", std::filesystem::perms(0755));
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->commit({FileChange{"run.sh", std::string("#!/bin/sh\nexit 0\n")}}));
    EXPECT_EQ(std::filesystem::status(t.path() / "run.sh").permissions(),
              std::filesystem::perms(0755));
}

// The journal an interrupted commit leaves, as a SIGKILL at each point would
// leave it, and what the next open() makes of it (tests/cli/test_crash_safety.sh
// kills real runs).
namespace {

const std::string temp_a = ".a.c.kseries-0123456789abcdef";
const std::string temp_b = ".b.c.kseries-fedcba9876543210";

void interrupted(const TempDir& t, const std::string& state) {
    t.write("fs/a.c", "old a\n");
    t.write("fs/b.c", "old b\n");
    t.write("fs/gone.c", "gone\n");
    t.write("fs/" + temp_a, "new a\n");
    t.write("fs/" + temp_b, "new b\n");
    t.write(DirectoryTree::journal_name,
            R"({"state":")" + state + R"(","ops":[{"path":"fs/a.c","temp":")" + temp_a +
                R"("},{"path":"fs/b.c","temp":")" + temp_b +
                R"("},{"path":"fs/gone.c","temp":""}]})");
}

std::vector<std::string> listing(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        names.push_back(std::filesystem::relative(e.path(), dir).string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

TEST(DirectoryTree, a_commit_leaves_no_journal) {
    TempDir t;
    t.write("fs/a.c", "old\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->commit({FileChange{"fs/a.c", std::string("new\n")}}));
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{"fs", "fs/a.c"}));
}

TEST(DirectoryTree, killed_while_staging_the_tree_stays_as_it_was) {
    TempDir t;
    interrupted(t, "staging");
    // The second temporary file was not made yet when the run died.
    std::filesystem::remove(t.path() / "fs" / temp_b);
    ASSERT_TRUE(DirectoryTree::open(t.path()));
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{"fs", "fs/a.c", "fs/b.c", "fs/gone.c"}));
    EXPECT_EQ(t.read("fs/a.c"), "old a\n");
    EXPECT_EQ(t.read("fs/b.c"), "old b\n");
}

TEST(DirectoryTree, killed_while_renaming_the_tree_is_finished) {
    TempDir t;
    interrupted(t, "commit");
    // The first rename was done when the run died.
    std::filesystem::rename(t.path() / "fs" / temp_a, t.path() / "fs" / "a.c");
    ASSERT_TRUE(DirectoryTree::open(t.path()));
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{"fs", "fs/a.c", "fs/b.c"}));
    EXPECT_EQ(t.read("fs/a.c"), "new a\n");
    EXPECT_EQ(t.read("fs/b.c"), "new b\n");
}

TEST(DirectoryTree, a_journal_can_only_name_kseries_own_temporary_files) {
    TempDir t;
    t.write("fs/a.c", "mine\n");
    t.write("fs/.a.c.orig", "the user's\n");
    t.write(DirectoryTree::journal_name,
            R"({"state":"commit","ops":[{"path":"fs/a.c","temp":".a.c.orig"}]})");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_FALSE(tree);
    EXPECT_NE(tree.error().to_string().find(".kseries-commit: an interrupted kseries run left this "
                                            "journal, and it is damaged ('.a.c.orig' is not a "
                                            "temporary file of kseries)"),
              std::string::npos)
        << tree.error().to_string();
    EXPECT_EQ(t.read("fs/a.c"), "mine\n");
    EXPECT_EQ(t.read("fs/.a.c.orig"), "the user's\n");

    t.write(DirectoryTree::journal_name, "{not json");
    ASSERT_FALSE(DirectoryTree::open(t.path()));
    t.write(DirectoryTree::journal_name,
            R"({"state":"commit","ops":[{"path":"../outside/a.c","temp":".a.c.kseries-0123456789abcdef"}]})");
    ASSERT_FALSE(DirectoryTree::open(t.path()));
}
