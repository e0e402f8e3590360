#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using kseries::ErrorKind;
using kseries::source::DirectoryTree;
using kseries::source::FileChange;
using kseries::source::FileMode;
using kseries::source::make_content;
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
    auto w = (*tree)->commit({FileChange{"fs/a.c", make_content("pwned\n")}});
    ASSERT_FALSE(w);
    EXPECT_EQ(outside.read("passwd"), "root\n");
}

TEST(DirectoryTree, commits_writes_creations_and_deletions) {
    TempDir t;
    t.write("a.c", "old\n");
    t.write("gone.c", "x\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    auto ok = (*tree)->commit({FileChange{"a.c", make_content("new\n")},
                               FileChange{"sub/dir/b.c", make_content("b\n")},
                               FileChange{"gone.c", nullptr}});
    ASSERT_TRUE(ok) << ok.error().to_string();
    EXPECT_EQ(t.read("a.c"), "new\n");
    EXPECT_EQ(t.read("sub/dir/b.c"), "b\n");
    EXPECT_FALSE(std::filesystem::exists(t.path() / "gone.c"));
}

// GNU patch removes the directories a deletion leaves empty (checked against
// it in tests/cli/test_apply_reverse.sh): innermost first, stopping at one
// that still holds something, never the tree's top, never through a link.
TEST(DirectoryTree, a_deletion_removes_the_directories_it_leaves_empty) {
    TempDir outside;
    std::filesystem::create_directories(outside.path() / "empty");
    TempDir t;
    t.write("a/b/c/only.c", "x\n");
    t.write("a/kept.c", "k\n");
    t.write("top.c", "t\n");
    t.write("d/e/f.c", "f\n");
    t.write("d/e/g.c", "g\n");
    std::filesystem::create_directories(t.path() / "l");
    std::filesystem::create_symlink(outside.path() / "empty", t.path() / "l/link");
    t.write("l/x.c", "x\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    auto ok = (*tree)->commit({FileChange{"a/b/c/only.c", nullptr}, FileChange{"top.c", nullptr},
                               FileChange{"d/e/f.c", nullptr}, FileChange{"d/e/g.c", nullptr},
                               FileChange{"l/x.c", nullptr}});
    ASSERT_TRUE(ok) << ok.error().to_string();
    EXPECT_FALSE(std::filesystem::exists(t.path() / "a/b"));
    EXPECT_EQ(t.read("a/kept.c"), "k\n");
    EXPECT_FALSE(std::filesystem::exists(t.path() / "d"));
    EXPECT_TRUE(std::filesystem::is_directory(t.path()));
    // l/ still holds the link; the link and what it names are left alone.
    EXPECT_TRUE(std::filesystem::is_symlink(t.path() / "l/link"));
    EXPECT_TRUE(std::filesystem::is_directory(outside.path() / "empty"));
}

TEST(DirectoryTree, a_failed_commit_changes_nothing_and_leaves_no_temp_files) {
    TempDir t;
    t.write("a.c", "old\n");
    t.write("file", "i am a file\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    // The second change needs "file" to be a directory: staging fails after
    // the first change was already staged.
    auto r = (*tree)->commit({FileChange{"a.c", make_content("new\n")},
                              FileChange{"newdir/x.c", make_content("x\n")},
                              FileChange{"file/x.c", make_content("x\n")}});
    ASSERT_FALSE(r);
    EXPECT_EQ(t.read("a.c"), "old\n");
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(t.path())) {
        ++entries;
        EXPECT_EQ(e.path().filename().string().find(".kseries-"), std::string::npos) << e.path();
    }
    EXPECT_EQ(entries, 2u) << "newdir/ should have been removed again";
}

