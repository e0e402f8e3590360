#include <gtest/gtest.h>

#include <kseries/matrix/matrix.hpp>
#include <kseries/source/directory_tree.hpp>

#include "small_series.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;
using namespace kseries::test;
using matrix::CellKind;

namespace {

matrix::RowSource tree_row(const std::filesystem::path& dir, const char* release) {
    matrix::RowSource s;
    s.description = "tree " + dir.string();
    s.named = kernel::parse_release(release);
    s.open = [dir]() -> Expected<matrix::OpenedSource> {
        auto tree = source::DirectoryTree::open(dir);
        if (!tree) {
            return std::unexpected(tree.error());
        }
        return matrix::OpenedSource{std::move(*tree), std::nullopt};
    };
    return s;
}

struct World {
    TempDir series_dir;
    TempDir trees;
    TempDir catalog_dir;
    series::Selection series;
    kernel::Catalog catalog;
    std::vector<matrix::RowSource> sources;

    World() {
        series_dir.write("series", "0001-fix.patch\n");
        series_dir.write("0001-fix.patch", fix_patch);
        series = *series::Selection::open(series_dir.path());
        catalog_dir.write("c.toml", "lineage = \"RHEL 8\"\n"
                                    "[[release]]\nname = \"4.18.0-80.el8\"\npolicy = \"kernel-spec\"\n"
                                    "[[release]]\nname = \"4.18.0-147.el8\"\npolicy = \"kernel-spec\"\n"
                                    "[[release]]\nname = \"4.18.0-193.el8\"\npolicy = \"kernel-spec\"\n"
                                    "[[release]]\nname = \"4.18.0-240.el8\"\npolicy = \"kernel-spec\"\n"
                                    "[[release]]\nname = \"5.14.0-284.el9\"\npolicy = \"git-apply\"\n"
                                    "[[release]]\nname = \"5.14.0-427.el9\"\npolicy = \"git-apply\"\n");
        catalog = *kernel::Catalog::load({catalog_dir.path()});
        const auto add = [&](const char* release, const std::string& content) {
            trees.write(std::string(release) + "/f", content);
            sources.push_back(tree_row(trees.path() / release, release));
        };
        // Given out of order on purpose: rows come back in rpm order.
        add("5.14.0-284.el9", numbered(20));                               // exact
        add("4.18.0-193.el8", replaced(numbered(20), "line 5\n", "l5\n")); // fuzz 1: F1 accepts
        add("4.18.0-240.el8", replaced(replaced(numbered(20), "line 5\n", "l5\n"), "line 6\n",
                                       "l6\n"));                        // fuzz 2: F1 rejects
        add("4.18.0-80.el8", replaced(numbered(20), "line 8\n", "LINE 8\n")); // already applied
        add("4.18.0-147.el8", replaced(numbered(20), "line 8\n", "line eight\n")); // fails
    }
};

} // namespace

TEST(Matrix, judges_each_release_by_its_own_policy) {
    World w;
    matrix::Options options;
    options.jobs = 3;
    options.catalog_rows = {w.catalog.find(*kernel::parse_release("5.14.0-427.el9"))};
    auto m = matrix::run(w.series, "v1", w.sources, w.catalog, options);
    ASSERT_TRUE(m) << m.error().to_string();
    ASSERT_EQ(m->rows.size(), 6u);

    std::vector<std::string> order;
    for (const auto& r : m->rows) {
        order.push_back(r.release.name());
    }
    EXPECT_EQ(order, (std::vector<std::string>{"4.18.0-80.el8", "4.18.0-147.el8", "4.18.0-193.el8",
                                               "4.18.0-240.el8", "5.14.0-284.el9",
                                               "5.14.0-427.el9"}));
    const auto cell = [&](std::size_t row) { return m->rows[row].cells.at(0); };
    EXPECT_EQ(cell(0).kind, CellKind::AlreadyApplied);
    EXPECT_FALSE(cell(0).accepted);
    EXPECT_EQ(cell(1).kind, CellKind::Fails);
    EXPECT_EQ(cell(2).kind, CellKind::Fuzz);
    EXPECT_EQ(cell(2).fuzz, 1);
    EXPECT_TRUE(cell(2).accepted) << "kernel.spec's patch -F1 takes fuzz 1";
    EXPECT_EQ(cell(3).kind, CellKind::Fuzz);
    EXPECT_EQ(cell(3).fuzz, 2);
    EXPECT_FALSE(cell(3).accepted) << "fuzz 2 is beyond kernel.spec's -F1";
    EXPECT_EQ(cell(4).kind, CellKind::Exact);
    EXPECT_TRUE(cell(4).accepted);
    EXPECT_EQ(m->rows[4].policy, kernel::PolicyId::GitApply);
    EXPECT_FALSE(m->rows[5].available());
    EXPECT_EQ(cell(5).kind, CellKind::Unavailable);
    EXPECT_FALSE(m->covered());
}

