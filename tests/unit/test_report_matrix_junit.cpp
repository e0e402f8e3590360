#include <gtest/gtest.h>

#include <kseries/matrix/matrix.hpp>
#include <kseries/report/matrix_report.hpp>

#include "small_matrix.hpp"

using namespace kseries;

namespace {

// One patch, on the releases of tests/support/small_matrix.hpp.
struct World : test::SmallMatrix {
    World() : SmallMatrix("s") {}
};

// The <testsuite ...> element of one release.
std::string suite_of(const std::string& xml, const std::string& release) {
    const auto at = xml.find("<testsuite name=\"" + release + "\"");
    if (at == std::string::npos) {
        return {};
    }
    return xml.substr(at, xml.find("</testsuite>", at) - at);
}

} // namespace

TEST(ReportMatrixJunit, OneSuitePerReleaseCountingItsFailures) {
    World w;
    const auto xml = report::render_matrix_junit(w.m);
    const auto fits = suite_of(xml, "4.18.0-193.el8");
    ASSERT_FALSE(fits.empty()) << xml;
    EXPECT_NE(fits.find("tests=\"1\" failures=\"0\""), std::string::npos) << fits;
    EXPECT_NE(fits.find("classname=\"kseries.matrix.4_18_0-193_el8\" name=\"0001-fix.patch\""),
              std::string::npos)
        << fits;
    EXPECT_EQ(fits.find("<failure"), std::string::npos);

    const auto fails = suite_of(xml, "4.18.0-240.el8");
    EXPECT_NE(fails.find("failures=\"1\""), std::string::npos) << fails;
    EXPECT_NE(fails.find("<failure type=\"fails\""), std::string::npos) << fails;
    // The failure's text tells the hunk's story.
    EXPECT_NE(fails.find("hunk 1 @@ -5,7 +5,7 @@"), std::string::npos) << fails;
}

TEST(ReportMatrixJunit, ACatalogReleaseWithoutSourceFails) {
    World w;
    const auto xml = report::render_matrix_junit(w.m);
    const auto none = suite_of(xml, "4.18.0-305.el8");
    ASSERT_FALSE(none.empty()) << xml;
    EXPECT_NE(none.find("<failure type=\"unavailable\""), std::string::npos) << none;
    EXPECT_NE(none.find("source unavailable: no source given for this release"),
              std::string::npos)
        << none;
    EXPECT_NE(none.find("<property name=\"source\" value=\"catalog\"/>"), std::string::npos);
}
