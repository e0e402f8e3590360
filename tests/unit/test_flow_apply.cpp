#include <gtest/gtest.h>

#include <kseries/flow/apply.hpp>

#include "small_series.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;
using namespace kseries::test;

namespace {

const std::string fix_f = "Fix f, with a description long enough to pass kernel.spec.\n\n"
                          "--- a/f\n+++ b/f\n@@ -5,7 +5,7 @@\n line 5\n line 6\n line 7\n"
                          "-line 8\n+LINE 8\n line 9\n line 10\n line 11\n";
const std::string fix_g = "Fix g, with a description long enough to pass kernel.spec:\n"
                          "a patch file of 9 lines or fewer is skipped by ApplyOptionalPatch.\n\n"
                          "--- a/g\n+++ b/g\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n+LINE 3\n"
                          " line 4\n";

struct World {
    TempDir series;
    TempDir tree;
    World() {
        series.write("series", "0001-f.patch\n0002-g.patch\n");
        series.write("0001-f.patch", fix_f);
        series.write("0002-g.patch", fix_g);
        tree.write("f", numbered(20));
        tree.write("g", numbered(6));
    }
    [[nodiscard]] flow::ApplyRequest request(bool dry_run) const {
        flow::ApplyRequest r;
        r.job.source.series = series.path();
        r.job.tree = tree.path();
        r.dry_run = dry_run;
        return r;
    }
};

} // namespace

TEST(FlowApply, WritesEveryFileWhenEveryPatchApplies) {
    World w;
    const auto result = flow::apply(w.request(false));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(result->failing, 0U);
    EXPECT_EQ(result->changed, 2U);
    EXPECT_TRUE(result->written);
    ASSERT_EQ(result->run.verdicts.size(), 2U);
    EXPECT_EQ(result->run.verdicts[1], check::Verdict::Applies);
    EXPECT_EQ(w.tree.read("f"), replaced(numbered(20), "line 8\n", "LINE 8\n"));
    EXPECT_EQ(w.tree.read("g"), replaced(numbered(6), "line 3\n", "LINE 3\n"));
}

TEST(FlowApply, ADryRunCountsAndWritesNothing) {
    World w;
    const auto result = flow::apply(w.request(true));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(result->changed, 2U);
    EXPECT_FALSE(result->written);
    EXPECT_EQ(w.tree.read("f"), numbered(20));
    EXPECT_EQ(w.tree.read("g"), numbered(6));
}

TEST(FlowApply, OnePatchFailingWritesNothing) {
    World w;
    w.tree.write("g", replaced(numbered(6), "line 3\n", "line three\n"));
    const auto result = flow::apply(w.request(false));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(result->failing, 1U);
    EXPECT_EQ(result->run.verdicts[0], check::Verdict::Applies);
    EXPECT_EQ(result->run.verdicts[1], check::Verdict::Fails);
    EXPECT_FALSE(result->written);
    // All or nothing: the first patch applied in memory only.
    EXPECT_EQ(w.tree.read("f"), numbered(20));
}

namespace {

flow::ApplyRequest reversed(const World& w, bool dry_run = false) {
    auto r = w.request(dry_run);
    r.reverse = true;
    return r;
}

} // namespace

TEST(FlowApply, ASeriesAppliedAlreadySaysSoAndWritesNothing) {
    World w;
    ASSERT_TRUE(flow::apply(w.request(false)));
    const std::string f = w.tree.read("f");
    const auto again = flow::apply(w.request(false));
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(again->outcome, flow::ApplyOutcome::AlreadyApplied);
    EXPECT_EQ(again->in_tree, (std::vector<bool>{true, true}));
    EXPECT_FALSE(again->written);
    EXPECT_EQ(w.tree.read("f"), f);
}

TEST(FlowApply, AlreadyAppliedIsToldUnderGitApplyToo) {
    // git apply has no "reversed patch detected": every patch just fails
    // forward, and comes out again.
    World w;
    auto request = w.request(false);
    request.job.policy.policy = "git-apply";
    ASSERT_TRUE(flow::apply(request));
    const auto again = flow::apply(request);
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(again->run.verdicts[0], check::Verdict::Fails);
    EXPECT_EQ(again->outcome, flow::ApplyOutcome::AlreadyApplied);
}

TEST(FlowApply, APartlyAppliedSeriesNamesWhichAreInTheTree) {
    World w;
    w.tree.write("f", replaced(numbered(20), "line 8\n", "LINE 8\n"));
    const auto result = flow::apply(w.request(false));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(result->outcome, flow::ApplyOutcome::PartlyApplied);
    EXPECT_EQ(result->in_tree, (std::vector<bool>{true, false}));
    EXPECT_FALSE(result->written);
    EXPECT_EQ(w.tree.read("g"), numbered(6));
}

TEST(FlowApply, AFailingSeriesNotInTheTreeFails) {
    World w;
    w.tree.write("g", replaced(numbered(6), "line 3\n", "line three\n"));
    const auto result = flow::apply(w.request(false));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(result->outcome, flow::ApplyOutcome::Fails);
    EXPECT_EQ(result->in_tree, (std::vector<bool>{false, false}));
}

TEST(FlowApply, ReverseTakesTheSeriesOutWhole) {
    World w;
    ASSERT_TRUE(flow::apply(w.request(false)));
    const auto dry = flow::apply(reversed(w, true));
    ASSERT_TRUE(dry) << dry.error().to_string();
    EXPECT_EQ(dry->outcome, flow::ApplyOutcome::Patched);
    EXPECT_FALSE(dry->written);
    EXPECT_EQ(w.tree.read("f"), replaced(numbered(20), "line 8\n", "LINE 8\n"));
    const auto result = flow::apply(reversed(w));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(result->outcome, flow::ApplyOutcome::Patched);
    EXPECT_TRUE(result->written);
    EXPECT_EQ(result->changed, 2U);
    EXPECT_EQ(result->in_tree, (std::vector<bool>{true, true}));
    EXPECT_EQ(w.tree.read("f"), numbered(20));
    EXPECT_EQ(w.tree.read("g"), numbered(6));
}

TEST(FlowApply, ReversingASeriesNotAppliedWritesNothing) {
    World w;
    const auto result = flow::apply(reversed(w));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(result->outcome, flow::ApplyOutcome::NotApplied);
    EXPECT_EQ(result->run.verdicts[0], check::Verdict::AlreadyApplied); // GNU patch: unreversed
    EXPECT_FALSE(result->written);
    EXPECT_EQ(w.tree.read("f"), numbered(20));
}

TEST(FlowApply, AReverseThatCannotCompleteWritesNothing) {
    World w;
    ASSERT_TRUE(flow::apply(w.request(false)));
    // 0002's change edited away: 0001 would come out, 0002 cannot.
    w.tree.write("g", replaced(numbered(6), "line 3\n", "line three\n"));
    const auto result = flow::apply(reversed(w));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(result->outcome, flow::ApplyOutcome::PartlyApplied);
    EXPECT_EQ(result->in_tree, (std::vector<bool>{true, false}));
    EXPECT_FALSE(result->written);
    EXPECT_EQ(w.tree.read("f"), replaced(numbered(20), "line 8\n", "LINE 8\n"));
}