TEST(Matrix, gives_the_same_result_with_one_job_or_many) {
    World w;
    auto one = matrix::run(w.series, "v1", w.sources, w.catalog, {1, {}, {}});
    auto many = matrix::run(w.series, "v1", w.sources, w.catalog, {8, {}, {}});
    ASSERT_TRUE(one && many);
    ASSERT_EQ(one->rows.size(), many->rows.size());
    for (std::size_t i = 0; i < one->rows.size(); ++i) {
        EXPECT_EQ(one->rows[i].release, many->rows[i].release);
        EXPECT_EQ(one->rows[i].cells[0].kind, many->rows[i].cells[0].kind);
        EXPECT_EQ(one->rows[i].cells[0].accepted, many->rows[i].cells[0].accepted);
    }
}

TEST(Matrix, a_broken_source_is_an_error_naming_it) {
    World w;
    w.sources.push_back(tree_row(w.trees.path() / "missing", "4.18.0-305.el8"));
    auto m = matrix::run(w.series, "v1", w.sources, w.catalog, {2, {}, {}});
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message().find("missing"), std::string::npos) << m.error().to_string();
}

namespace {

// A by-pattern source (a ref a --refs glob matched) over `dir`.
matrix::RowSource pattern_row(const std::filesystem::path& dir, const char* release) {
    auto s = tree_row(dir, release == nullptr ? "" : release);
    s.given = matrix::Given::ByPattern;
    return s;
}

const matrix::Row& row_of(const matrix::Matrix& m, const std::string& source_end) {
    for (const auto& r : m.rows) {
        if (r.source.ends_with(source_end)) {
            return r;
        }
    }
    throw std::runtime_error("no row " + source_end);
}

} // namespace

TEST(Matrix, a_by_pattern_source_without_a_kernel_tree_is_unavailable_and_not_counted) {
    World w;
    w.sources.clear();
    w.trees.write("good/f", numbered(20));
    w.sources.push_back(tree_row(w.trees.path() / "good", "5.14.0-284.el9"));
    // An empty tree under a release's name, and a branch of something else.
    std::filesystem::create_directories(w.trees.path() / "empty");
    w.sources.push_back(pattern_row(w.trees.path() / "empty", "4.18.0-147.el8"));
    w.trees.write("branch/README", "not a kernel\n");
    w.sources.push_back(pattern_row(w.trees.path() / "branch", nullptr));
    // A by-pattern source that cannot be read is its row's error too.
    w.sources.push_back(pattern_row(w.trees.path() / "missing", "4.18.0-193.el8"));
    auto m = matrix::run(w.series, "v1", w.sources, w.catalog, {2, {}, {}});
    ASSERT_TRUE(m) << m.error().to_string();
    ASSERT_EQ(m->rows.size(), 4U);
    const auto& empty = row_of(*m, "/empty");
    EXPECT_FALSE(empty.available());
    EXPECT_TRUE(empty.unusable);
    EXPECT_FALSE(empty.counted);
    EXPECT_EQ(empty.unavailable,
              "not a kernel tree: no kernel Makefile and none of the series' files");
    EXPECT_EQ(empty.cells.at(0).kind, CellKind::Unavailable);
    const auto& branch = row_of(*m, "/branch");
    EXPECT_FALSE(branch.release_known);
    EXPECT_EQ(branch.name(), branch.source);
    EXPECT_EQ(&m->rows.back(), &branch) << "a row of unknown release goes last";
    EXPECT_TRUE(branch.unavailable.starts_with("no release: its name gives none"));
    EXPECT_NE(row_of(*m, "/missing").unavailable.find("missing"), std::string::npos);
    EXPECT_EQ(m->counted_rows(), 1U);
    EXPECT_TRUE(m->covered()) << "the unusable rows do not count";

    // The same empty tree given one by one is not covered.
    w.sources.push_back(tree_row(w.trees.path() / "empty", "4.18.0-80.el8"));
    auto one = matrix::run(w.series, "v1", w.sources, w.catalog, {1, {}, {}});
    ASSERT_TRUE(one);
    ASSERT_EQ(one->rows.size(), 5U);
    EXPECT_TRUE(one->rows[0].counted && one->rows[0].unusable) << one->rows[0].source;
    EXPECT_FALSE(one->covered());

    // Nothing checked is not covered.
    std::vector<matrix::RowSource> only_bad{
        pattern_row(w.trees.path() / "empty", "4.18.0-147.el8")};
    auto none = matrix::run(w.series, "v1", only_bad, w.catalog, {1, {}, {}});
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->covered());
}

