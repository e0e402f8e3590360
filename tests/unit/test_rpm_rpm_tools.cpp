// rpm_tools around rpmspec: the FakeRunner stands in for rpmspec (it
// answers as a spec with `Release: 193%{?dist}` would); tests/cli/test_srpm*.sh
// and test_build.sh run the real rpmspec and rpmbuild.
#include <string>

#include <gtest/gtest.h>

#include <kseries/rpm/rpm_tools.hpp>

#include "fake_runner.hpp"

using namespace kseries;
using kseries::test::FakeRunner;

namespace {

// "4.18.0-193" plus whatever dist the command defines.
FakeRunner::Rule release_193() {
    return [](const proc::Command& c) -> Expected<proc::Result> {
        std::string dist;
        for (std::size_t i = 0; i + 1 < c.argv.size(); ++i) {
            if (c.argv[i] == "--define" && c.argv[i + 1].starts_with("dist ")) {
                dist = c.argv[i + 1].substr(5);
            }
        }
        return proc::Result{0, 0, "4.18.0-193" + (dist == "%{nil}" ? "" : dist) + "\n", ""};
    };
}

const rpm::PackageId el8{"kernel", "4.18.0", "193.el8_1", true};

} // namespace

TEST(RpmTools, derives_the_dist_from_the_srpm_release) {
    FakeRunner fake(release_193());
    rpm::RpmTools tools{.top = "/w", .sources = "/w/S", .spec = "/w/S/k.spec", .runner = fake};
    auto dist = rpm::match_release(tools, el8, "k.spec");
    ASSERT_TRUE(dist) << dist.error().to_string();
    EXPECT_EQ(*dist, std::optional<std::string>(".el8_1"));
    ASSERT_FALSE(tools.defines.empty());
    EXPECT_EQ(tools.defines.back(), (std::pair<std::string, std::string>{"dist", ".el8_1"}));
    EXPECT_EQ(fake.programs().front(), "rpmspec");
}

TEST(RpmTools, a_wrong_dist_given_is_named_with_the_right_one) {
    FakeRunner fake(release_193());
    rpm::RpmTools tools{.top = "/w",
                        .sources = "/w/S",
                        .spec = "/w/S/k.spec",
                        .defines = {{"dist", ".el8"}},
                        .runner = fake};
    auto dist = rpm::match_release(tools, el8, "k.spec");
    ASSERT_FALSE(dist);
    EXPECT_EQ(dist.error().kind(), ErrorKind::Usage);
    EXPECT_NE(dist.error().message().find("--define 'dist .el8_1'"), std::string::npos)
        << dist.error().message();
}

TEST(RpmTools, run_tool_reports_a_failure_with_the_end_of_its_output) {
    FakeRunner fake([](const proc::Command&) -> Expected<proc::Result> {
        return proc::Result{2, 0, "", "error: line 7: bad\n"};
    });
    auto r = rpm::run_tool(fake, {"rpmspec", "-P", "k.spec"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Tool);
    EXPECT_NE(r.error().message().find("error: line 7: bad"), std::string::npos);
}
