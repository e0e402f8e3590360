#include <gtest/gtest.h>

#include <kseries/series/store.hpp>
#include <kseries/source/directory_tree.hpp>

#include "store_fixture.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

const char* const patch_a = test::patch_f;
const char* const patch_b = test::patch_g;
using test::rel;

// A store of two versions: v1 carries a and b, v2 only a (b dropped).
void write_store(const TempDir& d, const std::string& index) {
    d.write("index.toml", index);
    d.write("v1/series", "a.patch\nb.patch\n");
    d.write("v1/a.patch", patch_a);
    d.write("v1/b.patch", patch_b);
    d.write("v2/series", "a.patch\n");
    d.write("v2/a.patch", patch_a);
    d.write("v2/version.toml", "version = \"v2\"\nparent = \"v1\"\nbase = \"4.18.0-240.el8\"\n"
                               "[[dropped]]\nname = \"b.patch\"\nreason = \"superseded upstream\"\n"
                               "[[dropped.detect]]\nfile = \"g.c\"\ncontains = [\"y\"]\n");
}

const char* const two_rules = "name = \"s\"\n"
                              "[[map]]\nversion = \"v1\"\nuntil = \"4.18.0-240.el8\"\n"
                              "[[map]]\nversion = \"v2\"\nfrom = \"4.18.0-240.el8\"\n";

} // namespace

TEST(Store, maps_releases_to_versions_in_rpm_order) {
    TempDir d;
    write_store(d, two_rules);
    auto store = series::Store::open(d.path());
    ASSERT_TRUE(store) << store.error().message();
    ASSERT_EQ(store->versions().size(), 2U);
    EXPECT_EQ(store->versions()[1].parent, "v1");
    EXPECT_EQ(store->select(rel("3.10.0-1160.el7"))->version, "v1");
    EXPECT_EQ(store->select(rel("4.18.0-193.el8"))->version, "v1");
    EXPECT_EQ(store->select(rel("4.18.0-240.el8"))->version, "v2");
    EXPECT_EQ(store->select(rel("4.18.0-240.1.1.el8_3"))->version, "v2");
    EXPECT_EQ(store->select(rel("5.14.0-427.el9"))->version, "v2");
    EXPECT_EQ(store->mapping()[0].describe(), "r < 4.18.0-240.el8");
}

TEST(Store, an_unmatched_release_maps_to_nothing) {
    TempDir d;
    write_store(d, "[[map]]\nversion = \"v1\"\nfrom = \"4.18.0\"\nreleases = [\"*.el8*\"]\n");
    auto store = series::Store::open(d.path());
    ASSERT_TRUE(store) << store.error().message();
    // A bare version bound sorts below every release of that version.
    EXPECT_NE(store->select(rel("4.18.0-80.el8")), nullptr);
    EXPECT_EQ(store->select(rel("5.14.0-427.el9")), nullptr);
    EXPECT_EQ(store->select(rel("3.10.0-1160.el7")), nullptr);
}

TEST(Store, bad_indexes_are_errors_naming_file_and_line) {
    TempDir d;
    write_store(d, "[[map]]\nversion = \"v1\"\n\n[[map]]\nversion = \"v9\"\n");
    auto store = series::Store::open(d.path());
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message().find("v9"), std::string::npos);
    EXPECT_EQ(store.error().location().line, 4U);

    write_store(d, "[[map]]\nversion = \"v1\"\nfrom = \"4.18.0-240.el8\"\nuntil = \"4.18.0-80.el8\"\n");
    store = series::Store::open(d.path());
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message().find("empty"), std::string::npos);

    write_store(d, "[[map]]\nversion = \"v1\"\nuntil = \"not a release\"\n");
    store = series::Store::open(d.path());
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().location().line, 3U);

    write_store(d, "[[map]]\nversoin = \"v1\"\n");
    store = series::Store::open(d.path());
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message().find("versoin"), std::string::npos);
}

TEST(Store, a_parent_must_be_an_earlier_version) {
    TempDir d;
    write_store(d, two_rules);
    d.write("v1/version.toml", "parent = \"v2\"\n");
    auto store = series::Store::open(d.path());
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message().find("earlier"), std::string::npos);
}