TEST(DirectoryTree, a_failed_staging_write_reports_its_own_cause_not_the_cleanups) {
    TempDir t;
    t.write("a.c", "old\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    // A leaf of 240 bytes is a valid name, but its temporary
    // (".LEAF.kseries-TOKEN", 282 bytes) is not: creating it fails with
    // ENAMETOOLONG, whoever runs the test. The rollback that follows
    // removes a.c's temporary, newdir/ and the journal, and one of its
    // unlinks fails (ENOENT), so a cause read from errno after it is wrong.
    const std::string leaf(240, 'x');
    auto r = (*tree)->commit({FileChange{"a.c", make_content("new\n")},
                              FileChange{"newdir/" + leaf, make_content("x\n")}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Io);
    EXPECT_EQ(r.error().message(), "cannot write newdir/" + leaf + " in " + t.path().string() +
                                       ": " + std::strerror(ENAMETOOLONG));
    EXPECT_EQ(t.read("a.c"), "old\n");
    std::vector<std::string> left;
    for (const auto& e : std::filesystem::recursive_directory_iterator(t.path())) {
        left.push_back(e.path().filename().string());
    }
    EXPECT_EQ(left, std::vector<std::string>{"a.c"});
}

TEST(DirectoryTree, keeps_the_mode_of_a_rewritten_file) {
    TempDir t;
    t.write("run.sh", "#!/bin/sh\n");
    std::filesystem::permissions(t.path() / "run.sh", std::filesystem::perms(0755));
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->commit({FileChange{"run.sh", make_content("#!/bin/sh\nexit 0\n")}}));
    EXPECT_EQ(std::filesystem::status(t.path() / "run.sh").permissions(),
              std::filesystem::perms(0755));
}

TEST(DirectoryTree, a_new_file_honours_the_umask_and_a_stated_mode) {
    TempDir t;
    t.write("old.sh", "#!/bin/sh\n");
    std::filesystem::permissions(t.path() / "old.sh", std::filesystem::perms(0640));
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    const mode_t saved = ::umask(027);
    auto ok =
        (*tree)->commit({FileChange{"new.c", make_content("x\n")},
                         FileChange{"new.sh", make_content("y\n"), FileMode{0777, true}},
                         FileChange{"old.sh", make_content("#!/bin/sh\n"), FileMode{0755, false}}});
    ::umask(saved);
    ASSERT_TRUE(ok) << ok.error().to_string();
    const auto perms = [&](const char* name) {
        return std::filesystem::status(t.path() / name).permissions();
    };
    EXPECT_EQ(perms("new.c"), std::filesystem::perms(0640));
    EXPECT_EQ(perms("new.sh"), std::filesystem::perms(0750));
    EXPECT_EQ(perms("old.sh"), std::filesystem::perms(0755));
}

// The journal an interrupted commit leaves, as a SIGKILL at each point would
// leave it, and what the next lock_for_write() makes of it.
namespace {

const std::string token = "0123456789abcdef0123456789abcdef";
const std::string temp_a = ".a.c.kseries-" + token;
const std::string temp_b = ".b.c.kseries-" + token;
const std::string temp_gone = ".gone.c.kseries-" + token;

std::string journal(const TempDir& t, const std::string& state, const std::string& temp = temp_a,
                    const std::string& format = DirectoryTree::journal_format) {
    struct stat st {};
    EXPECT_EQ(::stat(t.path().c_str(), &st), 0);
    return R"({"journal":")" + format + R"(","token":")" + token + R"(","device":)" +
           std::to_string(st.st_dev) + R"(,"inode":)" + std::to_string(st.st_ino) +
           R"(,"state":")" + state + R"(","ops":[{"path":"fs/a.c","temp":")" + temp +
           R"(","remove":false},{"path":"fs/b.c","temp":")" + temp_b +
           R"(","remove":false},{"path":"fs/gone.c","temp":")" + temp_gone +
           R"(","remove":true}]})";
}

void interrupted(const TempDir& t, const std::string& state) {
    t.write("fs/a.c", "old a\n");
    t.write("fs/b.c", "old b\n");
    t.write("fs/gone.c", "gone\n");
    t.write("fs/" + temp_a, "new a\n");
    t.write("fs/" + temp_b, "new b\n");
    std::filesystem::create_hard_link(t.path() / "fs/gone.c", t.path() / "fs" / temp_gone);
    t.write(DirectoryTree::journal_name, journal(t, state));
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
    t.write("fs/b.c", "old\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->commit(
        {FileChange{"fs/a.c", make_content("new\n")}, FileChange{"fs/b.c", nullptr}}));
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{"fs", "fs/a.c"}));
}

