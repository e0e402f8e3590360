// Publishing through a fake runner: the fake stands in for rpmkeys, rpm
// and createrepo_c (tests/cli/test_publish.sh runs the real ones), so
// these tests show the order of the steps and that a refusal writes
// nothing.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <kseries/rpm/publish.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// rpmkeys finds everything intact but `broken`; rpm -qp names a file
// "<stem>-1.0-1.noarch.rpm".
test::FakeRunner::Rule tools(std::string broken = {}) {
    return [broken](const proc::Command& c) -> Expected<proc::Result> {
        proc::Result r;
        const fs::path file = c.argv.back();
        if (c.argv[0] == "rpmkeys" && file.filename() == broken) {
            r.exit_code = 1;
            r.out = file.string() + ": DIGESTS NOT OK\n";
        } else if (c.argv[0] == "rpm") {
            r.out = file.stem().string() + "-1.0-1.noarch.rpm";
        }
        return r;
    };
}

TEST(RpmPublish, ChecksEveryInputThenCopiesThenIndexes) {
    const test::TempDir dir;
    dir.write("in/a.rpm", "A");
    dir.write("in/b.rpm", "B");
    test::FakeRunner runner(tools());
    const fs::path repo = dir.path() / "repo";
    auto files = rpm::publish(
        {repo, {dir.path() / "in/a.rpm", dir.path() / "in/b.rpm"}, rpm::Replace::Refuse, runner},
        [] {});
    ASSERT_TRUE(files) << files.error().message();
    ASSERT_EQ(files->size(), 2U);
    EXPECT_EQ((*files)[0].target, repo / "Packages/a-1.0-1.noarch.rpm");
    EXPECT_EQ((*files)[0].status, rpm::PublishStatus::Added);
    EXPECT_EQ(dir.read("repo/Packages/b-1.0-1.noarch.rpm"), "B");
    EXPECT_EQ(runner.programs(),
              (std::vector<std::string>{"rpmkeys", "rpm", "rpmkeys", "rpm", "createrepo_c"}));
    EXPECT_EQ(runner.calls.back().argv,
              (std::vector<std::string>{"createrepo_c", "--update", fs::absolute(repo).string()}));

    // Again: unchanged, and indexed again.
    auto again =
        rpm::publish({repo, {dir.path() / "in/a.rpm"}, rpm::Replace::Refuse, runner}, [] {});
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)[0].status, rpm::PublishStatus::Unchanged);
}

TEST(RpmPublish, ABrokenInputStopsEverythingBeforeAnythingIsWritten) {
    const test::TempDir dir;
    dir.write("in/a.rpm", "A");
    dir.write("in/bad.rpm", "junk");
    test::FakeRunner runner(tools("bad.rpm"));
    auto files = rpm::publish({dir.path() / "repo",
                               {dir.path() / "in/a.rpm", dir.path() / "in/bad.rpm"},
                               rpm::Replace::Refuse,
                               runner},
                              [] {});
    ASSERT_FALSE(files);
    EXPECT_EQ(files.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(files.error().message(),
              (dir.path() / "in/bad.rpm").string() +
                  ": not an intact RPM package (rpmkeys -K, exit code 1): 'DIGESTS NOT OK'");
    EXPECT_FALSE(fs::exists(dir.path() / "repo"));
    EXPECT_EQ(runner.programs(), (std::vector<std::string>{"rpmkeys", "rpm", "rpmkeys"}));
}

TEST(RpmPublish, AChangedNvrIsRefusedUnlessReplaceIsAllowed) {
    const test::TempDir dir;
    dir.write("repo/Packages/a-1.0-1.noarch.rpm", "old");
    dir.write("in/a.rpm", "new");
    test::FakeRunner runner(tools());
    auto refused = rpm::publish(
        {dir.path() / "repo", {dir.path() / "in/a.rpm"}, rpm::Replace::Refuse, runner}, [] {});
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message().find("a published N-V-R must not change"),
              std::string::npos);
    EXPECT_EQ(dir.read("repo/Packages/a-1.0-1.noarch.rpm"), "old");
    EXPECT_EQ(runner.programs().back(), "rpm");
    auto replaced = rpm::publish(
        {dir.path() / "repo", {dir.path() / "in/a.rpm"}, rpm::Replace::Allow, runner}, [] {});
    ASSERT_TRUE(replaced);
    EXPECT_EQ((*replaced)[0].status, rpm::PublishStatus::Replaced);
    EXPECT_EQ(dir.read("repo/Packages/a-1.0-1.noarch.rpm"), "new");
}

TEST(RpmPublish, WithoutCreaterepoNothingRuns) {
    const test::TempDir dir;
    dir.write("in/a.rpm", "A");
    test::FakeRunner runner(tools());
    runner.present = {"rpmkeys", "rpm"};
    auto files = rpm::publish(
        {dir.path() / "repo", {dir.path() / "in/a.rpm"}, rpm::Replace::Refuse, runner}, [] {});
    ASSERT_FALSE(files);
    EXPECT_EQ(files.error().kind(), ErrorKind::Tool);
    EXPECT_TRUE(runner.calls.empty());
}

TEST(RpmPublish, AFailingCreaterepoIsAToolErrorWithItsMessage) {
    const test::TempDir dir;
    dir.write("in/a.rpm", "A");
    auto rule = tools();
    test::FakeRunner runner([rule](const proc::Command& c) -> Expected<proc::Result> {
        if (c.argv[0] == "createrepo_c") {
            proc::Result r;
            r.exit_code = 2;
            r.err = "cannot lock";
            return r;
        }
        return rule(c);
    });
    auto files = rpm::publish(
        {dir.path() / "repo", {dir.path() / "in/a.rpm"}, rpm::Replace::Refuse, runner}, [] {});
    ASSERT_FALSE(files);
    EXPECT_EQ(files.error().kind(), ErrorKind::Tool);
    EXPECT_EQ(files.error().message(), "createrepo_c --update " + (dir.path() / "repo").string() +
                                           " ended with exit code 2: cannot lock");
}

TEST(RpmPublish, AMissingInputIsNamed) {
    const test::TempDir dir;
    test::FakeRunner runner(tools());
    auto files = rpm::publish(
        {dir.path() / "repo", {dir.path() / "gone.rpm"}, rpm::Replace::Refuse, runner}, [] {});
    ASSERT_FALSE(files);
    EXPECT_EQ(files.error().kind(), ErrorKind::NotFound);
    EXPECT_TRUE(runner.calls.empty());
}

} // namespace
