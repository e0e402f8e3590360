// fetch_srpm against a local server thread, with a fake runner standing in
// for rpmkeys (tests/cli/test_fetch.sh runs the real one against real and
// broken SRPMs): downloaded, verified and named; refused and removed; kept
// when nothing can be said against it; found in the cache the next time.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <kseries/fetch/download.hpp>

#include "fake_runner.hpp"
#include "http_server.hpp"
#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

const std::string content = "abc";
constexpr const char* abc_sha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* srpm = "kernel-4.18.0-147.el8.src.rpm";

kernel::CatalogEntry entry(const test::HttpServer& server, const std::string& path) {
    kernel::CatalogEntry e;
    e.release = *kernel::parse_release("4.18.0-147.el8");
    e.srpm = srpm;
    e.url = server.url(path);
    e.location = {"kernels/test.toml", 7};
    return e;
}

test::HttpServer::Handler serving(std::string body) {
    return [body](const test::HttpRequest& r) {
        return r.path.starts_with("/404/") ? test::HttpServer::status(404, "Not Found")
                                           : test::HttpServer::ok(body);
    };
}

// rpmkeys answering with `exit_code` and `out`.
test::FakeRunner::Rule rpmkeys(int exit_code, std::string out = {}) {
    return [exit_code, out](const proc::Command&) -> Expected<proc::Result> {
        proc::Result r;
        r.exit_code = exit_code;
        r.out = out;
        return r;
    };
}

TEST(FetchDownload, FetchableNeedsAPlainNameAndAnHttpUrl) {
    test::HttpServer server(serving(content));
    auto e = entry(server, "/ok/x");
    EXPECT_EQ(fetch::fetchable(e).value_or(""), srpm);
    e.url = "ftp://example.com/x.src.rpm";
    EXPECT_EQ(fetch::fetchable(e).error().kind(), ErrorKind::Unsafe);
    e.url.clear();
    EXPECT_EQ(fetch::fetchable(e).error().kind(), ErrorKind::Usage);
    e = entry(server, "/ok/x");
    e.srpm = "../x.src.rpm";
    EXPECT_EQ(fetch::fetchable(e).error().kind(), ErrorKind::Unsafe);
}

TEST(FetchDownload, DownloadedVerifiedNamedAndThenFoundInTheCache) {
    test::HttpServer server(serving(content));
    const test::TempDir cache;
    test::FakeRunner runner(rpmkeys(0, "digests OK\n"));
    auto e = entry(server, "/ok/x");
    e.sha256 = abc_sha256;
    auto got = fetch::fetch_srpm(e, {.cache_dir = cache.path(), .runner = runner});
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->status, fetch::FetchStatus::Downloaded);
    EXPECT_EQ(got->file, cache.path() / srpm);
    EXPECT_EQ(cache.read(srpm), content);
    EXPECT_FALSE(fs::exists(cache.path() / (std::string(srpm) + ".part")));
    ASSERT_EQ(runner.calls.size(), 1U);
    EXPECT_EQ(runner.calls[0].argv,
              (std::vector<std::string>{"rpmkeys", "-K", "--nosignature",
                                        (cache.path() / (std::string(srpm) + ".part")).string()}));

    auto again = fetch::fetch_srpm(e, {.cache_dir = cache.path(), .runner = runner});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, fetch::FetchStatus::AlreadyCached);
    EXPECT_EQ(server.requests().size(), 1U);
    EXPECT_EQ(runner.calls.size(), 1U);
}

TEST(FetchDownload, ADownloadRpmkeysRefusesIsRemoved) {
    test::HttpServer server(serving("<html>not found</html>"));
    const test::TempDir cache;
    const auto part = (cache.path() / (std::string(srpm) + ".part")).string();
    test::FakeRunner runner(rpmkeys(1, part + ":\n"));
    const auto e = entry(server, "/ok/x");
    auto got = fetch::fetch_srpm(e, {.cache_dir = cache.path(), .runner = runner});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(got.error().message(),
              e.url + " is not an intact rpm (rpmkeys -K, exit code 1): not an rpm package "
                      "(release 4.18.0-147.el8); the download was removed");
    EXPECT_FALSE(fs::exists(part));
    EXPECT_FALSE(fs::exists(cache.path() / srpm));
}

TEST(FetchDownload, WithoutRpmkeysTheDownloadIsKeptForTheNextFetch) {
    test::HttpServer server(serving(content));
    const test::TempDir cache;
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        return fail(ErrorKind::Tool, "cannot run rpmkeys: not found on PATH");
    });
    auto got =
        fetch::fetch_srpm(entry(server, "/ok/x"), {.cache_dir = cache.path(), .runner = runner});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind(), ErrorKind::Tool);
    EXPECT_EQ(got.error().message(), "cannot run rpmkeys: not found on PATH (release "
                                     "4.18.0-147.el8); " +
                                         std::string(srpm) + ".part is kept in the cache");
    EXPECT_EQ(cache.read(std::string(srpm) + ".part"), content);
}

TEST(FetchDownload, AWrongChecksumNamesBothAndRunsNoRpmkeys) {
    test::HttpServer server(serving("abd"));
    const test::TempDir cache;
    test::FakeRunner runner;
    auto e = entry(server, "/ok/x");
    e.sha256 = abc_sha256;
    auto got = fetch::fetch_srpm(e, {.cache_dir = cache.path(), .runner = runner});
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message().find(e.url + " does not match the catalog "
                                                 "(kernels/test.toml:7): sha256 "),
              std::string::npos);
    EXPECT_NE(got.error().message().find(std::string("expected ") + abc_sha256), std::string::npos);
    EXPECT_TRUE(runner.calls.empty());
}

TEST(FetchDownload, A404LeavesNoFileAndNoOfflineHint) {
    test::HttpServer server(serving(content));
    const test::TempDir cache;
    test::FakeRunner runner;
    auto got =
        fetch::fetch_srpm(entry(server, "/404/x"), {.cache_dir = cache.path(), .runner = runner});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind(), ErrorKind::NotFound);
    EXPECT_EQ(got.error().message(),
              "cannot download " + server.url("/404/x") + ": HTTP 404 (release 4.18.0-147.el8)");
    EXPECT_FALSE(fs::exists(cache.path() / (std::string(srpm) + ".part")));
    EXPECT_TRUE(runner.calls.empty());
}

} // namespace
