#include <kseries/report/matrix_report.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
    EXPECT_EQ(report::cell_text({CellKind::Exact, true, check::Verdict::Applies, 0, 0}), "exact");
    EXPECT_EQ(report::cell_text({CellKind::Offset, true, check::Verdict::Applies, 0, -3}),
              "offset -3");
    EXPECT_EQ(report::cell_text({CellKind::Fuzz, false, check::Verdict::Fails, 2, 0}),
              "fuzz 2 (rejected)");
    EXPECT_EQ(report::cell_text({CellKind::Exact, false, check::Verdict::Skipped, 0, 0}),
              "exact (skipped)");
    EXPECT_EQ(report::cell_text({CellKind::AlreadyApplied, false, check::Verdict::AlreadyApplied,
                                 0, 0}),
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
    EXPECT_NE(md.find("| `4.18.0-193.el8` | kernel.spec | ➖ n/a | ➖ n/a |"), std::string::npos)
        << md;
    EXPECT_NE(md.find("**0 of 1 releases covered.**"), std::string::npos);

    const auto text = report::render_matrix_text(m, {false});
    EXPECT_NE(text.find("no source given for this release"), std::string::npos) << text;
    EXPECT_NE(text.find("0 of 1 releases covered"), std::string::npos);
}
