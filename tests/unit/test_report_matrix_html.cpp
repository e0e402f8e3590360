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

// A one-patch series named with markup, checked on a release it fits, one
// it fails and one of the catalog without a source.
struct World {
    TempDir dir;
    series::Selection selection;
    kernel::Catalog catalog;
    matrix::Matrix m;

    World() {
        dir.write("s<&>/series", "0001-fix.patch\n");
        dir.write("s<&>/0001-fix.patch", fix_patch);
        dir.write("c.toml", "lineage = \"RHEL 8\"\n"
                            "[[release]]\nname = \"4.18.0-193.el8\"\npolicy = \"kernel-spec\"\n"
                            "[[release]]\nname = \"4.18.0-240.el8\"\npolicy = \"kernel-spec\"\n"
                            "[[release]]\nname = \"4.18.0-305.el8\"\npolicy = \"kernel-spec\"\n");
        dir.write("193/f", numbered(20));
        std::string other = numbered(20);
        other.replace(other.find("line 8\n"), 7, "line eight\n");
        dir.write("240/f", other);
        selection = *series::Selection::open(dir.path() / "s<&>");
        catalog = *kernel::Catalog::load({dir.path() / "c.toml"});
        std::vector<matrix::RowSource> sources{row("193", "4.18.0-193.el8"),
                                               row("240", "4.18.0-240.el8")};
        matrix::Options options;
        options.catalog_rows = {catalog.find(*kernel::parse_release("4.18.0-305.el8"))};
        m = *matrix::run(selection, "s<&>", sources, catalog, options);
    }

    [[nodiscard]] matrix::RowSource row(const char* sub, const char* release) const {
        matrix::RowSource s;
        s.description = "tree " + sub_path(sub);
        s.named = kernel::parse_release(release);
        s.open = [p = sub_path(sub)]() -> Expected<matrix::OpenedSource> {
            return matrix::OpenedSource{KSERIES_TRY(source::DirectoryTree::open(p)), std::nullopt};
        };
        return s;
    }
    [[nodiscard]] std::string sub_path(const char* sub) const { return (dir.path() / sub).string(); }
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