TEST(DirectoryTree, opening_to_read_changes_nothing_whatever_the_journal) {
    TempDir t;
    interrupted(t, "commit");
    const auto before = listing(t.path());
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    EXPECT_EQ(listing(t.path()), before);
    EXPECT_EQ(t.read("fs/a.c"), "old a\n");
}

TEST(DirectoryTree, killed_while_staging_the_tree_stays_as_it_was) {
    TempDir t;
    interrupted(t, "staging");
    // The second temporary file was not made yet when the run died.
    std::filesystem::remove(t.path() / "fs" / temp_b);
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->lock_for_write());
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{"fs", "fs/a.c", "fs/b.c", "fs/gone.c"}));
    EXPECT_EQ(t.read("fs/a.c"), "old a\n");
    EXPECT_EQ(t.read("fs/b.c"), "old b\n");
}

TEST(DirectoryTree, killed_while_renaming_the_tree_is_finished) {
    TempDir t;
    interrupted(t, "commit");
    // The first rename was done when the run died.
    std::filesystem::rename(t.path() / "fs" / temp_a, t.path() / "fs" / "a.c");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->lock_for_write());
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{"fs", "fs/a.c", "fs/b.c"}));
    EXPECT_EQ(t.read("fs/a.c"), "new a\n");
    EXPECT_EQ(t.read("fs/b.c"), "new b\n");
}

TEST(DirectoryTree, a_journal_of_the_unencoded_format_2_is_still_finished) {
    TempDir t;
    interrupted(t, "commit");
    t.write(DirectoryTree::journal_name, journal(t, "commit", temp_a, "kseries-commit 2"));
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->lock_for_write());
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{"fs", "fs/a.c", "fs/b.c"}));
    EXPECT_EQ(t.read("fs/a.c"), "new a\n");
}

// A path is bytes: invalid UTF-8, a newline, a '%' all go through the
// journal (percent-encoded) and come back the same.
TEST(DirectoryTree, commits_and_recovers_paths_that_are_not_utf8) {
    const std::string odd = "fs/\xff\xfe%41 x\n.c";
    {
        TempDir t;
        t.write(odd, "old\n");
        auto tree = DirectoryTree::open(t.path());
        ASSERT_TRUE(tree);
        auto ok = (*tree)->commit({FileChange{odd, make_content("new\n")},
                                   FileChange{"fs/\xc3(made.c", make_content("made\n")}});
        ASSERT_TRUE(ok) << ok.error().to_string();
        EXPECT_EQ(t.read(odd), "new\n");
        EXPECT_EQ(t.read("fs/\xc3(made.c"), "made\n");
        EXPECT_FALSE(std::filesystem::exists(t.path() / DirectoryTree::journal_name));
    }
    TempDir t;
    const std::string odd_temp = ".\xff\xfe%41 x\n.c.kseries-" + token;
    t.write(odd, "old\n");
    t.write("fs/" + odd_temp, "new\n");
    struct stat st {};
    ASSERT_EQ(::stat(t.path().c_str(), &st), 0);
    t.write(
        DirectoryTree::journal_name,
        R"({"journal":"kseries-commit 3","token":")" + token + R"(","device":)" +
            std::to_string(st.st_dev) + R"(,"inode":)" + std::to_string(st.st_ino) +
            R"(,"state":"commit","ops":[{"path":"fs/%FF%FE%2541%20x%0A.c","temp":".%FF%FE%2541%20x%0A.c.kseries-)" +
            token + R"(","remove":false}]})");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->lock_for_write());
    EXPECT_EQ(t.read(odd), "new\n");
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{"fs", odd}));
}

