#include <unistd.h>

#include <gtest/gtest.h>

#include <kseries/flow/inputs.hpp>
#include <kseries/source/archive.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

const std::string fix_patch = "A fix, with a description long enough to pass kernel.spec.\n\n"
                              "--- a/fs/f.c\n+++ b/fs/f.c\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n"
                              " three\n";

// A quilt directory holding one patch of fs/f.c, and a tree to apply it to.
struct Quilt {
    TempDir series;
    TempDir tree;
    Quilt() {
        series.write("series", "0001-fix.patch\n");
        series.write("0001-fix.patch", fix_patch);
        tree.write("fs/f.c", "one\ntwo\nthree\n");
    }
};

// A request for `series` (a directory, or else the patch files) on `tree`.
flow::JobRequest job_request(std::string series, std::vector<std::string> patches,
                             std::string tree, std::string release = "") {
    flow::JobRequest r;
    r.source.series = std::move(series);
    r.source.patches = std::move(patches);
    r.tree = std::move(tree);
    r.release = std::move(release);
    return r;
}

flow::PolicySpec policy(const char* key) {
    flow::PolicySpec p;
    p.policy = key;
    return p;
}

} // namespace

TEST(FlowInputs, WantedPathsAreTheSeriesFilesAndTheReleaseMakefiles) {
    Quilt q;
    const auto selection = series::Selection::open(q.series.path());
    ASSERT_TRUE(selection) << selection.error().to_string();
    const auto wanted = flow::wanted_paths_for(*selection);
    ASSERT_TRUE(wanted) << wanted.error().to_string();
    EXPECT_EQ(*wanted, (source::WantedPaths{"Makefile", "Makefile.rhelver", "fs/f.c"}));
}

TEST(FlowInputs, MatchesAnyGlobOrAll) {
    EXPECT_TRUE(flow::matches_any("4.18.0-193.el8", {"5.*", "4.18.0-*.el8"}));
    EXPECT_TRUE(flow::matches_any("4.18.0-193.el8", {"all"}));
    EXPECT_FALSE(flow::matches_any("4.18.0-193.el8", {"5.14.0-*"}));
    EXPECT_FALSE(flow::matches_any("4.18.0-193.el8", {}));
}

TEST(FlowInputs, PolicyKeysNameEveryPolicy) {
    const auto keys = flow::policy_keys();
    for (const auto& p : kernel::all_policies()) {
        EXPECT_NE(keys.find(p.key), std::string::npos) << p.key;
    }
}

TEST(FlowInputs, ArchiveLimitSettersChangeOnlyTheirCap) {
    const auto saved = source::archive_limits();
    flow::set_max_expanded_size(12345);
    EXPECT_EQ(source::archive_limits().max_expanded, 12345U);
    EXPECT_EQ(source::archive_limits().max_member, saved.max_member);
    flow::set_max_member_size(678);
    EXPECT_EQ(source::archive_limits().max_member, 678U);
    EXPECT_EQ(source::archive_limits().max_expanded, 12345U);
    source::set_archive_limits(saved);
}

TEST(FlowInputs, PolicySpecResolvesKeysAndRefusesOthers) {
    const auto spec = policy("git-apply").resolve();
    ASSERT_TRUE(spec) << spec.error().to_string();
    EXPECT_EQ(spec->engine().engine, patch::Engine::GitApply);
    const auto bad = policy("fuzzy").resolve();
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind(), ErrorKind::Usage);
    EXPECT_NE(bad.error().to_string().find("unknown policy 'fuzzy'"), std::string::npos);
}

TEST(FlowInputs, LoadJobOpensAQuiltDirectoryAndItsTree) {
    Quilt q;
    const auto job = flow::load_job(job_request(q.series.path().string() + "/", {}, q.tree.path()));
    ASSERT_TRUE(job) << job.error().to_string();
    EXPECT_EQ(job->label, q.series.path().string()); // the trailing slash dropped
    ASSERT_EQ(job->series.patches.size(), 1U);
    EXPECT_EQ(job->series.patches[0].entry.patch, "0001-fix.patch");
    EXPECT_FALSE(job->release); // not a store: no mapping was asked
    EXPECT_EQ(job->tree->describe(), q.tree.path().string());
}

TEST(FlowInputs, LoadJobTakesLoosePatchFiles) {
    Quilt q;
    const auto file = (q.series.path() / "0001-fix.patch").string();
    const auto job = flow::load_job(job_request("", {file, file}, q.tree.path()));
    ASSERT_TRUE(job) << job.error().to_string();
    EXPECT_EQ(job->series.patches.size(), 2U);
    EXPECT_EQ(job->label, file + ", " + file);
}

TEST(FlowInputs, ReleaseIsRefusedForASeriesThatIsNotAStore) {
    Quilt q;
    const auto job = flow::load_job(
        job_request(q.series.path(), {}, q.tree.path(), "4.18.0-193.el8"));
    ASSERT_FALSE(job);
    EXPECT_EQ(job.error().kind(), ErrorKind::Usage);
    EXPECT_NE(job.error().to_string().find("--release picks a version of a series store"),
              std::string::npos);
}

TEST(FlowInputs, NoSeriesAndNoPatchIsAUsageError) {
    Quilt q;
    const auto job = flow::load_job(job_request("", {}, q.tree.path()));
    ASSERT_FALSE(job);
    EXPECT_EQ(job.error().kind(), ErrorKind::Usage);
}

TEST(FlowInputs, LoadJobReadsAPatchFromAPipeNamedAsGiven) {
    Quilt q;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ASSERT_EQ(::write(fds[1], fix_patch.data(), fix_patch.size()),
              static_cast<ssize_t>(fix_patch.size()));
    ::close(fds[1]);
    const std::string path = "/dev/fd/" + std::to_string(fds[0]);
    const auto job = flow::load_job(job_request("", {path}, q.tree.path()));
    ::close(fds[0]);
    ASSERT_TRUE(job) << job.error().to_string();
    ASSERT_EQ(job->series.patches.size(), 1U);
    EXPECT_EQ(job->series.patches[0].entry.patch, path);
    EXPECT_EQ(job->series.patches[0].patch.files.size(), 1U);
    EXPECT_EQ(job->label, path);
}

TEST(FlowInputs, StandardInputIsGivenOnceUnderAnyName) {
    Quilt q;
    for (const auto& twice :
         {std::vector<std::string>{"-", "-"}, std::vector<std::string>{"-", "/dev/stdin"}}) {
        const auto job = flow::load_job(job_request("", twice, q.tree.path()));
        ASSERT_FALSE(job);
        EXPECT_EQ(job.error().kind(), ErrorKind::Usage);
        EXPECT_NE(job.error().to_string().find("a pipe is read once"), std::string::npos)
            << job.error().to_string();
    }
}
