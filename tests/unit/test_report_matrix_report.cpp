#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kseries/report/matrix_report.hpp>

using namespace kseries;
using matrix::Cell;
using matrix::CellKind;

namespace {

matrix::Matrix sample() {
    matrix::Matrix m;
    m.series = "series/x/v1";
    m.patches = {"0001-a.patch", "0002-b.patch"};
    matrix::Row a;
    a.release = *kernel::parse_release("4.18.0-193.el8");
    a.policy_verified = true;
    a.unavailable = "no source given for this release";
    a.cells = {Cell{}, Cell{}};
    m.rows.push_back(a);
    return m;
}

} // namespace

TEST(MatrixReport, describes_cells) {
    EXPECT_EQ(report::cell_text({CellKind::Exact, true, check::Verdict::Applies, 0, 0, {}, {}}), "exact");
    EXPECT_EQ(report::cell_text({CellKind::Offset, true, check::Verdict::Applies, 0, -3, {}, {}}),
              "offset -3");
    EXPECT_EQ(report::cell_text({CellKind::Fuzz, false, check::Verdict::Fails, 2, 0, {}, {}}),
              "fuzz 2 (rejected)");
    EXPECT_EQ(report::cell_text({CellKind::Exact, false, check::Verdict::Skipped, 0, 0, {}, {}}),
              "exact (skipped)");
    EXPECT_EQ(
        report::cell_text({CellKind::AlreadyApplied, false, check::Verdict::AlreadyApplied, 0, 0, {}, {}}),
        "in tree");
    EXPECT_EQ(report::cell_text(Cell{}), "n/a");
}

TEST(MatrixReport, shortens_numbered_patch_names) {
    EXPECT_EQ(report::short_names({"0001-a.patch", "fix.patch"}),
              (std::vector<std::string>{"0001", "P2"}));
}

TEST(MatrixReport, renders_json_markdown_and_text) {
    const auto m = sample();
    const auto doc = nlohmann::json::parse(report::render_matrix_json(m));
    EXPECT_EQ(doc["kseries"], "matrix");
    EXPECT_EQ(doc["covered"], false);
    EXPECT_EQ(doc["releases"][0]["release"], "4.18.0-193.el8");
    EXPECT_EQ(doc["releases"][0]["available"], false);
    EXPECT_EQ(doc["releases"][0]["cells"][1]["outcome"], "unavailable");
    EXPECT_TRUE(doc["releases"][0]["cells"][1]["verdict"].is_null());

    const auto md = report::render_matrix_markdown(m);
    EXPECT_NE(md.find("| 4.18.0-193.el8 | kernel.spec | ➖ n/a | ➖ n/a |"), std::string::npos) << md;
    EXPECT_NE(md.find("**0 of 1 releases covered.**"), std::string::npos);

    const auto text = report::render_matrix_text(m, {false});
    EXPECT_NE(text.find("no source given for this release"), std::string::npos) << text;
    EXPECT_NE(text.find("0 of 1 releases covered"), std::string::npos);
}

TEST(MatrixReport, junit_fails_every_case_of_a_release_without_source) {
    const auto xml = report::render_matrix_junit(sample());
    EXPECT_NE(xml.find(R"(<testsuites name="kseries matrix: series/x/v1" tests="2" failures="2")"),
              std::string::npos);
    EXPECT_NE(
        xml.find(R"(<testcase classname="kseries.matrix.4_18_0-193_el8" name="0001-a.patch")"),
        std::string::npos);
    EXPECT_NE(
        xml.find(R"(<failure type="unavailable" message="source unavailable: no source given)"),
        std::string::npos);
}

TEST(MatrixReport, html_is_one_page_with_a_cell_per_release_and_patch) {
    const auto html = report::render_matrix_html(sample());
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
    std::size_t cells = 0;
    for (auto at = html.find("<td class=\"cell "); at != std::string::npos;
         at = html.find("<td class=\"cell ", at + 1)) {
        ++cells;
    }
    EXPECT_EQ(cells, 2U);
    EXPECT_NE(html.find("source unavailable: no source given for this release"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
}
