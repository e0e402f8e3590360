#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kseries/report/matrix_report.hpp>
#include <kseries/util/version.hpp>

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
    EXPECT_EQ(doc["kseries_version"], std::string(version()));
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
    // The filter box's script is inline: nothing is fetched.
    EXPECT_NE(html.find("<script>"), std::string::npos);
    EXPECT_EQ(html.find("<script src"), std::string::npos);
}

namespace {

// sample() with the release's version v2 and a boot proof of it: one fix
// proved, one drop reproduced (the record is wrong), so the proof fails.
matrix::Matrix with_proof() {
    auto m = sample();
    m.versioned = true;
    m.rows[0].version = "v2";
    series::ProofRecord p;
    p.store = "x";
    p.version = "v2";
    p.kernel_release = "4.18.0-193.el8.x86_64";
    p.date = "2026-12-01T12:00:00Z";
    series::ScenarioRecord estale;
    estale.scenario = "estale";
    estale.patch = "0001-a.patch";
    estale.verdict = series::ProofVerdict::Proved;
    series::ScenarioRecord acl;
    acl.scenario = "copyup-acl";
    acl.patch = "0002-b.patch";
    acl.expect = series::Expect::NotReproducible;
    acl.verdict = series::ProofVerdict::Reproduced;
    p.scenarios = {estale, acl};
    m.rows[0].proof = p;
    return m;
}

} // namespace

TEST(MatrixReport, a_row_with_a_boot_proof_shows_it_in_every_format) {
    const auto m = with_proof();
    const auto text = report::render_matrix_text(m, {false});
    EXPECT_NE(text.find("0002  boot proof  source\n"), std::string::npos) << text;
    EXPECT_NE(text.find("n/a   not proved  no source given"), std::string::npos) << text;
    EXPECT_NE(text.find("boot proof: what `kseries verify --boot` recorded"), std::string::npos);

    const auto md = report::render_matrix_markdown(m);
    EXPECT_NE(md.find("| release | policy | 0001 | 0002 | boot proof |\n|:--|:--|:-:|:-:|:-:|\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| ➖ n/a | ❌ not proved |\n"), std::string::npos) << md;

    const auto doc = nlohmann::json::parse(report::render_matrix_json(m));
    const auto& proof = doc["releases"][0]["proof"];
    EXPECT_EQ(proof["version"], "v2");
    EXPECT_EQ(proof["kernel_release"], "4.18.0-193.el8.x86_64");
    EXPECT_EQ(proof["verdict"], "not-proved");
    ASSERT_EQ(proof["scenarios"].size(), 2U);
    EXPECT_EQ(proof["scenarios"][1], nlohmann::json({{"scenario", "copyup-acl"},
                                                     {"patch", "0002-b.patch"},
                                                     {"verdict", "reproduced"}}));

    const auto html = report::render_matrix_html(m);
    EXPECT_NE(html.find("<th>boot proof</th><th>source</th>"), std::string::npos);
    EXPECT_NE(html.find("<td class=\"proof bad\" title=\"v2 on 4.18.0-193.el8.x86_64\nestale "
                        "(0001-a.patch): proved\ncopyup-acl (0002-b.patch): reproduced\">not "
                        "proved</td>"),
              std::string::npos)
        << html;

    const auto xml = report::render_matrix_junit(m);
    EXPECT_NE(xml.find(R"(<testsuites name="kseries matrix: series/x/v1" tests="4" failures="3")"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("name=\"boot proof: estale\" time=\"0\">\n      <system-out>estale "
                       "(0001-a.patch): proved</system-out>"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("name=\"boot proof: copyup-acl\" time=\"0\">\n      <failure "
                       "type=\"reproduced\" message=\"copyup-acl (0002-b.patch): reproduced\">"),
              std::string::npos)
        << xml;
}

TEST(MatrixReport, without_a_boot_proof_nothing_changes) {
    auto m = with_proof();
    m.rows[0].proof.reset();
    auto plain = sample();
    plain.versioned = true;
    plain.rows[0].version = "v2";
    EXPECT_EQ(report::render_matrix_text(m, {false}), report::render_matrix_text(plain, {false}));
    EXPECT_EQ(report::render_matrix_text(m, {false}).find("boot proof"), std::string::npos);
    EXPECT_EQ(report::render_matrix_markdown(m).find("boot proof"), std::string::npos);
    EXPECT_EQ(report::render_matrix_json(m).find("\"proof\""), std::string::npos);
    EXPECT_EQ(report::render_matrix_html(m).find("boot proof"), std::string::npos);
    EXPECT_EQ(report::render_matrix_junit(m).find("boot proof"), std::string::npos);
    // A second row with a proof brings the column, "-" on this one.
    auto two = with_proof();
    two.rows.push_back(m.rows[0]);
    EXPECT_NE(report::render_matrix_text(two, {false}).find("n/a   -           no source"),
              std::string::npos)
        << report::render_matrix_text(two, {false});
}
