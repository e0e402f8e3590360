// The publish flow through a fake runner standing in for rpmkeys, rpm and
// createrepo_c (tests/cli/test_publish.sh runs the real ones).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <kseries/flow/publish.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

Expected<proc::Result> tools(const proc::Command& c) {
    proc::Result r;
    if (c.argv[0] == "rpm") {
        r.out = fs::path(c.argv.back()).stem().string() + "-1-1.x86_64.rpm";
    }
    return r;
}

TEST(FlowPublish, AddsThenReplacesOnlyWhenAsked) {
    const test::TempDir dir;
    dir.write("a.rpm", "one");
    test::FakeRunner runner(tools);
    const flow::PublishRequest first{
        .repo = dir.path() / "repo", .rpms = {dir.path() / "a.rpm"}, .runner = runner};
    auto added = flow::publish(first);
    ASSERT_TRUE(added) << added.error().message();
    ASSERT_EQ(added->files.size(), 1U);
    EXPECT_EQ(flow::status_word(added->files[0].status), "added");
    EXPECT_EQ(added->files[0].target, dir.path() / "repo/Packages/a-1-1.x86_64.rpm");
    EXPECT_EQ(runner.programs(), (std::vector<std::string>{"rpmkeys", "rpm", "createrepo_c"}));

    auto same = flow::publish(first);
    ASSERT_TRUE(same);
    EXPECT_EQ(flow::status_word(same->files[0].status), "unchanged");

    dir.write("a.rpm", "two");
    EXPECT_FALSE(flow::publish(first));
    EXPECT_EQ(dir.read("repo/Packages/a-1-1.x86_64.rpm"), "one");
    const flow::PublishRequest replace{.repo = dir.path() / "repo",
                                       .rpms = {dir.path() / "a.rpm"},
                                       .replace = true,
                                       .runner = runner};
    auto replaced = flow::publish(replace);
    ASSERT_TRUE(replaced);
    EXPECT_EQ(flow::status_word(replaced->files[0].status), "replaced");
    EXPECT_EQ(dir.read("repo/Packages/a-1-1.x86_64.rpm"), "two");
}

TEST(FlowPublish, ARefusedPackageStopsBeforeCreaterepo) {
    const test::TempDir dir;
    dir.write("a.rpm", "junk");
    test::FakeRunner runner([](const proc::Command& c) -> Expected<proc::Result> {
        proc::Result r;
        r.exit_code = c.argv[0] == "rpmkeys" ? 1 : 0;
        return r;
    });
    auto r = flow::publish(
        {.repo = dir.path() / "repo", .rpms = {dir.path() / "a.rpm"}, .runner = runner});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().message().starts_with((dir.path() / "a.rpm").string() +
                                                ": not an intact RPM package"));
    EXPECT_EQ(runner.programs(), (std::vector<std::string>{"rpmkeys"}));
}

} // namespace
