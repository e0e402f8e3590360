// flow::make_srpm up to the spec: the FakeRunner stands in for rpmkeys and
// rpm (and, further on, rpmspec and rpmbuild: tests/unit/test_rpm_srpm.cpp)
// in unit tests, while tests/cli/test_srpm*.sh run the real rpmbuild on real
// kernel SRPMs.
#include <string>

#include <gtest/gtest.h>

#include <kseries/flow/srpm.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::FakeRunner;
using kseries::test::TempDir;

namespace {

// rpm -qp answering with `header` (four lines); rpmkeys content.
FakeRunner::Rule header(std::string header) {
    return [header](const proc::Command& c) -> Expected<proc::Result> {
        return proc::Result{0, 0, c.argv[0] == "rpm" ? header : std::string(), ""};
    };
}

const std::string patch_text = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n";

flow::SrpmRequest request_in(const TempDir& t, FakeRunner& fake) {
    t.write("k.src.rpm", "rpm");
    t.write("q/series", "0001-x.patch\n");
    t.write("q/0001-x.patch", patch_text);
    return {.kernel_srpm = (t.path() / "k.src.rpm").string(),
            .source = {.series = (t.path() / "q").string(), .patches = {}, .strip = 1},
            .out = (t.path() / "out").string(),
            .runner = fake};
}

} // namespace

TEST(FlowSrpm, refuses_a_binary_package) {
    TempDir t;
    FakeRunner fake(header("kernel\n4.18.0\n193.el8\nbinary\n"));
    auto made = flow::make_srpm(request_in(t, fake));
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().kind(), ErrorKind::Usage);
    EXPECT_NE(made.error().message().find("is a binary package, not an SRPM"), std::string::npos);
    EXPECT_EQ(fake.programs(), (std::vector<std::string>{"rpmkeys", "rpm"}));
}

TEST(FlowSrpm, refuses_a_package_that_is_not_a_kernel_release) {
    TempDir t;
    FakeRunner fake(header("kernel\n1.0\nbeta\nsource\n"));
    auto made = flow::make_srpm(request_in(t, fake));
    ASSERT_FALSE(made);
    EXPECT_NE(made.error().message().find("1.0-beta is not a kernel release"), std::string::npos);
}

TEST(FlowSrpm, a_forced_version_the_series_lacks_is_a_usage_error) {
    TempDir t;
    FakeRunner fake(header("kernel\n4.18.0\n193.el8\nsource\n"));
    auto request = request_in(t, fake);
    request.version = "v9";
    auto made = flow::make_srpm(request);
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().kind(), ErrorKind::Usage);
    EXPECT_NE(made.error().message().find("--version v9"), std::string::npos);
}

TEST(FlowSrpm, a_series_entry_other_than_p1_forward_is_refused) {
    TempDir t;
    FakeRunner fake(header("kernel\n4.18.0\n193.el8\nsource\n"));
    auto request = request_in(t, fake);
    t.write("q/series", "0001-x.patch -p0\n");
    auto made = flow::make_srpm(request);
    ASSERT_FALSE(made);
    EXPECT_NE(made.error().message().find("applies patches with -p1, forward"), std::string::npos);
}

TEST(FlowSrpm, the_trap_constant_is_kernel_specs) {
    EXPECT_EQ(flow::optional_patch_max_lines, 9U);
}
