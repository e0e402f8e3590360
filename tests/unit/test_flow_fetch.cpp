// The fetch flow: a catalog on disk, a local server thread for the SRPMs
// and a fake runner standing in for rpmkeys (tests/cli/test_fetch.sh runs
// the real one). Shows that every release is checked before anything is
// downloaded, that each lands in the cache in catalog order, and that a
// mirror rule changes the URL read.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <kseries/flow/fetch.hpp>

#include "fake_runner.hpp"
#include "http_server.hpp"
#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// A catalog of two RHEL 8 releases published under `base`.
void write_catalog(const test::TempDir& dir, const std::string& base,
                   const std::string& second_url = {}) {
    std::string toml = "lineage = \"RHEL 8\"\n";
    for (const std::string rel : {"4.18.0-147.el8", "4.18.0-193.el8"}) {
        const std::string url =
            rel == "4.18.0-193.el8" && !second_url.empty() ? second_url : base + "/kernel-" + rel;
        toml += "\n[[release]]\nname = \"" + rel + "\"\nminor = \"8.x\"\nsrpm = \"kernel-" + rel +
                ".src.rpm\"\nurl = \"" + url + ".src.rpm\"\npolicy = \"kernel-spec\"\n";
    }
    dir.write("catalog.toml", toml);
}

struct FetchFixture {
    test::HttpServer server{[](const test::HttpRequest& r) {
        return r.path.starts_with("/mirror/") || r.path.starts_with("/pub/")
                   ? test::HttpServer::ok("srpm of " + r.path)
                   : test::HttpServer::status(404, "Not Found");
    }};
    test::TempDir dir;
    test::FakeRunner runner;
    std::vector<std::string> shown;

    flow::FetchRequest request(std::vector<std::string> releases) {
        return {.catalogs = {(dir.path() / "catalog.toml").string()},
                .cache = (dir.path() / "cache").string(),
                .releases = std::move(releases),
                .on_fetched = [this](const flow::FetchedRelease& got) -> Expected<void> {
                    shown.push_back(got.release);
                    return {};
                },
                .runner = runner};
    }
};

TEST(FlowFetch, EachReleaseLandsInTheCacheInCatalogOrder) {
    FetchFixture s;
    write_catalog(s.dir, s.server.url("/pub"));
    auto got = flow::fetch(s.request({"all"}));
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_EQ(got->size(), 2U);
    EXPECT_EQ(s.shown, (std::vector<std::string>{"4.18.0-147.el8", "4.18.0-193.el8"}));
    EXPECT_TRUE((*got)[0].downloaded);
    EXPECT_EQ((*got)[0].file, s.dir.path() / "cache/kernel-4.18.0-147.el8.src.rpm");
    EXPECT_EQ((*got)[0].url, (*got)[0].published_url);
    EXPECT_EQ(s.dir.read("cache/kernel-4.18.0-193.el8.src.rpm"),
              "srpm of /pub/kernel-4.18.0-193.el8.src.rpm");
    EXPECT_EQ(s.runner.programs(), (std::vector<std::string>{"rpmkeys", "rpmkeys"}));

    // Again, by pattern: found in the cache, nothing downloaded.
    auto again = flow::fetch(s.request({"4.18.0-1*"}));
    ASSERT_TRUE(again);
    EXPECT_FALSE((*again)[0].downloaded);
    EXPECT_EQ(s.server.requests().size(), 2U);
}

TEST(FlowFetch, AMirrorRuleChangesTheUrlRead) {
    FetchFixture s;
    write_catalog(s.dir, "https://example.invalid/pub");
    auto request = s.request({"4.18.0-147.el8"});
    request.mirrors = {"https://example.invalid/pub=" + s.server.url("/mirror")};
    auto got = flow::fetch(request);
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_EQ(got->size(), 1U);
    EXPECT_EQ((*got)[0].url, s.server.url("/mirror/kernel-4.18.0-147.el8.src.rpm"));
    EXPECT_EQ((*got)[0].published_url, "https://example.invalid/pub/kernel-4.18.0-147.el8.src.rpm");
}

TEST(FlowFetch, EveryReleaseIsCheckedBeforeAnythingIsDownloaded) {
    FetchFixture s;
    write_catalog(s.dir, s.server.url("/pub"), "ftp://example.invalid/x");
    auto got = flow::fetch(s.request({"all"}));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind(), ErrorKind::Unsafe);
    EXPECT_TRUE(s.server.requests().empty());
    EXPECT_TRUE(s.shown.empty());

    auto none = flow::fetch(s.request({"5.*"}));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message(), "no release in the catalog matches '5.*'");
}

TEST(FlowFetch, TheFirstFailureStopsTheRest) {
    FetchFixture s;
    write_catalog(s.dir, s.server.url("/gone"));
    auto got = flow::fetch(s.request({"all"}));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind(), ErrorKind::NotFound);
    EXPECT_EQ(s.server.requests().size(), 1U);
    EXPECT_TRUE(s.shown.empty());
}

} // namespace