TEST(Version, reads_records_and_cross_checks_them_with_the_series_file) {
    TempDir d;
    write_store(d, two_rules);
    auto v2 = series::read_version(d.path() / "v2");
    ASSERT_TRUE(v2) << v2.error().message();
    EXPECT_EQ(v2->base->name(), "4.18.0-240.el8");
    ASSERT_EQ(v2->dropped.size(), 1U);
    EXPECT_EQ(v2->dropped[0].reason, "superseded upstream");
    ASSERT_TRUE(v2->dropped[0].detect);
    EXPECT_EQ(v2->dropped[0].detect->files(), std::vector<std::string>{"g.c"});

    // A dropped patch that is still in the series file is a contradiction.
    d.write("v2/series", "a.patch\nb.patch\n");
    d.write("v2/b.patch", patch_b);
    auto bad = series::read_version(d.path() / "v2");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message().find("still in v2/series"), std::string::npos);
    EXPECT_EQ(bad.error().location().line, 4U);

    // A record for a patch the version does not carry.
    d.write("v1/version.toml", "[[patch]]\nname = \"c.patch\"\nupstream = \"x\"\n");
    bad = series::read_version(d.path() / "v1");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message().find("not in v1/series"), std::string::npos);
}

TEST(Version, refuses_bad_values) {
    TempDir d;
    write_store(d, two_rules);
    const auto refused = [&](const std::string& toml, const std::string& words) {
        d.write("v1/version.toml", toml);
        auto v = series::read_version(d.path() / "v1");
        ASSERT_FALSE(v) << toml;
        EXPECT_NE(v.error().message().find(words), std::string::npos) << v.error().message();
    };
    refused("version = \"v3\"\n", "the directory is v1");
    refused("[base_blobs]\n\"f.c\" = \"1234\"\n", "40-digit");
    refused("[base_blobs]\n\"../f.c\" = \"0123456789abcdef0123456789abcdef01234567\"\n", "../f.c");
    refused("[[patch]]\nname = \"a.patch\"\n[[patch.detect]]\nfile = \"/etc/passwd\"\n"
            "contains = [\"x\"]\n",
            "/etc/passwd");
    refused("[[patch]]\nname = \"a.patch\"\n[[patch.detect]]\nfile = \"f.c\"\n", "'contains'");
    refused("colour = 1\n", "colour");
}

TEST(DetectRule, holds_only_when_every_condition_does) {
    TempDir tree;
    tree.write("g.c", "int y;\n");
    tree.write("h.c", "old\n");
    auto dir = source::DirectoryTree::open(tree.path());
    ASSERT_TRUE(dir);
    series::DetectRule rule;
    rule.all.push_back({"g.c", {"y;"}, {}});
    EXPECT_TRUE(*rule.holds(**dir));
    rule.all.push_back({"h.c", {}, {"old"}});
    EXPECT_FALSE(*rule.holds(**dir));
    rule.all.back().lacks = {"new"};
    EXPECT_TRUE(*rule.holds(**dir));
    rule.all.push_back({"missing.c", {"x"}, {}});
    EXPECT_FALSE(*rule.holds(**dir));
}

TEST(Version, reads_skipped_patches_and_refuses_malformed_ones_with_file_and_line) {
    TempDir d;
    write_store(d, two_rules);
    d.write("v2/version.toml", "version = \"v2\"\nparent = \"v1\"\n"
                               "[[skipped]]\nname = \"b.patch\"\nreason = \"needs a rework\"\n"
                               "[[skipped.detect]]\nfile = \"g.c\"\ncontains = [\"y\"]\n");
    auto v2 = series::read_version(d.path() / "v2");
    ASSERT_TRUE(v2) << v2.error().message();
    ASSERT_EQ(v2->skipped.size(), 1U);
    EXPECT_TRUE(v2->dropped.empty());
    EXPECT_EQ(v2->skipped[0].name, "b.patch");
    EXPECT_EQ(v2->skipped[0].reason, "needs a rework");
    ASSERT_TRUE(v2->skipped[0].detect);
    EXPECT_EQ(v2->skipped[0].detect->files(), std::vector<std::string>{"g.c"});

    const std::string file = (d.path() / "v2" / "version.toml").string();
    const auto refused = [&](const std::string& toml, const std::string& words, std::size_t line) {
        d.write("v2/version.toml", toml);
        auto v = series::read_version(d.path() / "v2");
        ASSERT_FALSE(v) << toml;
        EXPECT_NE(v.error().message().find(words), std::string::npos) << v.error().message();
        EXPECT_EQ(v.error().location().file, file);
        EXPECT_EQ(v.error().location().line, line) << v.error().message();
    };
    refused("parent = \"v1\"\n[[skipped]]\nname = \"b.patch\"\n", "'reason'", 2);
    refused("parent = \"v1\"\n\n[[skipped]]\nname = \"b.patch\"\nreason = \"x\"\nwhy = \"y\"\n",
            "why", 6);
    refused("[[skipped]]\nname = \"a.patch\"\nreason = \"x\"\n", "still in v2/series", 1);
    refused("[[dropped]]\nname = \"b.patch\"\nreason = \"x\"\n"
            "[[skipped]]\nname = \"b.patch\"\nreason = \"y\"\n",
            "also [[dropped]]", 4);
}