TEST(Matrix, a_release_the_catalog_rows_ask_for_counts_whatever_gives_it) {
    World w;
    w.sources.clear();
    std::filesystem::create_directories(w.trees.path() / "empty");
    w.sources.push_back(pattern_row(w.trees.path() / "empty", "4.18.0-147.el8"));
    matrix::Options options;
    options.catalog_rows = {w.catalog.find(*kernel::parse_release("4.18.0-147.el8"))};
    auto m = matrix::run(w.series, "v1", w.sources, w.catalog, options);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->rows.size(), 1U);
    EXPECT_TRUE(m->rows[0].counted);
    EXPECT_FALSE(m->covered());
}

TEST(Matrix, a_kernel_tree_without_the_series_files_fails_for_real) {
    World w;
    w.sources.clear();
    w.trees.write("k/Makefile", "VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\n");
    w.sources.push_back(pattern_row(w.trees.path() / "k", "4.18.0-147.el8"));
    auto m = matrix::run(w.series, "v1", w.sources, w.catalog, {1, {}, {}});
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->rows.at(0).available());
    EXPECT_EQ(m->rows[0].cells.at(0).kind, CellKind::Fails);
    EXPECT_FALSE(m->covered());
}

TEST(Matrix, a_proof_matches_its_release_or_the_release_with_an_architecture) {
    EXPECT_TRUE(matrix::proof_matches("5.14.0-427.el9", "5.14.0-427.el9"));
    EXPECT_TRUE(matrix::proof_matches("5.14.0-427.el9.x86_64", "5.14.0-427.el9"));
    EXPECT_TRUE(matrix::proof_matches("6.12.117+deb12-amd64", "6.12.117"));
    EXPECT_TRUE(matrix::proof_matches("6.12.117-amd64", "6.12.117"));
    EXPECT_FALSE(matrix::proof_matches("5.14.0-427.el9", "5.14.0-42"));
    EXPECT_FALSE(matrix::proof_matches("5.14.0-427.el9", "5.14.0-427.el9.x86_64"));
    EXPECT_FALSE(matrix::proof_matches("5.14.0-427.el9_x", "5.14.0-427.el9"));
    EXPECT_FALSE(matrix::proof_matches("5.14.0-427.el9", ""));
}

TEST(Matrix, attach_proofs_gives_a_row_the_record_of_its_own_version) {
    matrix::Matrix m;
    const auto row = [](const char* release, const char* version) {
        matrix::Row r;
        r.release = *kernel::parse_release(release);
        r.version = version;
        return r;
    };
    m.rows = {row("5.14.0-427.el9", "v2"), row("5.14.0-503.el9", "v3"), row("5.14.0-570.el9", "")};
    m.rows.push_back(row("5.14.0-611.el9", "v3"));
    m.rows.back().release_known = false;
    const auto record = [](const char* version, const char* release) {
        series::ProofRecord p;
        p.version = version;
        p.kernel_release = release;
        return p;
    };
    // v2's proof on 503 is not v3's: 503 gets none; 570 has no version;
    // 611 is not known by its release.
    matrix::attach_proofs(
        m, {record("v2", "5.14.0-427.el9.x86_64"), record("v2", "5.14.0-427.el9.aarch64"),
            record("v2", "5.14.0-503.el9.x86_64"), record("v3", "5.14.0-570.el9.x86_64"),
            record("v3", "5.14.0-611.el9.x86_64")});
    ASSERT_TRUE(m.rows[0].proof);
    EXPECT_EQ(m.rows[0].proof->kernel_release, "5.14.0-427.el9.x86_64");
    EXPECT_FALSE(m.rows[1].proof);
    EXPECT_FALSE(m.rows[2].proof);
    EXPECT_FALSE(m.rows[3].proof);
    EXPECT_TRUE(m.has_proofs());
}
