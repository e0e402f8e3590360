#include <gtest/gtest.h>

#include <kseries/flow/check.hpp>

#include "small_series.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;
using namespace kseries::test;

namespace {

struct World {
    TempDir series;
    TempDir tree;
    explicit World(const std::string& content) {
        series.write("series", "0001-fix.patch\n");
        series.write("0001-fix.patch", fix_patch);
        tree.write("f", content);
    }
    [[nodiscard]] flow::CheckRequest request(const std::string& policy = "kernel-spec") const {
        flow::CheckRequest r;
        r.job.source.series = series.path();
        r.job.tree = tree.path();
        r.job.policy.policy = policy;
        return r;
    }
};

} // namespace

TEST(FlowCheck, ASeriesThatAppliesIsOk) {
    World w(numbered(20));
    const auto result = flow::check(w.request());
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_TRUE(result->report.ok());
    ASSERT_EQ(result->report.patches.size(), 1U);
    EXPECT_EQ(result->report.patches[0].patch->entry.patch, "0001-fix.patch");
    EXPECT_EQ(result->series, w.series.path().string());
    EXPECT_FALSE(result->job.release);
    // Checking writes nothing.
    EXPECT_EQ(w.tree.read("f"), numbered(20));
}

TEST(FlowCheck, TheChosenPolicyDecides) {
    // Two context lines changed above the hunk: only fuzz 2 places it.
    std::string content = numbered(20);
    content.replace(content.find("line 5\n"), 7, "l5\n");
    content.replace(content.find("line 6\n"), 7, "l6\n");
    World w(content);
    const auto strict = flow::check(w.request("kernel-spec"));
    ASSERT_TRUE(strict) << strict.error().to_string();
    EXPECT_FALSE(strict->report.ok());
    const auto lenient = flow::check(w.request("gnu-patch"));
    ASSERT_TRUE(lenient) << lenient.error().to_string();
    EXPECT_TRUE(lenient->report.ok());
}

TEST(FlowCheck, AMissingTreeIsAnError) {
    World w(numbered(20));
    auto request = w.request();
    request.job.tree = (w.tree.path() / "nowhere").string();
    const auto result = flow::check(request);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().to_string().find("nowhere"), std::string::npos);
}