TEST(DirectoryTree, a_journal_that_is_a_symbolic_link_is_refused_and_left) {
    TempDir t;
    t.write("outside", "kept\n");
    std::filesystem::create_symlink("outside", t.path() / DirectoryTree::journal_name);
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    auto ok = (*tree)->lock_for_write();
    ASSERT_FALSE(ok);
    EXPECT_NE(ok.error().to_string().find("not a journal kseries wrote for this tree (a symbolic "
                                          "link)"),
              std::string::npos)
        << ok.error().to_string();
    EXPECT_TRUE(std::filesystem::is_symlink(t.path() / DirectoryTree::journal_name));
    EXPECT_EQ(t.read("outside"), "kept\n");
}

// Killed while writing the first journal: only the journal's temporary is
// there, no file of the tree touched. It is removed when it provably is
// one (this directory's, "staging", its token that of its name); another
// file under such a name is left.
TEST(DirectoryTree, killed_before_the_journal_was_placed_its_temporary_is_removed) {
    TempDir t;
    t.write("fs/a.c", "old a\n");
    const std::string unplaced = std::string(DirectoryTree::journal_name) + "." + token;
    const std::string other_token(32, 'f');
    const std::string foreign = std::string(DirectoryTree::journal_name) + "." + other_token;
    t.write(unplaced, journal(t, "staging"));
    t.write(foreign, journal(t, "staging")); // its token is not its name's
    const std::string users = std::string(DirectoryTree::journal_name) + ".notes";
    t.write(users, "the user's\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->lock_for_write());
    EXPECT_EQ(listing(t.path()), (std::vector<std::string>{foreign, users, "fs", "fs/a.c"}));
    EXPECT_EQ(t.read("fs/a.c"), "old a\n");
}

TEST(DirectoryTree, a_recovery_deletes_only_the_file_its_link_holds) {
    TempDir t;
    interrupted(t, "commit");
    // gone.c was replaced since: another file under that name stays.
    std::filesystem::remove(t.path() / "fs/gone.c");
    t.write("fs/gone.c", "someone else's\n");
    auto tree = DirectoryTree::open(t.path());
    ASSERT_TRUE(tree);
    ASSERT_TRUE((*tree)->lock_for_write());
    EXPECT_EQ(t.read("fs/gone.c"), "someone else's\n");
}

TEST(DirectoryTree, a_journal_kseries_did_not_write_for_this_tree_is_refused_and_left) {
    TempDir t;
    t.write("fs/a.c", "mine\n");
    t.write("fs/.a.c.orig", "the user's\n");
    const auto refused = [&](const std::string& text, const std::string& why) {
        t.write(DirectoryTree::journal_name, text);
        const auto before = listing(t.path());
        auto tree = DirectoryTree::open(t.path());
        ASSERT_TRUE(tree);
        auto ok = (*tree)->lock_for_write();
        ASSERT_FALSE(ok) << text;
        EXPECT_EQ(ok.error().kind(), ErrorKind::Unsafe);
        EXPECT_NE(ok.error().to_string().find(".kseries-commit: not a journal kseries wrote for "
                                              "this tree (" +
                                              why + ")"),
                  std::string::npos)
            << ok.error().to_string();
        EXPECT_EQ(listing(t.path()), before);
        EXPECT_EQ(t.read("fs/a.c"), "mine\n");
        EXPECT_EQ(t.read("fs/.a.c.orig"), "the user's\n");
    };
    refused(R"({"state":"commit","ops":[{"path":"fs/a.c","temp":""}]})", "not in its format");
    refused("{not json", "not in its format");
    refused(journal(t, "commit", ".a.c.orig"), "'.a.c.orig' is not a temporary name of its write");
    std::string other = journal(t, "commit");
    other.insert(other.find("\"inode\":") + 8, "9");
    refused(other, "it names another directory");
    // Paths in format 3 are percent-encoded: anything else is not its own.
    for (const std::string bad : {"fs/a%2", "fs/a%zz", "fs/a%00.c", "fs/a b.c", "fs/a%2f"}) {
        std::string text = journal(t, "commit");
        text.replace(text.find("fs/a.c"), 6, bad);
        refused(text, "a path not in its encoding");
    }
}
