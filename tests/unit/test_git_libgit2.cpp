// git/libgit2.hpp: libgit2 is initialised once per process however many
// git/ calls ask for it, and its last error is read as text.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <kseries/git/libgit2.hpp>

#include "temp_dir.hpp"

using namespace kseries;

TEST(GitLibgit2, InitOnceInitialisesLibgit2ExactlyOnce) {
    git::detail::init_once();
    git::detail::init_once();
    git::detail::init_once();
    // git_libgit2_init returns how many initialisations are now open: ours
    // and init_once's single one, however often it was called.
    const int open = git_libgit2_init();
    git_libgit2_shutdown();
    EXPECT_EQ(open, 2);
}

TEST(GitLibgit2, LastErrorIsLibgit2sMessage) {
    git::detail::init_once();
    test::TempDir dir;
    const std::string missing = (dir.path() / "no-repo").string();
    git_repository* repo = nullptr;
    ASSERT_NE(git_repository_open(&repo, missing.c_str()), 0);
    const std::string said = git::detail::last_error();
    EXPECT_NE(said.find("no-repo"), std::string::npos) << said;
    git_error_clear();
    EXPECT_EQ(git::detail::last_error(), "unknown error");
}

TEST(GitLibgit2, TheDeleterFreesWhatItHolds) {
    git::detail::init_once();
    test::TempDir dir;
    git_repository* raw = nullptr;
    ASSERT_EQ(git_repository_init(&raw, dir.path().c_str(), 0), 0);
    git::detail::Repository repo(raw);
    EXPECT_TRUE(repo);
    repo.reset();
    EXPECT_FALSE(repo);
}
