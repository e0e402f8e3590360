#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/fetch/cache.hpp>
#include <kseries/util/fd.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::fetch::cached_srpm;
using kseries::fetch::CacheEnv;
using kseries::fetch::resolve_cache_dir;
using kseries::fetch::srpm_file_name;
using kseries::test::TempDir;
namespace fs = std::filesystem;

namespace {

// SHA-256 test vectors (FIPS 180-2): of "abc", and of "abd" for a mismatch.
constexpr const char* abc_sha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* srpm = "kernel-4.18.0-147.el8.src.rpm";

kernel::CatalogEntry entry_named(std::string name) {
    kernel::CatalogEntry e;
    e.release = *kernel::parse_release("4.18.0-147.el8");
    e.srpm = std::move(name);
    e.location = {"kernels/test.toml", 7};
    return e;
}

// A cache directory holding `srpm` with "abc" in it and its sidecar.
void put_verified(const TempDir& dir) {
    dir.write(srpm, "abc");
    dir.write(std::string(srpm) + ".sha256", std::string(abc_sha256) + "  " + srpm + "\n");
}

} // namespace

TEST(FetchCacheDir, an_explicit_directory_wins_and_is_made_absolute) {
    const CacheEnv env{"/xdg", "/home/u"};
    auto dir = resolve_cache_dir("/srv/cache/../srpms", env);
    ASSERT_TRUE(dir) << dir.error().to_string();
    EXPECT_EQ(*dir, fs::path("/srv/srpms"));
    auto relative = resolve_cache_dir("rel/dir", env);
    ASSERT_TRUE(relative) << relative.error().to_string();
    EXPECT_EQ(*relative, fs::current_path() / "rel" / "dir");
}

TEST(FetchCacheDir, an_absolute_xdg_cache_home_comes_first) {
    auto dir = resolve_cache_dir("", {"/xdg", "/home/u"});
    ASSERT_TRUE(dir) << dir.error().to_string();
    EXPECT_EQ(*dir, fs::path("/xdg/kseries/srpms"));
}

TEST(FetchCacheDir, a_relative_or_empty_xdg_cache_home_is_ignored) {
    for (const char* xdg : {"", "relative/cache", "./cache"}) {
        auto dir = resolve_cache_dir("", {xdg, "/home/u"});
        ASSERT_TRUE(dir) << dir.error().to_string();
        EXPECT_EQ(*dir, fs::path("/home/u/.cache/kseries/srpms")) << "XDG_CACHE_HOME=" << xdg;
    }
}

TEST(FetchCacheDir, no_absolute_home_is_a_usage_error_asking_for_cache) {
    for (const char* home : {"", "home/u"}) {
        auto dir = resolve_cache_dir("", {"relative", home});
        ASSERT_FALSE(dir) << "HOME=" << home;
        EXPECT_EQ(dir.error().kind(), ErrorKind::Usage);
        EXPECT_NE(dir.error().message().find("give --cache DIR"), std::string::npos)
            << dir.error().message();
    }
}

TEST(FetchSrpmName, accepts_a_plain_src_rpm_name) {
    auto name = srpm_file_name(entry_named(srpm));
    ASSERT_TRUE(name) << name.error().to_string();
    EXPECT_EQ(*name, srpm);
}

TEST(FetchSrpmName, no_srpm_is_a_usage_error_naming_the_release) {
    auto name = srpm_file_name(entry_named(""));
    ASSERT_FALSE(name);
    EXPECT_EQ(name.error().kind(), ErrorKind::Usage);
    EXPECT_EQ(name.error().message(), "release 4.18.0-147.el8 has no 'srpm' in the catalog");
    EXPECT_EQ(name.error().location().line, 7u);
}

