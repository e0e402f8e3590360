#include "temp_dir.hpp"

#include <kseries/matrix/matrix.hpp>
#include <kseries/source/directory_tree.hpp>

#include <gtest/gtest.h>

using namespace kseries;
using matrix::CellKind;
using kseries::test::TempDir;

namespace {

std::string numbered(int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) {
        out += "line " + std::to_string(i) + "\n";
    }
    return out;
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
}

const std::string patch_text = "A fix, with a description long enough to pass kernel.spec.\n\n"
                               "--- a/f\n+++ b/f\n@@ -5,7 +5,7 @@\n line 5\n line 6\n line 7\n"
                               "-line 8\n+LINE 8\n line 9\n line 10\n line 11\n";

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
        series_dir.write("0001-fix.patch", patch_text);
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
    EXPECT_EQ(m->rows[4].policy, check::PolicyId::GitApply);
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
