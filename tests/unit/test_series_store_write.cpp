#include <gtest/gtest.h>

#include <kseries/series/store.hpp>
#include <kseries/series/store_write.hpp>

#include "store_fixture.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

// A store with v1 only, in a directory whose name is not the series' name.
void write_store(const TempDir& d, const std::string& dir, const std::string& index) {
    d.write(dir + "/index.toml", index);
    d.write(dir + "/v1/series", "a.patch\n");
    d.write(dir + "/v1/a.patch", test::patch_f);
}

series::NewVersion next_version(const char* name) {
    series::NewVersion v;
    v.meta.name = name;
    v.meta.parent = "v1";
    v.meta.base = test::rel("6.12.0-55.el10");
    v.patches.emplace_back("a.patch", test::patch_f);
    return v;
}

} // namespace

TEST(StoreWrite, names_the_series_as_index_toml_does_not_as_its_directory) {
    TempDir d;
    write_store(d, "copy-of-store", "name = \"overlayfs-nfsroot\"\n[[map]]\nversion = \"v1\"\n");
    auto store = series::Store::open(d.path() / "copy-of-store");
    ASSERT_TRUE(store) << store.error().message();
    auto written = series::write_version(*store, next_version("v2"));
    ASSERT_TRUE(written) << written.error().message();
    EXPECT_EQ(*written, d.path() / "copy-of-store" / "v2");
    const std::string series = d.read("copy-of-store/v2/series");
    EXPECT_EQ(series.substr(0, series.find('\n')),
              "# overlayfs-nfsroot v2, made for 6.12.0-55.el10");
    EXPECT_NE(series.find("a.patch -p1\n"), std::string::npos);
}

TEST(StoreWrite, a_store_without_a_name_is_named_by_its_directory_even_with_a_trailing_slash) {
    TempDir d;
    write_store(d, "ovl", "[[map]]\nversion = \"v1\"\n");
    auto store = series::Store::open(d.path() / "ovl/");
    ASSERT_TRUE(store) << store.error().message();
    EXPECT_EQ(store->name(), "ovl");
    auto written = series::write_version(*store, next_version("v2"));
    ASSERT_TRUE(written) << written.error().message();
    EXPECT_TRUE(d.read("ovl/v2/series").starts_with("# ovl v2,"));
}

TEST(StoreWrite, never_replaces_a_version_and_leaves_no_temporary) {
    TempDir d;
    write_store(d, "s", "name = \"s\"\n[[map]]\nversion = \"v1\"\n");
    auto store = series::Store::open(d.path() / "s");
    ASSERT_TRUE(store) << store.error().message();
    auto written = series::write_version(*store, next_version("v1"));
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind(), ErrorKind::Usage);
    EXPECT_NE(written.error().message().find("already exists"), std::string::npos);
    EXPECT_EQ(d.read("s/v1/series"), "a.patch\n");
    for (const auto& e : std::filesystem::directory_iterator(d.path() / "s")) {
        EXPECT_FALSE(e.path().filename().string().starts_with(".v1.tmp-")) << e.path();
    }
}

TEST(StoreWrite, the_next_free_name_moves_on_when_the_name_was_taken) {
    TempDir d;
    write_store(d, "s", "name = \"s\"\n[[map]]\nversion = \"v1\"\n");
    auto store = series::Store::open(d.path() / "s");
    ASSERT_TRUE(store) << store.error().message();
    auto v = next_version("v1");
    v.next_free_name = true;
    auto written = series::write_version(*store, v);
    ASSERT_TRUE(written) << written.error().message();
    EXPECT_EQ(written->filename(), "v2");
    EXPECT_NE(d.read("s/v2/version.toml").find("version = \"v2\""), std::string::npos);
}

TEST(StoreWrite, a_skipped_patch_is_written_as_skipped_and_reads_back) {
    TempDir d;
    write_store(d, "s", "name = \"s\"\n[[map]]\nversion = \"v1\"\n");
    d.write("s/v1/series", "a.patch\nb.patch\n");
    d.write("s/v1/b.patch", test::patch_g);
    auto store = series::Store::open(d.path() / "s");
    ASSERT_TRUE(store) << store.error().message();
    auto v = next_version("v2");
    series::DroppedPatch skipped;
    skipped.name = "b.patch";
    skipped.reason = "needs a rework";
    series::DetectRule rule;
    rule.all.push_back({"g.c", {"y"}, {}});
    skipped.detect = rule;
    v.meta.skipped.push_back(skipped);
    const auto toml = series::version_toml(v.meta);
    EXPECT_NE(toml.find("[[skipped]]\nname = \"b.patch\"\nreason = \"needs a rework\"\n"
                        "[[skipped.detect]]\n"),
              std::string::npos)
        << toml;
    auto written = series::write_version(*store, v);
    ASSERT_TRUE(written) << written.error().message();
    auto back = series::read_version(*written);
    ASSERT_TRUE(back) << back.error().message();
    ASSERT_EQ(back->skipped.size(), 1U);
    EXPECT_EQ(back->skipped[0].reason, "needs a rework");
    ASSERT_TRUE(back->skipped[0].detect);
    EXPECT_TRUE(back->dropped.empty());
}
