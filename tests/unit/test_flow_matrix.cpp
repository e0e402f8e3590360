#include <gtest/gtest.h>

#include <kseries/flow/matrix.hpp>

#include "small_series.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;
using namespace kseries::test;

namespace {

// A series of one patch, a catalog of two releases and a tree for each:
// one the patch fits, one it does not.
struct World {
    TempDir dir;
    World() {
        dir.write("series/series", "0001-fix.patch\n");
        dir.write("series/0001-fix.patch", fix_patch);
        dir.write("catalog/c.toml", "lineage = \"RHEL 8\"\n"
                                    "[[release]]\nname = \"4.18.0-193.el8\"\npolicy = \"kernel-spec\"\n"
                                    "[[release]]\nname = \"4.18.0-240.el8\"\npolicy = \"kernel-spec\"\n");
        dir.write("fits/f", numbered(20));
        const std::string other = conflicting_file();
        dir.write("fails/f", other);
    }
    [[nodiscard]] std::string at(const char* rel) const { return (dir.path() / rel).string(); }
    [[nodiscard]] flow::MatrixRequest request(std::vector<std::string> trees) const {
        flow::MatrixRequest r;
        r.source.series = at("series");
        r.trees = std::move(trees);
        r.catalogs = {at("catalog")};
        r.cache = at("cache");
        return r;
    }
};

} // namespace

TEST(FlowMatrix, ReleaseEqualsDirRowsAreCheckedInRpmOrder) {
    World w;
    const auto result = flow::matrix(w.request(
        {"4.18.0-240.el8=" + w.at("fails"), "4.18.0-193.el8=" + w.at("fits")}));
    ASSERT_TRUE(result) << result.error().to_string();
    const auto& m = result->matrix;
    ASSERT_EQ(m.rows.size(), 2U);
    EXPECT_EQ(m.rows[0].release.name(), "4.18.0-193.el8");
    EXPECT_EQ(m.rows[0].source, "tree " + w.at("fits"));
    EXPECT_EQ(m.rows[0].cells[0].kind, matrix::CellKind::Exact);
    EXPECT_EQ(m.rows[1].cells[0].kind, matrix::CellKind::Fails);
    EXPECT_FALSE(m.covered());
    // The rows point into the catalog the result keeps.
    ASSERT_NE(m.rows[0].entry, nullptr);
    EXPECT_EQ(m.rows[0].entry->release.name(), "4.18.0-193.el8");
}

TEST(FlowMatrix, CatalogReleasesWithoutASourceAreUnavailableRows) {
    World w;
    auto request = w.request({"4.18.0-193.el8=" + w.at("fits")});
    request.releases = {"4.18.0-*"};
    const auto result = flow::matrix(request);
    ASSERT_TRUE(result) << result.error().to_string();
    ASSERT_EQ(result->matrix.rows.size(), 2U);
    EXPECT_TRUE(result->matrix.rows[0].available());
    EXPECT_FALSE(result->matrix.rows[1].available());
    EXPECT_EQ(result->matrix.rows[1].source, "catalog");
    EXPECT_FALSE(result->matrix.covered());
}

TEST(FlowMatrix, NoRowsIsAUsageError) {
    World w;
    const auto result = flow::matrix(w.request({}));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind(), ErrorKind::Usage);
    EXPECT_NE(result.error().to_string().find("no releases: give --tree DIR"), std::string::npos);
}

TEST(FlowMatrix, ABadReleaseNameKeepsTheTreeMessage) {
    World w;
    const auto result = flow::matrix(w.request({"4.18=" + w.at("fits")}));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind(), ErrorKind::Usage);
    EXPECT_NE(result.error().to_string().find("--tree 4.18=" + w.at("fits") +
                                              ": '4.18' is not a kernel release like "
                                              "4.18.0-193.el8"),
              std::string::npos)
        << result.error().to_string();
}

TEST(FlowMatrix, TreeRowsAreNamedAsTheGrammarNamesThem) {
    World w;
    w.dir.write("kernel-4.18.0-240.el8.src.rpm", "not opened until the row is checked");
    w.dir.write("linux-4.18.0-193.el8.tar.xz", "not opened until the row is checked");
    const source::WantedPaths none;

    const auto dir = flow::tree_row(w.at("fits"), none);
    ASSERT_TRUE(dir) << dir.error().to_string();
    EXPECT_EQ(dir->description, "tree " + w.at("fits"));
    EXPECT_FALSE(dir->named); // told by its Makefiles
    EXPECT_EQ(dir->name_hint, "RELEASE=DIR");

    const auto srpm = flow::tree_row(w.at("kernel-4.18.0-240.el8.src.rpm"), none);
    ASSERT_TRUE(srpm) << srpm.error().to_string();
    EXPECT_EQ(srpm->description, "srpm " + w.at("kernel-4.18.0-240.el8.src.rpm"));
    ASSERT_TRUE(srpm->named);
    EXPECT_EQ(srpm->named->name(), "4.18.0-240.el8");
    EXPECT_EQ(srpm->named_by, kernel::ReleaseOrigin::SrpmName);

    const auto tarball = flow::tree_row(w.at("linux-4.18.0-193.el8.tar.xz"), none);
    ASSERT_TRUE(tarball) << tarball.error().to_string();
    EXPECT_EQ(tarball->description, "tarball " + w.at("linux-4.18.0-193.el8.tar.xz"));
    ASSERT_TRUE(tarball->named);
    EXPECT_EQ(tarball->named_by, kernel::ReleaseOrigin::TarballName);
    // Opening it reads the file: this one is no tarball.
    EXPECT_FALSE(tarball->open());

    const auto given = flow::tree_row("4.18.0-80.el8=" + w.at("linux-4.18.0-193.el8.tar.xz"), none);
    ASSERT_TRUE(given) << given.error().to_string();
    ASSERT_TRUE(given->named);
    EXPECT_EQ(given->named->name(), "4.18.0-80.el8"); // RELEASE= wins over the file's name
    EXPECT_EQ(given->named_by, kernel::ReleaseOrigin::Given);
}

TEST(FlowMatrix, AMissingDirectoryStopsTheRun) {
    World w;
    const auto result = flow::matrix(w.request({w.at("nowhere")}));
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().to_string().find("nowhere"), std::string::npos);
}
