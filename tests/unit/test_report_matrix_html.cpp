#include <gtest/gtest.h>

#include <kseries/matrix/matrix.hpp>
#include <kseries/report/matrix_report.hpp>

#include "small_matrix.hpp"
#include "zstream_matrix.hpp"

using namespace kseries;

namespace {

// A one-patch series named with markup, on the releases of tests/support/small_matrix.hpp.
struct World : test::SmallMatrix {
    World() : SmallMatrix("s<&>") {}
};

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST(ReportMatrixHtml, OneDocumentWithARowPerReleaseAndACellPerPatch) {
    World w;
    ASSERT_EQ(w.m.rows.size(), 3U);
    const auto html = report::render_matrix_html(w.m);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0U);
    EXPECT_TRUE(html.ends_with("</body>\n</html>\n"));
    EXPECT_EQ(count(html, "<tr data-release="), 3U);
    EXPECT_EQ(count(html, "<td class=\"cell "), 3U);
    EXPECT_NE(html.find("<tr data-release=\"4.18.0-193.el8\">"), std::string::npos);
    // Rows in rpm order.
    EXPECT_LT(html.find("4.18.0-193.el8\">"), html.find("4.18.0-240.el8\">"));
    EXPECT_LT(html.find("4.18.0-240.el8\">"), html.find("4.18.0-305.el8\">"));
}

TEST(ReportMatrixHtml, CellsCarryTheirOutcomeAndTheSummarySaysNotCovered) {
    World w;
    const auto html = report::render_matrix_html(w.m);
    EXPECT_NE(html.find("data-outcome=\"exact\" data-accepted=\"true\""), std::string::npos);
    EXPECT_NE(html.find("data-outcome=\"fails\" data-accepted=\"false\""), std::string::npos);
    EXPECT_NE(html.find("data-outcome=\"unavailable\""), std::string::npos);
    EXPECT_NE(html.find("<p id=\"summary\" class=\"summary bad\">"), std::string::npos);
}

TEST(ReportMatrixHtml, NamesFromTheInputAreEscaped) {
    World w;
    const auto html = report::render_matrix_html(w.m);
    EXPECT_EQ(html.find("s<&>"), std::string::npos);
    EXPECT_NE(html.find("<title>kseries matrix: s&lt;&amp;&gt;</title>"), std::string::npos);
}

TEST(ReportMatrixHtml, SectionsPerLineageAndMinorWithTheBoundariesOnTop) {
    World w;
    const auto html = report::render_matrix_html(w.m);
    EXPECT_EQ(count(html, "<details class=\"lineage\""), 1U);
    EXPECT_NE(
        html.find(
            "<details class=\"lineage\" data-lineage=\"RHEL 8\" open=\"open\"><summary>RHEL 8 "
            "<span class=\"count\">3 releases, 1 failing</span>"),
        std::string::npos)
        << html;
    EXPECT_EQ(count(html, "<details class=\"group\""), 3U);
    // The minor that fails starts open, the others closed.
    EXPECT_NE(html.find("<details class=\"group\" data-minor=\"4.18.0-240.*\" open=\"open\">"),
              std::string::npos);
    EXPECT_NE(html.find("<details class=\"group\" data-minor=\"4.18.0-193.*\"><summary>"),
              std::string::npos);
    // The boundaries come before the grid.
    const auto top = html.find("<table class=\"boundaries\">");
    ASSERT_NE(top, std::string::npos);
    EXPECT_LT(top, html.find("<div id=\"matrix\">"));
    EXPECT_NE(html.find("<td class=\"good\">4.18.0-193.el8</td><td class=\"bad\">4.18.0-240.el8"
                        "</td><td>2 of 3 (1 without source)</td>"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("<input id=\"filter\" type=\"search\""), std::string::npos);
}

TEST(ReportMatrixHtml, EveryZStreamRowIsInItsMinorsSection) {
    const auto m = test::zstream_matrix();
    const auto html = report::render_matrix_html(m);
    EXPECT_EQ(count(html, "<details class=\"group\""), 8U);
    EXPECT_EQ(count(html, "<tr data-release="), 150U);
    EXPECT_NE(html.find("data-minor=\"4.18.0-305.*\" open=\"open\"><summary>4.18.0-305.* <span "
                        "class=\"count\">19 releases, 8 failing</span>"),
              std::string::npos);
}
