// Downloads with libcurl from a local server thread (tests/support/
// http_server.hpp): a whole file, a resumed one, a server that ignores
// the range, error statuses and the size cap.
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include <kseries/fetch/http.hpp>
#include <kseries/util/fd.hpp>

#include "http_server.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using test::HttpRequest;
using test::HttpServer;

namespace {

const std::string body = "0123456789abcdefghij";

// Serves `body` at /ok/ (with ranges), ignores ranges at /norange/, and
// answers other paths with their first component as the status.
std::string serve(const HttpRequest& r) {
    if (r.path.starts_with("/ok/") && r.range.starts_with("bytes=")) {
        const std::size_t from = std::stoul(r.range.substr(6));
        if (from >= body.size()) {
            return "HTTP/1.0 416 Range Not Satisfiable\r\nContent-Range: bytes */" +
                   std::to_string(body.size()) + "\r\nContent-Length: 0\r\n\r\n";
        }
        const std::string rest = body.substr(from);
        return "HTTP/1.0 206 Partial Content\r\nContent-Range: bytes " + std::to_string(from) +
               "-" + std::to_string(body.size() - 1) + "/" + std::to_string(body.size()) +
               "\r\nContent-Length: " + std::to_string(rest.size()) + "\r\n\r\n" + rest;
    }
    if (r.path.starts_with("/ok/") || r.path.starts_with("/norange/")) {
        return HttpServer::ok(body);
    }
    return HttpServer::status(std::stoi(r.path.substr(1, 3)), "Status");
}

struct Target {
    test::TempDir dir;
    UniqueFd fd;
    explicit Target(const std::string& held = {}) {
        dir.write("f.part", held);
        fd = UniqueFd(::open((dir.path() / "f.part").c_str(), O_RDWR | O_CLOEXEC));
    }
    [[nodiscard]] std::string content() const { return dir.read("f.part"); }
};

TEST(FetchHttp, AWholeFile) {
    HttpServer server(serve);
    Target t;
    std::uint64_t last_done = 0;
    auto got =
        fetch::download(server.url("/ok/f"), t.fd.get(),
                        {{}, {}, [&](std::uint64_t done, std::uint64_t) { last_done = done; }});
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->size, body.size());
    EXPECT_EQ(got->announced, body.size());
    EXPECT_EQ(t.content(), body);
    EXPECT_EQ(last_done, body.size());
    ASSERT_EQ(server.requests().size(), 1U);
    EXPECT_EQ(server.requests()[0].range, "");
}

TEST(FetchHttp, AStartedFileIsResumedWithARange) {
    HttpServer server(serve);
    Target t(body.substr(0, 8));
    auto got = fetch::download(server.url("/ok/f"), t.fd.get(), {});
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(t.content(), body);
    EXPECT_EQ(server.requests().at(0).range, "bytes=8-");
}

TEST(FetchHttp, AServerIgnoringTheRangeStartsItAgain) {
    HttpServer server(serve);
    Target t("XXXXXXXX");
    auto got = fetch::download(server.url("/norange/f"), t.fd.get(), {});
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(t.content(), body);
    EXPECT_EQ(server.requests().size(), 1U);
}

TEST(FetchHttp, ACompleteFileIsToldBy416) {
    HttpServer server(serve);
    Target t(body);
    auto got = fetch::download(server.url("/ok/f"), t.fd.get(), {});
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->size, body.size());
    EXPECT_EQ(t.content(), body);
}

TEST(FetchHttp, ErrorStatusesHaveTheirKinds) {
    HttpServer server(serve);
    const std::pair<std::string, ErrorKind> cases[] = {{"/404/f", ErrorKind::NotFound},
                                                       {"/410/f", ErrorKind::NotFound},
                                                       {"/503/f", ErrorKind::Io},
                                                       {"/403/f", ErrorKind::Parse}};
    for (const auto& [path, kind] : cases) {
        Target t;
        auto got = fetch::download(server.url(path), t.fd.get(), {});
        ASSERT_FALSE(got) << path;
        EXPECT_EQ(got.error().kind(), kind) << path;
        EXPECT_EQ(got.error().message(),
                  "cannot download " + server.url(path) + ": HTTP " + path.substr(1, 3));
    }
}

TEST(FetchHttp, TheCapStopsALargerFile) {
    HttpServer server(serve);
    Target t;
    auto got = fetch::download(server.url("/ok/f"), t.fd.get(), {10, "the test cap", {}});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(got.error().message(), "cannot download " + server.url("/ok/f") +
                                         ": the server announces 20 bytes, more than the test "
                                         "cap");
    auto expected = fetch::download(server.url("/ok/f"), t.fd.get(), {10, {}, {}});
    ASSERT_FALSE(expected);
    EXPECT_NE(expected.error().message().find("more than the 10 expected"), std::string::npos);
}

TEST(FetchHttp, NothingListeningIsAnIoError) {
    std::string url;
    {
        HttpServer gone(serve);
        url = gone.url("/ok/f");
    }
    Target t;
    auto got = fetch::download(url, t.fd.get(), {});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind(), ErrorKind::Io);
    EXPECT_TRUE(got.error().message().starts_with("cannot download " + url + ": "));
}

} // namespace
