#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kseries/report/matrix_report.hpp>

#include "zstream_matrix.hpp"

using namespace kseries;
using matrix::Grouping;

namespace {

// The grid's rows: the lines after the header ("release ...") up to the
// blank line that ends the table.
std::vector<std::string> table_rows(const std::string& text) {
    std::vector<std::string> rows;
    auto at = text.find("\nrelease ");
    EXPECT_NE(at, std::string::npos) << text;
    at = text.find('\n', at + 1) + 1;
    for (auto end = text.find('\n', at); end != at && end != std::string::npos;
         at = end + 1, end = text.find('\n', at)) {
        rows.push_back(text.substr(at, end - at));
    }
    return rows;
}

std::string line_with(const std::string& text, const std::string& what) {
    const auto at = text.find(what);
    if (at == std::string::npos) {
        return {};
    }
    const auto begin = text.rfind('\n', at) + 1;
    return text.substr(begin, text.find('\n', at) - begin);
}

} // namespace

TEST(ReportMatrixText, shortens_paths_in_sources_but_keeps_refs) {
    EXPECT_EQ(report::short_source("tree /src/linux-4.18/"), "tree linux-4.18");
    EXPECT_EQ(report::short_source("git /srv/git/alma.git@kernel-4.18.0-305.el8"),
              "git alma.git@kernel-4.18.0-305.el8");
    EXPECT_EQ(report::short_source("git repo@refs/heads/a/b"), "git repo@refs/heads/a/b");
    EXPECT_EQ(report::short_source("srpm /c/kernel-4.18.0-80.el8.src.rpm"),
              "srpm kernel-4.18.0-80.el8.src.rpm");
    EXPECT_EQ(report::short_source("catalog"), "catalog");
    EXPECT_EQ(report::short_source("tree /"), "tree /");
    EXPECT_EQ(report::display_width("4.18.0-305.* — 9 releases"), 25U);
}

TEST(ReportMatrixText, folds_150_zstream_releases_into_at_most_12_rows) {
    const auto m = test::zstream_matrix();
    const auto text = report::render_matrix_text(m, {false}, {Grouping::Minor, false});
    const auto rows = table_rows(text);
    EXPECT_LE(rows.size(), 12U) << text;
    ASSERT_EQ(rows.size(), 11U) << text;
    EXPECT_TRUE(rows[3].starts_with("4.18.0-305.* — 11 releases  kernel.spec  exact  ")) << rows[3];
    EXPECT_TRUE(rows[3].ends_with("  4.18.0-305.el8..4.18.0-305.10.1.el8_4: "
                                  "git almalinux-kernel.git@* (11 refs)"))
        << rows[3];
    EXPECT_TRUE(rows[4].starts_with("4.18.0-305.* — 8 releases   kernel.spec  FAILS  exact"))
        << rows[4];
    EXPECT_TRUE(rows[8].starts_with("4.18.0-425.5.1.el8_7        kernel.spec  n/a  ")) << rows[8];
    EXPECT_TRUE(rows[8].ends_with("  no source given for this release")) << rows[8];
    // Every row's columns line up, whatever the dash's bytes.
    for (const auto& r : rows) {
        EXPECT_EQ(report::display_width(r.substr(0, r.find("kernel.spec"))), 28U) << r;
    }
    EXPECT_EQ(table_rows(report::render_matrix_text(m, {false}, {Grouping::None, false})).size(),
              150U);
    EXPECT_EQ(table_rows(report::render_matrix_text(m, {false}, {Grouping::Lineage, false})).size(),
              5U);
    const auto failures =
        table_rows(report::render_matrix_text(m, {false}, {Grouping::Minor, true}));
    ASSERT_EQ(failures.size(), 6U);
    EXPECT_TRUE(failures[0].starts_with("4.18.0-305.* — 8 releases")) << failures[0];
}

TEST(ReportMatrixText, the_summary_names_the_boundary_releases_before_the_table) {
    const auto m = test::zstream_matrix();
    const auto text = report::render_matrix_text(m, {false});
    const auto first = line_with(text, "RHEL 8   0001");
    EXPECT_EQ(first, "RHEL 8   0001   4.18.0-305.10.1.el8_4  4.18.0-305.11.1.el8_4  82 of 150 "
                     "(1 without source)")
        << text;
    EXPECT_EQ(line_with(text, "RHEL 8   0002"),
              "RHEL 8   0002   4.18.0-477.17.1.el8_8  -                      1 of 150 "
              "(1 without source)");
    EXPECT_LT(text.find("RHEL 8   0001"), text.find("\nrelease "));

    const auto md = report::render_matrix_markdown(m);
    EXPECT_NE(md.find("- RHEL 8 0001: applies up to 4.18.0-305.10.1.el8\\_4, fails from "
                      "4.18.0-305.11.1.el8\\_4; not covered: 82 of 150 (1 without source)\n"),
              std::string::npos)
        << md;
    EXPECT_LT(md.find("- RHEL 8 0001"), md.find("| release |"));
    EXPECT_NE(md.find("| 4.18.0-305.\\* — 11 releases (4.18.0-305.el8 … 4.18.0-305.10.1.el8\\_4) "
                      "| kernel.spec | ✅ exact | ✅ exact |"),
              std::string::npos)
        << md;

    const auto doc = nlohmann::json::parse(report::render_matrix_json(m));
    const auto& s = doc["summary"]["RHEL 8"]["0001-ovl-super.patch"];
    EXPECT_EQ(s["last_applies"], "4.18.0-305.10.1.el8_4");
    EXPECT_EQ(s["first_fails"], "4.18.0-305.11.1.el8_4");
    EXPECT_EQ(s["not_covered"].size(), 82U);
    EXPECT_TRUE(doc["summary"]["RHEL 8"]["0002-ovl-copy-up.patch"]["first_fails"].is_null());
    // JSON keeps the full source.
    EXPECT_EQ(doc["releases"][0]["source"],
              "git /srv/git/almalinux-kernel.git@kernel-4.18.0-147.el8");
}

TEST(ReportMatrixText, the_legend_lines_up_whatever_the_name_widths) {
    auto m = test::zstream_matrix();
    m.patches = {"0001-ovl-super.patch", "fix.patch"};
    const auto text = report::render_matrix_text(m, {false});
    EXPECT_NE(text.find("\n0001  0001-ovl-super.patch\nP2    fix.patch\n"), std::string::npos)
        << text;
}
