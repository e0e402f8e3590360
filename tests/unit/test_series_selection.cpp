#include <gtest/gtest.h>

#include <kseries/series/selection.hpp>

#include "store_fixture.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

const char* const patch_a = test::patch_f;
const char* const patch_b = test::patch_g;
using test::rel;

void write_store(const TempDir& d) {
    d.write("index.toml", "[[map]]\nversion = \"v1\"\nuntil = \"4.18.0-240.el8\"\n"
                          "[[map]]\nversion = \"v2\"\nfrom = \"4.18.0-240.el8\"\n"
                          "releases = [\"4.18.0-*\"]\n");
    d.write("v1/series", "a.patch\nb.patch\n");
    d.write("v1/a.patch", patch_a);
    d.write("v1/b.patch", patch_b);
    d.write("v2/series", "a.patch\n");
    d.write("v2/a.patch", patch_a);
    d.write("v2/version.toml", "parent = \"v1\"\n"
                               "[[patch]]\nname = \"a.patch\"\n"
                               "[[patch.detect]]\nfile = \"include/f.h\"\ncontains = [\"new\"]\n"
                               "[[dropped]]\nname = \"b.patch\"\nreason = \"superseded\"\n"
                               "[[dropped.detect]]\nfile = \"g.c\"\ncontains = [\"y\"]\n");
}

} // namespace

TEST(Selection, a_store_maps_each_release_to_its_version) {
    TempDir d;
    write_store(d);
    auto sel = series::Selection::open(d.path());
    ASSERT_TRUE(sel) << sel.error().message();
    EXPECT_TRUE(sel->mapped());
    ASSERT_NE(sel->store(), nullptr);
    EXPECT_EQ(sel->versions().size(), 2U);
    EXPECT_EQ(sel->pick(rel("4.18.0-193.el8")).version->name, "v1");
    const auto v2 = sel->pick(rel("4.18.0-305.el8"));
    ASSERT_NE(v2.version, nullptr);
    EXPECT_EQ(v2.version->name, "v2");
    ASSERT_NE(v2.rule, nullptr);
    EXPECT_EQ(v2.rule->version, "v2");
    // 5.14.0 is past v1's range and outside v2's patterns.
    EXPECT_EQ(sel->pick(rel("5.14.0-427.el9")).version, nullptr);

    // Columns: every version's patches, and the dropped ones, once each.
    EXPECT_EQ(sel->patch_names(), (std::vector<std::string>{"a.patch", "b.patch"}));
    auto paths = sel->touched_paths();
    ASSERT_TRUE(paths);
    EXPECT_EQ(*paths, (std::set<std::string, std::less<>>{"f.c", "g.c", "include/f.h"}));
}

TEST(Selection, a_version_of_a_store_is_forced_with_its_records) {
    TempDir d;
    write_store(d);
    for (const auto* name : {"v2", "v2/"}) {
        auto sel = series::Selection::open(d.path() / name);
        ASSERT_TRUE(sel) << sel.error().message();
        EXPECT_FALSE(sel->mapped());
        ASSERT_EQ(sel->versions().size(), 1U);
        const auto pick = sel->pick(rel("5.14.0-427.el9"));
        ASSERT_NE(pick.version, nullptr);
        EXPECT_EQ(pick.version->name, "v2");
        EXPECT_EQ(pick.rule, nullptr);
        ASSERT_TRUE(pick.version->meta);
        EXPECT_EQ(pick.version->meta->dropped.size(), 1U);
    }
    auto missing = series::Selection::open(d.path() / "v7");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message().find("not a version of the store"), std::string::npos);
}

TEST(Selection, a_plain_quilt_directory_is_one_version) {
    TempDir d;
    d.write("series", "a.patch\n");
    d.write("a.patch", patch_a);
    auto sel = series::Selection::open(d.path());
    ASSERT_TRUE(sel) << sel.error().message();
    EXPECT_FALSE(sel->mapped());
    EXPECT_EQ(sel->store(), nullptr);
    EXPECT_EQ(sel->pick(rel("4.18.0-80.el8")).version->series.patches.size(), 1U);
}

TEST(Selection, a_broken_version_makes_the_store_an_error) {
    TempDir d;
    write_store(d);
    d.write("v2/series", "a.patch\nmissing.patch\n");
    auto sel = series::Selection::open(d.path());
    ASSERT_FALSE(sel);
    EXPECT_NE(sel.error().message().find("missing.patch"), std::string::npos)
        << sel.error().message();
}

TEST(Selection, says_which_rule_picked_the_version) {
    TempDir d;
    write_store(d);
    auto sel = series::Selection::open(d.path());
    ASSERT_TRUE(sel) << sel.error().message();
    EXPECT_EQ(sel->pick_words(sel->pick(rel("4.18.0-193.el8"))),
              "v1 (index.toml rule 1: until 4.18.0-240.el8)");
    EXPECT_EQ(sel->pick_words(sel->pick(rel("4.18.0-305.el8"))),
              "v2 (index.toml rule 2: from 4.18.0-240.el8 releases 4.18.0-*)");
    EXPECT_EQ(sel->pick_words(sel->pick(rel("5.14.0-427.el9"))),
              "no version (no rule of index.toml matches)");
}

// The shipped store starts at RHEL 7.0's GA kernel: RHEL 6's 2.6.32 has no
// version, every RHEL 7 kernel gets v1.
TEST(Selection, the_shipped_store_maps_rhel7_on_and_not_rhel6) {
    auto sel =
        series::Selection::open(std::string(KSERIES_SOURCE_ROOT) + "/series/overlayfs-nfsroot");
    ASSERT_TRUE(sel) << sel.error().message();
    EXPECT_EQ(sel->pick(rel("2.6.32-754.el6")).version, nullptr);
    EXPECT_EQ(sel->pick(rel("3.10.0-123.el7")).version->name, "v1");
    EXPECT_EQ(sel->pick(rel("3.10.0-1160.el7")).version->name, "v1");
    EXPECT_EQ(sel->pick(rel("4.18.0-193.el8")).version->name, "v1");
    EXPECT_EQ(sel->pick(rel("4.18.0-553.el8_10")).version->name, "v2");
}
