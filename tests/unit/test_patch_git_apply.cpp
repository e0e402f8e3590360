#include <gtest/gtest.h>

#include <kseries/patch/git_apply.hpp>
#include <kseries/patch/parser.hpp>

using namespace kseries::patch;

namespace {

FileResult git(const std::string& patch_text, std::optional<std::string_view> input) {
    auto p = parse(patch_text, "t.patch");
    EXPECT_TRUE(p) << p.error().to_string();
    return git_apply_file(p->files.front(), input);
}

const std::string hunk = "--- a/f\n+++ b/f\n@@ -3,3 +3,3 @@\n c\n-d\n+D\n e\n";

} // namespace

TEST(GitApply, applies_at_an_offset) {
    const auto r = git(hunk, "x\na\nb\nc\nd\ne\nf\n");
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.hunks[0].offset, 1);
    EXPECT_EQ(r.hunks[0].line, 4);
    EXPECT_EQ(r.content, "x\na\nb\nc\nD\ne\nf\n");
}

TEST(GitApply, has_no_fuzz) {
    const auto r = git(hunk, "a\nb\nC\nd\ne\nf\n");
    EXPECT_EQ(r.status, FileStatus::Failed);
    EXPECT_EQ(r.content, "a\nb\nC\nd\ne\nf\n");
}

TEST(GitApply, does_not_detect_reversed_patches) {
    const auto r = git(hunk, "a\nb\nc\nD\ne\nf\n");
    EXPECT_EQ(r.status, FileStatus::Failed);
}

TEST(GitApply, requires_a_hunk_without_trailing_context_to_match_at_the_end) {
    const std::string at_end = "--- a/f\n+++ b/f\n@@ -2,2 +2,2 @@\n b\n-c\n+C\n";
    EXPECT_EQ(git(at_end, "a\nb\nc\n").status, FileStatus::Applied);
    EXPECT_EQ(git(at_end, "a\nb\nc\nd\n").status, FileStatus::Failed);
}

TEST(GitApply, never_matches_lines_an_earlier_hunk_wrote) {
    // Hunk 2's old text exists only where hunk 1 wrote it.
    const std::string twice = "--- a/f\n+++ b/f\n@@ -2,3 +2,3 @@\n b\n-c\n+x\n d\n"
                              "@@ -2,3 +2,3 @@\n b\n-x\n+z\n d\n";
    const auto r = git(twice, "a\nb\nc\nd\ne\n");
    EXPECT_EQ(r.status, FileStatus::Failed);
    EXPECT_EQ(r.hunks[0].status, HunkStatus::Applied);
    EXPECT_EQ(r.hunks[1].status, HunkStatus::Failed);
}
