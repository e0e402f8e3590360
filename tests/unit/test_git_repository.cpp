#include "temp_dir.hpp"

#include <kseries/git/repository.hpp>
#include <kseries/proc/run.hpp>

#include <gtest/gtest.h>

#include <filesystem>

using namespace kseries;
using kseries::test::TempDir;

namespace {

// A repository made with the real git: two tagged commits, a branch, a
// symbolic link and a submodule-free tree.
struct Repo {
    TempDir dir;
    void git(std::vector<std::string> args) const {
        args.insert(args.begin(), {"git", "-c", "user.name=t", "-c", "user.email=t@example.org"});
        auto r = proc::run({args, dir.path(), {}});
        ASSERT_TRUE(r && r->ok()) << proc::describe(args) << ": " << (r ? r->err : "");
    }
    Repo() {
        git({"init", "-q"});
        dir.write("Makefile", "VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\n");
        dir.write("fs/overlayfs/super.c", "old\n");
        git({"add", "-A"});
        git({"commit", "-qm", "one"});
        git({"tag", "kernel-4.18.0-147.el8"});
        dir.write("fs/overlayfs/super.c", "new\n");
        std::filesystem::create_symlink("overlayfs", dir.path() / "fs/link");
        git({"add", "-A"});
        git({"commit", "-qm", "two"});
        git({"tag", "-a", "-m", "annotated", "kernel-4.18.0-193.el8"});
        git({"branch", "topic"});
    }
};

std::string read(source::SourceTree& tree, const char* path) {
    auto r = tree.read(path);
    EXPECT_TRUE(r) << r.error().to_string();
    return r && *r ? **r : std::string("<none>");
}

} // namespace

TEST(GitRepository, matches_tags_branches_and_commits) {
    const Repo repo;
    auto refs = git::match_refs(repo.dir.path(), {"kernel-4.18.0-*"});
    ASSERT_TRUE(refs) << refs.error().to_string();
    ASSERT_EQ(refs->size(), 2u);
    EXPECT_EQ((*refs)[0].name, "kernel-4.18.0-147.el8");
    EXPECT_EQ((*refs)[1].name, "kernel-4.18.0-193.el8");
    EXPECT_EQ((*refs)[0].commit_id.size(), 40u);

    auto more = git::match_refs(repo.dir.path(), {"topic", "HEAD~1"});
    ASSERT_TRUE(more) << more.error().to_string();
    ASSERT_EQ(more->size(), 2u);
    EXPECT_EQ((*more)[0].commit_id, (*refs)[0].commit_id) << "HEAD~1 is the first commit";
}

TEST(GitRepository, reads_blobs_of_a_commit_without_a_checkout) {
    const Repo repo;
    auto refs = git::match_refs(repo.dir.path(), {"kernel-*"});
    ASSERT_TRUE(refs);
    auto old_tree = git::open_commit_tree(repo.dir.path(), (*refs)[0].commit_id);
    auto new_tree = git::open_commit_tree(repo.dir.path(), (*refs)[1].commit_id);
    ASSERT_TRUE(old_tree && new_tree);
    EXPECT_EQ(read(**old_tree, "fs/overlayfs/super.c"), "old\n");
    EXPECT_EQ(read(**new_tree, "fs/overlayfs/super.c"), "new\n");
    EXPECT_EQ(read(**new_tree, "fs/overlayfs/missing.c"), "<none>");
    EXPECT_EQ(read(**new_tree, "nodir/x.c"), "<none>");
}

TEST(GitRepository, refuses_symbolic_links_in_the_tree) {
    const Repo repo;
    auto refs = git::match_refs(repo.dir.path(), {"kernel-4.18.0-193.el8"});
    ASSERT_TRUE(refs);
    auto tree = git::open_commit_tree(repo.dir.path(), (*refs)[0].commit_id);
    ASSERT_TRUE(tree);
    auto r = (*tree)->read("fs/link/super.c");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(r.error().message().find("fs/link is a symbolic link"), std::string::npos);
}

TEST(GitRepository, names_the_repository_and_pattern_that_found_nothing) {
    const Repo repo;
    auto refs = git::match_refs(repo.dir.path(), {"kernel-9*"});
    ASSERT_FALSE(refs);
    EXPECT_EQ(refs.error().kind(), ErrorKind::NotFound);
    EXPECT_NE(refs.error().message().find("no ref or commit matches 'kernel-9*'"),
              std::string::npos);
    auto none = git::match_refs(repo.dir.path() / "nope", {"x"});
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message().find("cannot open git repository"), std::string::npos);
}