TEST(FetchSrpmName, refuses_names_that_could_leave_the_cache_or_mislead) {
    const std::vector<std::string> names{"../x.src.rpm",
                                         "a/b.src.rpm",
                                         "/etc/x.src.rpm",
                                         "x/../y.src.rpm",
                                         "..src.rpm",
                                         "kernel..src.rpm",
                                         ".hidden.src.rpm",
                                         ".src.rpm",
                                         "-rf.src.rpm",
                                         "a\nb.src.rpm",
                                         "a\tb.src.rpm",
                                         std::string("a\x7f") + "b.src.rpm",
                                         std::string("a\x1b[2J.src.rpm"),
                                         "kernel.rpm",
                                         "kernel.src.rpm.part",
                                         "kernel.SRC.RPM",
                                         "src.rpm",
                                         "kernel.src.rpm/"};
    for (const std::string& bad : names) {
        auto name = srpm_file_name(entry_named(bad));
        ASSERT_FALSE(name) << "accepted " << bad;
        EXPECT_EQ(name.error().kind(), ErrorKind::Unsafe) << bad;
        EXPECT_NE(name.error().message().find("must be a plain file name ending in .src.rpm"),
                  std::string::npos)
            << name.error().message();
        // A control character is never printed raw.
        EXPECT_EQ(name.error().message().find_first_of("\n\t\x7f\x1b"), std::string::npos)
            << name.error().message();
    }
}

TEST(FetchCacheNames, part_sidecar_and_lock_sit_beside_the_srpm) {
    EXPECT_EQ(fetch::part_name(srpm), std::string(srpm) + ".part");
    EXPECT_EQ(fetch::sidecar_name(srpm), std::string(srpm) + ".sha256");
    EXPECT_EQ(fetch::lock_name(srpm), std::string(srpm) + ".lock");
}

TEST(FetchCreateCacheDir, creates_missing_parents_private) {
    TempDir dir;
    const auto cache = dir.path() / "a" / "b" / "srpms";
    ASSERT_TRUE(fetch::create_cache_dir(cache));
    EXPECT_TRUE(fs::is_directory(cache));
    EXPECT_EQ(fs::status(cache).permissions() & fs::perms::all, fs::perms::owner_all);
    EXPECT_TRUE(fetch::create_cache_dir(cache)); // again: it exists, fine
    dir.write("file", "x");
    auto over_file = fetch::create_cache_dir(dir.path() / "file");
    ASSERT_FALSE(over_file);
    EXPECT_EQ(over_file.error().kind(), ErrorKind::Io);
}

