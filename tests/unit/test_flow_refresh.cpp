#include <gtest/gtest.h>

#include <kseries/flow/refresh.hpp>

#include "small_series.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;
using namespace kseries::test;

namespace {

const std::string header_1 = "From: A <a@example.com>\nSubject: first\n\n";
const std::string fix_1 = header_1 + "--- a/f\n+++ b/f\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n"
                                     "+LINE 3\n line 4\n";
const std::string header_2 = "From: B <b@example.com>\nSubject: second, kept as it is\n\n";
const std::string fix_2 = header_2 + "--- a/f\n+++ b/f\n@@ -9,3 +9,3 @@\n line 9\n-line 10\n"
                                     "+LINE 10\n line 11\n";

// A base tree, a series of two patches of f, and the base with both applied
// and the second one's line edited.
struct World {
    TempDir series;
    TempDir base;
    TempDir edited;
    World() {
        series.write("series", "0001-first.patch\n0002-second.patch\n");
        series.write("0001-first.patch", fix_1);
        series.write("0002-second.patch", fix_2);
        base.write("f", numbered(20));
        edited.write("f", replaced(replaced(numbered(20), "line 3\n", "LINE 3\n"), "line 10\n",
                                   "LINE TEN\n"));
    }
    [[nodiscard]] flow::RefreshRequest request(const std::string& patch, bool dry_run) const {
        flow::RefreshRequest r;
        r.series = series.path();
        r.patch = patch;
        r.tree = edited.path();
        r.base = base.path();
        r.dry_run = dry_run;
        return r;
    }
};

} // namespace

TEST(FlowRefresh, RegeneratesThePatchFromTheEditedTreeKeepingItsHeader) {
    World w;
    const auto result = flow::refresh(w.request("0002-second.patch", false));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_TRUE(result->written);
    EXPECT_FALSE(result->strip_changed);
    EXPECT_EQ(result->file, w.series.path() / "0002-second.patch");
    const auto text = w.series.read("0002-second.patch");
    EXPECT_EQ(text, result->text);
    EXPECT_EQ(text.substr(0, header_2.size()), header_2);
    EXPECT_NE(text.find("\n+LINE TEN\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\n-line 10\n"), std::string::npos) << text;
    // The earlier patch is the base of this one, not part of it.
    EXPECT_EQ(text.find("LINE 3"), std::string::npos) << text;
    EXPECT_EQ(w.series.read("0001-first.patch"), fix_1);
}

TEST(FlowRefresh, ADryRunWritesNothing) {
    World w;
    const auto result = flow::refresh(w.request("0002-second.patch", true));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_FALSE(result->written);
    EXPECT_NE(result->text.find("+LINE TEN"), std::string::npos);
    EXPECT_EQ(w.series.read("0002-second.patch"), fix_2);
}

TEST(FlowRefresh, APatchNotInTheSeriesIsAUsageError) {
    World w;
    const auto result = flow::refresh(w.request("0003-none.patch", false));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind(), ErrorKind::Usage);
    EXPECT_NE(result.error().to_string().find("not in " + w.series.path().string() + "/series"),
              std::string::npos);
}

TEST(FlowRefresh, AnEarlierPatchThatNeedsFuzzStopsAtItsSeriesLine) {
    World w;
    w.base.write("f", replaced(numbered(20), "line 2\n", "other 2\n"));
    const auto result = flow::refresh(w.request("0002-second.patch", false));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind(), ErrorKind::Parse);
    EXPECT_NE(result.error().to_string().find(w.series.path().string() + "/series:1"),
              std::string::npos)
        << result.error().to_string();
    EXPECT_EQ(w.series.read("0002-second.patch"), fix_2);
}

TEST(FlowRefresh, ALineOtherThanP1IsReportedForTheNewPatch) {
    World w;
    w.series.write("series", "0001-first.patch\n0002-second.patch -p1 -R\n");
    w.series.write("0002-second.patch", header_2 + "--- b/f\n+++ a/f\n@@ -9,3 +9,3 @@\n line 9\n"
                                                   "-LINE 10\n+line 10\n line 11\n");
    const auto result = flow::refresh(w.request("0002-second.patch", true));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_TRUE(result->strip_changed);
}
