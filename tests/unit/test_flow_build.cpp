// flow::build: the FakeRunner stands in for the build clients (koji here;
// rpmbuild, mock, copr-cli and osc alike) in unit tests, while
// tests/cli/test_build.sh runs the real rpmbuild.
#include <string>

#include <gtest/gtest.h>

#include <kseries/flow/build.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::FakeRunner;
using kseries::test::TempDir;

TEST(FlowBuild, names_the_remote_id_of_the_backend) {
    TempDir t;
    t.write("k.src.rpm", "rpm");
    FakeRunner fake([](const proc::Command&) -> Expected<proc::Result> {
        return proc::Result{0, 0, "Created task: 7\n", ""};
    });
    std::vector<std::string> stages;
    flow::BuildRequest request{
        .build = {.srpm = t.path() / "k.src.rpm",
                  .backend = rpm::Backend::Koji,
                  .koji_target = "rhel-8",
                  .runner = fake},
        .out = t.path() / "out",
        .events = {.on_stage = [&](std::string_view s) { stages.emplace_back(s); }, .on_line = {}},
    };
    auto result = flow::build(request);
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_TRUE(result->outcome.ok());
    EXPECT_EQ(result->outcome.remote.id, "7");
    EXPECT_EQ(result->id_label, "koji task");
    EXPECT_EQ(result->backend, "koji");
    EXPECT_EQ(stages, std::vector<std::string>{"koji build"});
}

TEST(FlowBuild, a_build_that_cannot_start_runs_nothing) {
    TempDir t;
    FakeRunner fake;
    flow::BuildRequest request{.build = {.srpm = t.path() / "missing.src.rpm",
                                         .backend = rpm::Backend::Koji,
                                         .koji_target = "rhel-8",
                                         .runner = fake},
                               .out = t.path() / "out"};
    auto result = flow::build(request);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind(), ErrorKind::NotFound);
    EXPECT_TRUE(fake.calls.empty());
}

TEST(FlowBuild, choices_cover_every_backend_and_profile) {
    const auto backends = flow::backend_choices();
    EXPECT_EQ(backends.size(), 5U);
    EXPECT_EQ(backends.at("obs"), rpm::Backend::Obs);
    EXPECT_EQ(flow::remote_id_label(rpm::Backend::Copr), "copr build");
    EXPECT_EQ(flow::remote_id_label(rpm::Backend::Rpmbuild), "build");
    EXPECT_EQ(flow::profile_choices().at("fast"), rpm::Profile::Fast);
}
