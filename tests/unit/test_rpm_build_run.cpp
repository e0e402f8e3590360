// rpm::run_build around the build clients: the FakeRunner stands in for
// koji (and would for rpmbuild, mock, copr-cli, osc) in unit tests;
// tests/cli/test_build.sh runs the real rpmbuild.
#include <string>

#include <gtest/gtest.h>

#include <kseries/rpm/build_run.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::FakeRunner;
using kseries::test::TempDir;

namespace {

rpm::BuildRequest koji(const TempDir& t, FakeRunner& fake) {
    t.write("k.src.rpm", "rpm");
    return {.srpm = t.path() / "k.src.rpm",
            .backend = rpm::Backend::Koji,
            .koji_target = "rhel-8",
            .runner = fake};
}

} // namespace

TEST(RpmBuildRun, a_remote_build_reports_its_task_and_keeps_the_log) {
    TempDir t;
    FakeRunner fake([](const proc::Command&) -> Expected<proc::Result> {
        return proc::Result{0, 0, "Created task: 4242\nTask info: https://koji/t?id=4242\n", ""};
    });
    auto outcome = rpm::run_build(koji(t, fake), t.path() / "out", {});
    ASSERT_TRUE(outcome) << outcome.error().to_string();
    EXPECT_TRUE(outcome->ok());
    EXPECT_EQ(outcome->remote.id, "4242");
    EXPECT_EQ(outcome->remote.url, "https://koji/t?id=4242");
    EXPECT_EQ(fake.programs(), std::vector<std::string>{"koji"});
    EXPECT_TRUE(t.read("out/k.koji.log").find("Created task: 4242") != std::string::npos);
}

TEST(RpmBuildRun, a_failed_step_is_an_outcome_with_its_tail) {
    TempDir t;
    FakeRunner fake([](const proc::Command&) -> Expected<proc::Result> {
        return proc::Result{1, 0, "GenericError: no such target\n", ""};
    });
    auto outcome = rpm::run_build(koji(t, fake), t.path() / "out", {});
    ASSERT_TRUE(outcome) << outcome.error().to_string();
    EXPECT_FALSE(outcome->ok());
    EXPECT_EQ(outcome->failed_stage, "koji build");
    EXPECT_EQ(outcome->tail, std::vector<std::string>{"GenericError: no such target"});
    EXPECT_TRUE(outcome->packages.empty());
}

TEST(RpmBuildRun, a_missing_client_is_named_with_its_package) {
    TempDir t;
    FakeRunner fake;
    fake.present = {"rpm"};
    auto outcome = rpm::run_build(koji(t, fake), t.path() / "out", {});
    ASSERT_FALSE(outcome);
    EXPECT_EQ(outcome.error().kind(), ErrorKind::Tool);
    EXPECT_NE(outcome.error().message().find("Fedora package koji"), std::string::npos);
    EXPECT_TRUE(fake.calls.empty());
}