TEST(FetchWriteSidecar, writes_sha256sum_format_atomically) {
    TempDir dir;
    dir.write(fetch::sidecar_name(srpm), "stale and longer than the new text ..............\n");
    const UniqueFd fd(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(fd.valid());
    ASSERT_TRUE(fetch::write_sidecar(fd.get(), srpm, abc_sha256));
    EXPECT_EQ(dir.read(fetch::sidecar_name(srpm)), std::string(abc_sha256) + "  " + srpm + "\n");
    // No temporary file is left beside it.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(FetchWriteSidecar, an_unwritable_cache_is_an_io_error_naming_the_file) {
    const UniqueFd fd(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(fd.valid());
    auto written = fetch::write_sidecar(fd.get(), srpm, abc_sha256);
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind(), ErrorKind::Io);
    EXPECT_NE(written.error().message().find(std::string(srpm) + ".sha256"), std::string::npos)
        << written.error().message();
}

TEST(FetchCachedSrpm, trusts_a_file_whose_sidecar_and_catalog_match) {
    TempDir dir;
    put_verified(dir);
    auto e = entry_named(srpm);
    EXPECT_EQ(cached_srpm(e, dir.path()), dir.path() / srpm);
    e.sha256 = abc_sha256;
    e.size = 3;
    EXPECT_EQ(cached_srpm(e, dir.path()), dir.path() / srpm);
}

TEST(FetchCachedSrpm, a_file_without_its_sidecar_is_not_trusted) {
    TempDir dir;
    dir.write(srpm, "abc");
    EXPECT_EQ(cached_srpm(entry_named(srpm), dir.path()), std::nullopt);
    dir.write(std::string(srpm) + ".part", "abc"); // a download in progress is not it either
    EXPECT_EQ(cached_srpm(entry_named(srpm), dir.path()), std::nullopt);
}

TEST(FetchCachedSrpm, a_file_changed_after_verification_is_not_trusted) {
    TempDir dir;
    put_verified(dir);
    dir.write(srpm, "abd");
    EXPECT_EQ(cached_srpm(entry_named(srpm), dir.path()), std::nullopt);
    dir.write(srpm, "abcd");
    EXPECT_EQ(cached_srpm(entry_named(srpm), dir.path()), std::nullopt);
}

TEST(FetchCachedSrpm, a_sidecar_not_exactly_in_sha256sum_format_is_not_trusted) {
    const std::string sha = abc_sha256;
    const std::vector<std::string> texts{sha + "  " + srpm,
                                         sha + " " + srpm + "\n",
                                         sha + "  other.src.rpm\n",
                                         std::string(64, '0') + "  " + srpm + "\n",
                                         "SHA256 (" + std::string(srpm) + ") = " + sha,
                                         std::string{}};
    for (const std::string& text : texts) {
        TempDir dir;
        put_verified(dir);
        dir.write(std::string(srpm) + ".sha256", text);
        EXPECT_EQ(cached_srpm(entry_named(srpm), dir.path()), std::nullopt) << text;
    }
}

TEST(FetchCachedSrpm, a_catalog_checksum_or_size_that_differs_wins_over_the_sidecar) {
    TempDir dir;
    put_verified(dir);
    auto wrong_sha = entry_named(srpm);
    wrong_sha.sha256 = std::string(64, 'a');
    EXPECT_EQ(cached_srpm(wrong_sha, dir.path()), std::nullopt);
    auto wrong_size = entry_named(srpm);
    wrong_size.size = 4;
    EXPECT_EQ(cached_srpm(wrong_size, dir.path()), std::nullopt);
}

TEST(FetchCachedSrpm, symlinks_and_directories_are_not_trusted) {
    TempDir dir;
    dir.write("elsewhere/" + std::string(srpm), "abc");
    fs::create_symlink(dir.path() / "elsewhere" / srpm, dir.path() / srpm);
    dir.write(std::string(srpm) + ".sha256", std::string(abc_sha256) + "  " + srpm + "\n");
    EXPECT_EQ(cached_srpm(entry_named(srpm), dir.path()), std::nullopt);

    TempDir dir2;
    put_verified(dir2);
    fs::rename(dir2.path() / (std::string(srpm) + ".sha256"), dir2.path() / "real.sha256");
    fs::create_symlink(dir2.path() / "real.sha256", dir2.path() / (std::string(srpm) + ".sha256"));
    EXPECT_EQ(cached_srpm(entry_named(srpm), dir2.path()), std::nullopt);

    TempDir dir3;
    fs::create_directory(dir3.path() / srpm);
    dir3.write(std::string(srpm) + ".sha256", std::string(abc_sha256) + "  " + srpm + "\n");
    EXPECT_EQ(cached_srpm(entry_named(srpm), dir3.path()), std::nullopt);
}

TEST(FetchCachedSrpm, an_unsafe_name_or_a_missing_cache_gives_nothing) {
    TempDir dir;
    put_verified(dir);
    dir.write("sub/x.src.rpm", "abc");
    dir.write("sub/x.src.rpm.sha256", std::string(abc_sha256) + "  sub/x.src.rpm\n");
    EXPECT_EQ(cached_srpm(entry_named("sub/x.src.rpm"), dir.path()), std::nullopt);
    EXPECT_EQ(cached_srpm(entry_named(""), dir.path()), std::nullopt);
    EXPECT_EQ(cached_srpm(entry_named(srpm), dir.path() / "missing"), std::nullopt);
}
