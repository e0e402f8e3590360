// The verify flow up to the build: a patch that does not apply stops it
// before any work directory is made, a change no module build can prove is
// a Usage error that leaves no temporary directory behind (unless kept),
// and bad input is an Error naming it (tests/kbuild/test_verify_compile.sh
// builds real modules).
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <kseries/flow/verify.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// TMPDIR pointed at a directory of the test's for as long as it lives, so
// that what the flow leaves in "the temporary directory" can be seen.
class TmpdirAt {
public:
    explicit TmpdirAt(const fs::path& dir) {
        if (const char* was = std::getenv("TMPDIR")) {
            m_was = was;
        }
        ::setenv("TMPDIR", dir.c_str(), 1);
    }
    TmpdirAt(const TmpdirAt&) = delete;
    TmpdirAt& operator=(const TmpdirAt&) = delete;
    ~TmpdirAt() {
        if (m_was) {
            ::setenv("TMPDIR", m_was->c_str(), 1);
        } else {
            ::unsetenv("TMPDIR");
        }
    }

private:
    std::optional<std::string> m_was;
};

// A tree with a header outside any module directory and a series changing
// it; `in_tree` is the header's text in the tree ("old\n" applies).
struct VerifyFixture {
    test::TempDir dir;
    explicit VerifyFixture(const std::string& in_tree = "old\n") {
        dir.write("tree/include/linux/fs.h", in_tree);
        dir.write("series/v1/series", "0001-fix.patch\n");
        // More than 9 lines: kernel.spec skips shorter patch files.
        dir.write("series/v1/0001-fix.patch", "From: A Developer <a@example.com>\n"
                                              "Subject: [PATCH] fs: fix\n\n"
                                              "Replace old with new.\n\n"
                                              "Signed-off-by: A Developer <a@example.com>\n"
                                              "---\n"
                                              "--- a/include/linux/fs.h\n"
                                              "+++ b/include/linux/fs.h\n"
                                              "@@ -1 +1 @@\n-old\n+new\n");
        fs::create_directories(dir.path() / "tmp");
    }
    [[nodiscard]] flow::VerifyRequest request() const {
        flow::JobRequest job;
        job.source.series = (dir.path() / "series/v1").string();
        job.tree = (dir.path() / "tree").string();
        flow::VerifyRequest r;
        r.job = job;
        return r;
    }
    [[nodiscard]] fs::path tmp() const { return dir.path() / "tmp"; }
};

} // namespace

TEST(FlowVerify, APatchThatDoesNotApplyStopsBeforeTheBuild) {
    const VerifyFixture f("something else\n");
    const TmpdirAt tmpdir(f.tmp());
    auto request = f.request();
    request.keep = true;
    const auto out = flow::verify(request);
    ASSERT_TRUE(out) << out.error().to_string();
    ASSERT_TRUE(out->not_applied);
    EXPECT_EQ(out->not_applied->patch, "0001-fix.patch");
    EXPECT_NE(out->not_applied->verdict, "applies");
    EXPECT_FALSE(out->compiles());
    EXPECT_FALSE(out->build_log);
    EXPECT_TRUE(fs::is_empty(f.tmp())); // no work directory was made, not even a kept one
}

TEST(FlowVerify, AChangeOutsideAModuleDirectoryIsAUsageErrorAndLeavesNothing) {
    const VerifyFixture f;
    const TmpdirAt tmpdir(f.tmp());
    const auto out = flow::verify(f.request());
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().kind(), ErrorKind::Usage);
    EXPECT_NE(out.error().message().find("only module directories are built; "
                                         "include/linux/fs.h is not a file of one"),
              std::string::npos)
        << out.error().message();
    EXPECT_TRUE(fs::is_empty(f.tmp())); // the temporary work directory is gone
}

TEST(FlowVerify, KeepLeavesTheTemporaryWorkDirectory) {
    const VerifyFixture f;
    const TmpdirAt tmpdir(f.tmp());
    auto request = f.request();
    request.keep = true;
    ASSERT_FALSE(flow::verify(request));
    std::size_t kept = 0;
    for (const auto& e : fs::directory_iterator(f.tmp())) {
        EXPECT_TRUE(e.path().filename().string().starts_with("kseries-verify-"));
        ++kept;
    }
    EXPECT_EQ(kept, 1U);
}

TEST(FlowVerify, AGivenWorkDirectoryIsUsedAndNeverRemoved) {
    const VerifyFixture f;
    const TmpdirAt tmpdir(f.tmp());
    auto request = f.request();
    request.workdir = f.dir.path() / "work";
    fs::create_directories(request.workdir);
    ASSERT_FALSE(flow::verify(request));
    EXPECT_TRUE(fs::is_directory(request.workdir));
    EXPECT_TRUE(fs::is_empty(f.tmp()));
}

TEST(FlowVerify, AMissingSeriesIsAnErrorNamingIt) {
    const VerifyFixture f;
    auto request = f.request();
    request.job.source.series = (f.dir.path() / "no-such-series").string();
    const auto out = flow::verify(request);
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().to_string().find("no-such-series"), std::string::npos)
        << out.error().to_string();
}

TEST(FlowVerify, NoSeriesAtAllIsAUsageError) {
    const VerifyFixture f;
    auto request = f.request();
    request.job.source.series.clear();
    const auto out = flow::verify(request);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().kind(), ErrorKind::Usage);
    EXPECT_EQ(out.error().message(), "give --series DIR or --patch FILE");
}
