#include <gtest/gtest.h>

#include <kseries/matrix/group.hpp>

#include "zstream_matrix.hpp"

using namespace kseries;
using matrix::Grouping;

TEST(MatrixGroup, parses_the_grouping_keys) {
    EXPECT_EQ(matrix::parse_grouping("none"), Grouping::None);
    EXPECT_EQ(matrix::parse_grouping("minor"), Grouping::Minor);
    EXPECT_EQ(matrix::parse_grouping("lineage"), Grouping::Lineage);
    EXPECT_FALSE(matrix::parse_grouping("major"));
}

TEST(MatrixGroup, names_a_rows_lineage_and_minor) {
    matrix::Row r;
    r.release = *kernel::parse_release("5.14.0-284.30.1.el9_2");
    EXPECT_EQ(matrix::lineage_of(r), "RHEL 9");
    EXPECT_EQ(matrix::minor_of(r), "5.14.0-284.*");
    r.release = kernel::Release{"6.1.158", ""};
    EXPECT_EQ(matrix::lineage_of(r), "other");
    EXPECT_EQ(matrix::minor_of(r), "6.1.158");
    r.release_known = false;
    r.source = "git repo@master";
    EXPECT_EQ(matrix::minor_of(r), "git repo@master");
}

TEST(MatrixGroup, a_rejected_placement_is_failing_but_in_tree_is_not) {
    matrix::Cell c;
    c.kind = matrix::CellKind::Fuzz;
    EXPECT_TRUE(matrix::failing(c));
    c.accepted = true;
    EXPECT_FALSE(matrix::failing(c));
    c.kind = matrix::CellKind::AlreadyApplied;
    c.accepted = false;
    EXPECT_FALSE(matrix::failing(c));
    c.kind = matrix::CellKind::Unavailable;
    EXPECT_FALSE(matrix::failing(c));
    c.kind = matrix::CellKind::Unmapped;
    EXPECT_TRUE(matrix::failing(c));
}

TEST(MatrixGroup, folds_150_zstream_releases_into_runs_of_identical_cells) {
    const auto m = test::zstream_matrix();
    ASSERT_EQ(m.rows.size(), 150U);
    EXPECT_EQ(matrix::group_rows(m, Grouping::None, false).size(), 150U);

    const auto groups = matrix::group_rows(m, Grouping::Minor, false);
    // 8 minors; 8.4 splits where 0001 starts failing, 8.7 around the
    // release without a source.
    ASSERT_EQ(groups.size(), 11U);
    EXPECT_EQ(groups[0].pattern, "4.18.0-147.*");
    EXPECT_EQ(groups[0].rows.size(), 19U);
    EXPECT_EQ(groups[3].pattern, "4.18.0-305.*");
    EXPECT_EQ(groups[3].first().name(), "4.18.0-305.el8");
    EXPECT_EQ(groups[3].last().name(), "4.18.0-305.10.1.el8_4");
    EXPECT_EQ(groups[4].first().name(), "4.18.0-305.11.1.el8_4");
    EXPECT_EQ(groups[4].rows.size(), 8U);
    EXPECT_EQ(groups[8].rows.size(), 1U);
    EXPECT_EQ(groups[8].pattern, "4.18.0-425.5.1.el8_7");
    std::size_t total = 0;
    for (const auto& g : groups) {
        total += g.rows.size();
    }
    EXPECT_EQ(total, 150U);

    // By lineage, runs cross minors: 0-305.10, 305.11-372 less 8.6's
    // offset, ...
    const auto lineage = matrix::group_rows(m, Grouping::Lineage, false);
    ASSERT_EQ(lineage.size(), 5U);
    EXPECT_EQ(lineage[0].pattern, "4.18.0-*");
    EXPECT_EQ(lineage[0].rows.size(), 68U);

    // Only the failing rows; the release without a source, left out, splits
    // 8.7 in two.
    const auto failures = matrix::group_rows(m, Grouping::Minor, true);
    ASSERT_EQ(failures.size(), 6U);
    EXPECT_EQ(failures[3].last().name(), "4.18.0-425.4.1.el8_7");
    EXPECT_EQ(failures[4].first().name(), "4.18.0-425.6.1.el8_7");
    EXPECT_EQ(failures[0].first().name(), "4.18.0-305.11.1.el8_4");
}

TEST(MatrixGroup, summary_names_the_boundary_releases_per_lineage_and_patch) {
    const auto m = test::zstream_matrix();
    const auto s = matrix::summarize(m);
    ASSERT_EQ(s.size(), 2U);
    EXPECT_EQ(s[0].lineage, "RHEL 8");
    EXPECT_EQ(s[0].patch, 0U);
    ASSERT_NE(s[0].last_applies, nullptr);
    ASSERT_NE(s[0].first_fails, nullptr);
    EXPECT_EQ(s[0].last_applies->name(), "4.18.0-305.10.1.el8_4");
    EXPECT_EQ(s[0].first_fails->name(), "4.18.0-305.11.1.el8_4");
    EXPECT_EQ(s[0].releases, 150U);
    EXPECT_EQ(s[0].applies, 68U);
    EXPECT_EQ(s[0].fails, 81U);
    EXPECT_EQ(s[0].unavailable, 1U);
    EXPECT_EQ(s[0].not_covered.size(), 82U);

    ASSERT_NE(s[1].last_applies, nullptr);
    EXPECT_EQ(s[1].last_applies->name(), "4.18.0-477.17.1.el8_8");
    EXPECT_EQ(s[1].first_fails, nullptr);
    ASSERT_EQ(s[1].not_covered.size(), 1U);
    EXPECT_EQ(s[1].not_covered[0]->name(), "4.18.0-425.5.1.el8_7");
}

TEST(MatrixGroup, summary_keeps_lineages_apart_and_leaves_out_rows_that_do_not_count) {
    auto m = test::zstream_matrix();
    matrix::Row nine;
    nine.release = *kernel::parse_release("5.14.0-70.el9");
    nine.report = check::Report{};
    nine.cells = {test::zstream_cell(matrix::CellKind::Exact),
                  test::zstream_cell(matrix::CellKind::Fails)};
    m.rows.push_back(nine);
    matrix::Row branch;
    branch.release_known = false;
    branch.counted = false;
    branch.source = "git repo@master";
    branch.cells = {matrix::Cell{}, matrix::Cell{}};
    m.rows.push_back(branch);
    const auto s = matrix::summarize(m);
    ASSERT_EQ(s.size(), 4U);
    EXPECT_EQ(s[2].lineage, "RHEL 9");
    EXPECT_EQ(s[2].releases, 1U);
    EXPECT_EQ(s[2].last_applies, &m.rows[150]);
    EXPECT_EQ(s[3].first_fails, &m.rows[150]);
}
