#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kseries/report/rebase_report.hpp>
#include <kseries/util/version.hpp>

using namespace kseries;

namespace {

// v1 -> v2 onto a named release: one patch carried (its hunk moved by 2),
// one dropped.
struct Rig {
    rebase::Request request{"/s", "v1", "v2", "/t", "", ""};
    rebase::Result result;
    Rig() {
        rebase::PatchOutcome carried;
        carried.name = "0001-fix.patch";
        carried.fate = rebase::PatchFate::Carried;
        rebase::FileOutcome f;
        f.path = "fs/f.c";
        rebase::HunkPlacement h;
        h.step = rebase::Step::Exact;
        h.stated = 10;
        h.line = 12;
        h.moved = 2;
        f.placement.hunks.push_back(h);
        carried.files.push_back(f);
        rebase::PatchOutcome dropped;
        dropped.name = "0002-old.patch";
        dropped.fate = rebase::PatchFate::Dropped;
        dropped.reason = "already in the target";
        result.patches = {carried, dropped};
    }
    [[nodiscard]] report::RebaseReport report(std::string written) const {
        return {&request,
                &result,
                std::move(written),
                "",
                "",
                kernel::Detected{*kernel::parse_release("4.18.0-240.el8"),
                                 kernel::ReleaseOrigin::Given}};
    }
};

} // namespace

TEST(RebaseReport, text_names_each_patch_its_hunks_and_what_was_written) {
    const Rig rig;
    const auto text = report::render_rebase_text(rig.report("/s/v2"));
    EXPECT_TRUE(text.starts_with("rebase /s v1 -> v2 onto /t\ntarget release 4.18.0-240.el8"))
        << text;
    EXPECT_NE(text.find("0001-fix.patch: carried\n  fs/f.c #1 @10: exact at line 12 (+2)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("0002-old.patch: dropped - already in the target\n"), std::string::npos);
    EXPECT_TRUE(text.ends_with("\nwrote /s/v2\n")) << text;
}

TEST(RebaseReport, markdown_has_a_row_per_hunk_and_per_patch_without_files) {
    const Rig rig;
    const auto md = report::render_rebase_markdown(rig.report("/s/v2"));
    EXPECT_NE(md.find("| 0001-fix.patch | carried | fs/f.c | 1 | exact | line 12 (+2) |  |\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| 0002-old.patch | dropped | | | | | already in the target |\n"),
              std::string::npos)
        << md;
}

TEST(RebaseReport, json_keeps_nulls_for_what_did_not_happen) {
    const Rig rig;
    const auto doc = nlohmann::json::parse(report::render_rebase_json(rig.report("")));
    EXPECT_EQ(doc["kseries"], "rebase");
    EXPECT_EQ(doc["kseries_version"], std::string(version()));
    EXPECT_TRUE(doc["written"].is_null());
    EXPECT_TRUE(doc["workspace"].is_null());
    EXPECT_EQ(doc["onto_release"]["name"], "4.18.0-240.el8");
    ASSERT_EQ(doc["patches"].size(), 2U);
    EXPECT_EQ(doc["patches"][0]["hunks"][0]["line"], 12);
    EXPECT_EQ(doc["patches"][0]["hunks"][0]["moved"], 2);
    EXPECT_EQ(doc["patches"][1]["fate"], "dropped");
    EXPECT_TRUE(doc["patches"][1]["hunks"].empty());
}
