#include <gtest/gtest.h>

#include <kseries/matrix/matrix.hpp>
#include <kseries/report/matrix_report.hpp>
#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

std::string numbered(int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) {
        out += "line " + std::to_string(i) + "\n";
    }
    return out;
}

const std::string fix_patch = "A fix, with a description long enough to pass kernel.spec.\n\n"
                              "--- a/f\n+++ b/f\n@@ -5,7 +5,7 @@\n line 5\n line 6\n line 7\n"
                              "-line 8\n+LINE 8\n line 9\n line 10\n line 11\n";

// One patch on a release it fits (193), one it fails (240) and a catalog
// release without a source (305).
struct World {
    TempDir dir;
    series::Selection selection;
    kernel::Catalog catalog;
    matrix::Matrix m;

    World() {
        dir.write("s/series", "0001-fix.patch\n");
        dir.write("s/0001-fix.patch", fix_patch);
        dir.write("c.toml", "lineage = \"RHEL 8\"\n"
                            "[[release]]\nname = \"4.18.0-193.el8\"\npolicy = \"kernel-spec\"\n"
                            "[[release]]\nname = \"4.18.0-240.el8\"\npolicy = \"kernel-spec\"\n"
                            "[[release]]\nname = \"4.18.0-305.el8\"\npolicy = \"kernel-spec\"\n");
        dir.write("193/f", numbered(20));
        std::string other = numbered(20);
        other.replace(other.find("line 8\n"), 7, "line eight\n");
        dir.write("240/f", other);
        selection = *series::Selection::open(dir.path() / "s");
        catalog = *kernel::Catalog::load({dir.path() / "c.toml"});
        std::vector<matrix::RowSource> sources{row("193", "4.18.0-193.el8"),
                                               row("240", "4.18.0-240.el8")};
        matrix::Options options;
        options.catalog_rows = {catalog.find(*kernel::parse_release("4.18.0-305.el8"))};
        m = *matrix::run(selection, "s", sources, catalog, options);
    }

    [[nodiscard]] matrix::RowSource row(const char* sub, const char* release) const {
        matrix::RowSource s;
        const auto p = (dir.path() / sub).string();
        s.description = "tree " + p;
        s.named = kernel::parse_release(release);
        s.open = [p]() -> Expected<matrix::OpenedSource> {
            return matrix::OpenedSource{KSERIES_TRY(source::DirectoryTree::open(p)), std::nullopt};
        };
        return s;
    }
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
