#include <set>
#include <string>

#include <gtest/gtest.h>

#include <kseries/kernel/catalog_paths.hpp>

using kseries::kernel::built_in_catalog_dirs;
using kseries::kernel::CatalogOrigin;
using kseries::kernel::CatalogSearch;
using kseries::kernel::choose_catalog;
namespace fs = std::filesystem;

namespace {

// The paths that "exist" for a test: a fake disk, so the search is tested
// without touching the real one.
std::set<std::string> on_disk;
bool fake_exists(const fs::path& p) {
    return on_disk.contains(p.string());
}

const fs::path installed = "/usr/local/share/kseries/kernels";
const fs::path source = "/src/kseries/kernels";

} // namespace

TEST(KernelCatalogPaths, catalog_option_wins_and_is_read_as_given) {
    on_disk = {installed.string(), "/env/cat"};
    auto c = choose_catalog({{"/mine/missing.toml"}, "/env/cat", {installed}}, fake_exists);
    EXPECT_EQ(c.origin, CatalogOrigin::Option);
    ASSERT_EQ(c.paths.size(), 1u);
    EXPECT_EQ(c.paths[0], "/mine/missing.toml");
    EXPECT_EQ(c.how, "--catalog");
}

TEST(KernelCatalogPaths, environment_is_a_path_list_of_existing_entries) {
    on_disk = {"/a", "/c.toml", installed.string()};
    auto c = choose_catalog({{}, "/a::/b:/c.toml:", {installed}}, fake_exists);
    EXPECT_EQ(c.origin, CatalogOrigin::Environment);
    EXPECT_EQ(c.paths, (std::vector<fs::path>{"/a", "/c.toml"}));
    EXPECT_EQ(c.skipped, std::vector<std::string>{"/b (from $KSERIES_CATALOG)"});
}

TEST(KernelCatalogPaths, environment_naming_nothing_falls_back_to_the_built_in) {
    on_disk = {source.string()};
    auto c = choose_catalog({{}, "/nowhere", {installed, source}}, fake_exists);
    EXPECT_EQ(c.origin, CatalogOrigin::BuiltIn);
    EXPECT_EQ(c.paths, std::vector<fs::path>{source});
    // The built-in places before the one found are not warned about.
    EXPECT_EQ(c.skipped, std::vector<std::string>{"/nowhere (from $KSERIES_CATALOG)"});
}

TEST(KernelCatalogPaths, nothing_found_is_said_with_every_place_looked_at) {
    on_disk = {};
    auto c = choose_catalog({{}, "/nowhere", {installed, source}}, fake_exists);
    EXPECT_EQ(c.origin, CatalogOrigin::None);
    EXPECT_TRUE(c.paths.empty());
    EXPECT_EQ(c.skipped.size(), 3u);
    c = choose_catalog({{}, std::nullopt, {installed, source}}, fake_exists);
    EXPECT_EQ(c.origin, CatalogOrigin::None);
    EXPECT_EQ(c.skipped.size(), 2u);
}

const fs::path relative = "../share/kseries/kernels";

TEST(KernelCatalogPaths, an_installed_binary_reads_the_catalog_beside_it) {
    EXPECT_EQ(built_in_catalog_dirs("/usr/local/bin/kseries", relative, installed, source),
              (std::vector<fs::path>{installed, source}));
    EXPECT_EQ(built_in_catalog_dirs("/usr/local/bin/../bin/kseries", relative, installed, source),
              (std::vector<fs::path>{installed, source}));
}

TEST(KernelCatalogPaths, a_relocated_prefix_reads_its_own_catalog) {
    // Installed with DESTDIR, or the prefix copied elsewhere: the configured
    // prefix's catalog may still exist, and must not be the one read.
    const auto dirs =
        built_in_catalog_dirs("/tmp/stage/usr/bin/kseries", relative, installed, source);
    EXPECT_EQ(dirs,
              (std::vector<fs::path>{"/tmp/stage/usr/share/kseries/kernels", source, installed}));
    on_disk = {"/tmp/stage/usr/share/kseries/kernels", source.string(), installed.string()};
    auto c = choose_catalog({{}, std::nullopt, dirs}, fake_exists);
    EXPECT_EQ(c.origin, CatalogOrigin::BuiltIn);
    EXPECT_EQ(c.paths, std::vector<fs::path>{"/tmp/stage/usr/share/kseries/kernels"});
}

TEST(KernelCatalogPaths, a_build_tree_binary_prefers_its_source_tree) {
    // A build tree has no ../share/kseries/kernels beside the binary.
    const auto dirs = built_in_catalog_dirs("/src/kseries/build/default/tools/cli/kseries",
                                            relative, installed, source);
    EXPECT_EQ(dirs, (std::vector<fs::path>{"/src/kseries/build/default/tools/share/kseries/kernels",
                                           source, installed}));
    on_disk = {source.string(), installed.string()};
    auto c = choose_catalog({{}, std::nullopt, dirs}, fake_exists);
    EXPECT_EQ(c.paths, std::vector<fs::path>{source});
    EXPECT_EQ(built_in_catalog_dirs("", relative, installed, source),
              (std::vector<fs::path>{source, installed}));
}
