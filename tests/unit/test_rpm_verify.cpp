// The package verifier through a fake runner: the fake stands in for
// rpmkeys here, while tests/cli/test_fetch.sh, test_publish.sh and
// test_srpm.sh run the real one against real and broken packages.
#include <string>

#include <gtest/gtest.h>

#include <kseries/rpm/verify.hpp>

#include "fake_runner.hpp"

using namespace kseries;

namespace {

proc::Result said(int exit_code, std::string out, std::string err = {}) {
    proc::Result r;
    r.exit_code = exit_code;
    r.out = std::move(out);
    r.err = std::move(err);
    return r;
}

TEST(RpmVerify, AnIntactPackagePassesAndRpmkeysIsAskedForDigestsOnly) {
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        return said(0, "/r/a.rpm: digests OK\n");
    });
    EXPECT_TRUE(rpm::verify_digests(runner, "/r/a.rpm", "a.rpm is not intact"));
    ASSERT_EQ(runner.calls.size(), 1U);
    EXPECT_EQ(runner.calls[0].argv,
              (std::vector<std::string>{"rpmkeys", "-K", "--nosignature", "/r/a.rpm"}));
}

TEST(RpmVerify, ARefusalSaysWhatRpmkeysSaidWithoutThePath) {
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        return said(1, "/r/a.rpm: DIGESTS SHA256 NOT OK\n");
    });
    auto ok = rpm::verify_digests(runner, "/r/a.rpm", "URL is not an intact rpm");
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(ok.error().message(),
              "URL is not an intact rpm (rpmkeys -K, exit code 1): 'DIGESTS SHA256 NOT OK'");
}

TEST(RpmVerify, StandardErrorWinsAndSilenceMeansNotAnRpm) {
    test::FakeRunner errs([](const proc::Command&) -> Expected<proc::Result> {
        return said(1, "/r/a.rpm:\n",
                    "error: /r/a.rpm: not an rpm package (or package manifest)\n");
    });
    auto a = rpm::verify_digests(errs, "/r/a.rpm", "X");
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message(),
              "X (rpmkeys -K, exit code 1): 'error: /r/a.rpm: not an rpm package (or package "
              "manifest)'");
    test::FakeRunner silent(
        [](const proc::Command&) -> Expected<proc::Result> { return said(1, "/r/a.rpm:\n"); });
    auto b = rpm::verify_digests(silent, "/r/a.rpm", "X");
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().message(), "X (rpmkeys -K, exit code 1): not an rpm package");
}

TEST(RpmVerify, ARunnerErrorIsPassedOnAsItIs) {
    test::FakeRunner runner([](const proc::Command&) -> Expected<proc::Result> {
        return fail(ErrorKind::Tool, "cannot run rpmkeys: not found on PATH");
    });
    auto ok = rpm::verify_digests(runner, "/r/a.rpm", "X");
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().kind(), ErrorKind::Tool);
    EXPECT_EQ(ok.error().message(), "cannot run rpmkeys: not found on PATH");
}

} // namespace
