#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kseries/check/check.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/version.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

check::Report make_report(TempDir& tree, TempDir& series) {
    tree.write("fs/f.c", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
    series.write("series", "0001-x.patch\n");
    series.write("0001-x.patch", "Subject: x\n\n--- a/fs/f.c\n+++ b/fs/f.c\n"
                                 "@@ -3,3 +3,3 @@ int f(void)\n b\n-c\n+C\n d\n"
                                 "@@ -20,3 +20,3 @@\n q\n-r\n+R\n s\n");
    static series::LoadedSeries s;
    s = *series::load_series(series.path());
    auto dir = source::DirectoryTree::open(tree.path());
    return *check::run(s, **dir, "v1", {});
}

} // namespace

TEST(CheckReport, json_has_the_documented_fields) {
    TempDir tree;
    TempDir series;
    const auto report = make_report(tree, series);
    const auto doc = nlohmann::json::parse(report::render_check_json(report));
    EXPECT_EQ(doc["kseries"], "check");
    EXPECT_EQ(doc["kseries_version"], std::string(version()));
    EXPECT_EQ(doc["format_version"], 1);
    EXPECT_EQ(doc["policy"], "kernel-spec");
    EXPECT_EQ(doc["fuzz"], 1);
    EXPECT_EQ(doc["ok"], false);
    const auto& p = doc["patches"][0];
    EXPECT_EQ(p["name"], "0001-x.patch");
    EXPECT_EQ(p["verdicts"]["rpm-patch"], "fails");
    EXPECT_EQ(p["verdicts"]["kernel-spec"], "fails");
    EXPECT_EQ(p["files"][0]["path"], "fs/f.c");
    EXPECT_EQ(p["files"][0]["status"], "failed");
    const auto& h1 = p["files"][0]["hunks"][0];
    EXPECT_EQ(h1["outcome"], "offset");
    EXPECT_EQ(h1["offset"], -1);
    EXPECT_EQ(h1["line"], 2);
    EXPECT_EQ(h1["header"], "@@ -3,3 +3,3 @@ int f(void)");
    EXPECT_EQ(h1["patch_line"], 5);
    EXPECT_EQ(p["files"][0]["hunks"][1]["outcome"], "failed");
}

TEST(CheckReport, text_names_outcomes_and_verdicts_without_colour) {
    TempDir tree;
    TempDir series;
    const auto report = make_report(tree, series);
    const auto text = report::render_check_text(report, {false});
    EXPECT_NE(text.find("patch 0001-x.patch"), std::string::npos) << text;
    EXPECT_NE(text.find("offset -1"), std::string::npos) << text;
    EXPECT_NE(text.find("FAILED"), std::string::npos) << text;
    EXPECT_NE(text.find("0 of 1 patches apply under kernel.spec"), std::string::npos) << text;
    EXPECT_EQ(text.find('\033'), std::string::npos) << "no escape codes without colour";
    const auto colored = report::render_check_text(report, {true});
    EXPECT_NE(colored.find("\033[1;31m"), std::string::npos);
}

TEST(CheckReport, describes_hunk_outcomes) {
    patch::HunkResult h;
    h.status = patch::HunkStatus::Applied;
    EXPECT_EQ(report::hunk_outcome(h), "exact");
    h.offset = 3;
    EXPECT_EQ(report::hunk_outcome(h), "offset +3");
    h.fuzz = 1;
    EXPECT_EQ(report::hunk_outcome(h), "fuzz 1, offset +3");
    h.status = patch::HunkStatus::Failed;
    EXPECT_EQ(report::hunk_outcome(h), "FAILED");
}
