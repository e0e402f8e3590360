#include <filesystem>

#include <gtest/gtest.h>

#include <kseries/rebase/workspace.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace fs = std::filesystem;

TEST(RebaseWorkspace, a_retired_workspace_is_put_back_or_discarded) {
    TempDir d;
    d.write("ws/state.json", "{}");
    // A leftover of a killed run is removed first.
    d.write(".ws.done/old", "x");
    auto retired = rebase::RetiredWorkspace::retire(d.path() / "ws");
    ASSERT_TRUE(retired) << retired.error().message();
    EXPECT_EQ(retired->retired(), d.path() / ".ws.done");
    EXPECT_FALSE(fs::exists(d.path() / "ws"));
    EXPECT_FALSE(fs::exists(d.path() / ".ws.done/old"));
    EXPECT_EQ(d.read(".ws.done/state.json"), "{}");

    ASSERT_TRUE(retired->restore());
    EXPECT_EQ(d.read("ws/state.json"), "{}");
    EXPECT_FALSE(fs::exists(d.path() / ".ws.done"));

    auto again = rebase::RetiredWorkspace::retire(d.path() / "ws");
    ASSERT_TRUE(again) << again.error().message();
    ASSERT_TRUE(again->discard());
    EXPECT_FALSE(fs::exists(d.path() / "ws"));
    EXPECT_FALSE(fs::exists(d.path() / ".ws.done"));
}

TEST(RebaseWorkspace, retiring_a_missing_workspace_says_so_and_restoring_a_lost_one_fails) {
    TempDir d;
    auto missing = rebase::RetiredWorkspace::retire(d.path() / "ws");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind(), ErrorKind::Io);
    EXPECT_NE(missing.error().message().find("cannot retire " + (d.path() / "ws").string()),
              std::string::npos);

    d.write("ws/state.json", "{}");
    auto retired = rebase::RetiredWorkspace::retire(d.path() / "ws");
    ASSERT_TRUE(retired) << retired.error().message();
    fs::remove_all(d.path() / ".ws.done");
    auto back = retired->restore();
    ASSERT_FALSE(back);
    EXPECT_NE(back.error().message().find("cannot put the workspace back"), std::string::npos);
}

TEST(RebaseWorkspace, open_refuses_a_directory_that_is_not_a_workspace) {
    TempDir d;
    d.write("ws/README", "not a workspace\n");
    auto ws = rebase::Workspace::open(d.path() / "ws");
    ASSERT_FALSE(ws);
}
