// Engine cases with the outcome GNU patch 2.7.6 gives for each; the
// differential test (tests/differential) covers the same ground at random.
#include <string>

#include <gtest/gtest.h>

#include <kseries/patch/apply.hpp>
#include <kseries/patch/parser.hpp>

using namespace kseries::patch;

namespace {

std::string numbered(int from, int to) {
    std::string out;
    for (int i = from; i <= to; ++i) {
        out += "line " + std::to_string(i) + "\n";
    }
    return out;
}

const std::string one_hunk = "--- a/f\n+++ b/f\n@@ -5,7 +5,7 @@\n line 5\n line 6\n line 7\n"
                             "-line 8\n+LINE 8\n line 9\n line 10\n line 11\n";

FileResult run_apply(const std::string& patch_text, std::optional<std::string_view> input,
                     long fuzz = 2) {
    auto p = parse(patch_text, "t.patch");
    EXPECT_TRUE(p) << p.error().to_string();
    return apply_file(p->files.front(), input, ApplyOptions{fuzz, false});
}

} // namespace

TEST(PatchApply, applies_exactly_at_the_stated_line) {
    const auto r = run_apply(one_hunk, numbered(1, 20));
    EXPECT_EQ(r.status, FileStatus::Applied);
    ASSERT_EQ(r.hunks.size(), 1u);
    EXPECT_TRUE(r.hunks[0].exact());
    EXPECT_EQ(r.hunks[0].line, 5);
    EXPECT_EQ(r.content, numbered(1, 7) + "LINE 8\n" + numbered(9, 20));
}

TEST(PatchApply, reports_the_offset_when_lines_moved) {
    const std::string input = "new a\nnew b\nnew c\n" + numbered(1, 20);
    const auto r = run_apply(one_hunk, input);
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.hunks[0].offset, 3);
    EXPECT_EQ(r.hunks[0].fuzz, 0);
    EXPECT_EQ(r.hunks[0].line, 8);
}

TEST(PatchApply, needs_fuzz_when_an_outer_context_line_changed) {
    std::string input = numbered(1, 20);
    input.replace(input.find("line 5\n"), 7, "line five\n");
    EXPECT_EQ(run_apply(one_hunk, input, 0).status, FileStatus::Failed);
    const auto r = run_apply(one_hunk, input, 1);
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.hunks[0].fuzz, 1);
    // The fuzzed context line keeps the file's text.
    EXPECT_NE(r.content.find("line five\nline 6\nline 7\nLINE 8\n"), std::string::npos);
}

TEST(PatchApply, fails_when_a_changed_line_differs) {
    std::string input = numbered(1, 20);
    input.replace(input.find("line 8\n"), 7, "line eight\n");
    const auto r = run_apply(one_hunk, input, 2);
    EXPECT_EQ(r.status, FileStatus::Failed);
    EXPECT_EQ(r.hunks[0].status, HunkStatus::Failed);
    EXPECT_EQ(r.hunks[0].line, 5);
    EXPECT_EQ(r.content, input);
}

TEST(PatchApply, detects_a_previously_applied_patch) {
    const std::string applied = numbered(1, 7) + "LINE 8\n" + numbered(9, 20);
    const auto r = run_apply(one_hunk, applied);
    EXPECT_EQ(r.status, FileStatus::Reversed);
    EXPECT_EQ(r.hunks[0].status, HunkStatus::Ignored);
    EXPECT_EQ(r.content, applied);
}

TEST(PatchApply, reports_a_missing_file) {
    const auto r = run_apply(one_hunk, std::nullopt);
    EXPECT_EQ(r.status, FileStatus::Missing);
}

TEST(PatchApply, creates_a_file) {
    const auto r = run_apply("--- /dev/null\n+++ b/new\n@@ -0,0 +1,2 @@\n+a\n+b\n", std::nullopt);
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.content, "a\nb\n");
}

TEST(PatchApply, refuses_to_create_a_file_that_exists) {
    const auto r =
        run_apply("--- /dev/null\n+++ b/new\n@@ -0,0 +1 @@\n+a\n", std::string_view("x\n"));
    EXPECT_EQ(r.status, FileStatus::AlreadyExists);
}

TEST(PatchApply, deletes_a_file) {
    const auto r = run_apply("--- a/old\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n",
                             std::string_view("a\nb\n"));
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_TRUE(r.removed);
}

TEST(PatchApply, keeps_a_missing_final_newline) {
    const auto r =
        run_apply("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                  "+c\n\\ No newline at end of file\n",
                  std::string_view("a\nb"));
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.content, "a\nc");
}

TEST(PatchApply, fails_a_hunk_stated_before_the_previous_one_as_misordered) {
    // Hunk 2 states a line above hunk 1. patch 2.7.6 still probes there,
    // matches, and then refuses: "misordered hunks! output would be garbled"
    // and "Hunk #2 FAILED at 2." (checked against the real patch).
    const std::string patch_text = "--- a/f\n+++ b/f\n@@ -10,3 +10,3 @@\n x\n-y\n+Y\n z\n"
                                   "@@ -2,3 +2,3 @@\n p\n-q\n+Q\n r\n";
    const std::string input = "0\np\nq\nr\n4\n5\n6\n7\n8\nx\ny\nz\n13\np\nq\nr\n";
    const auto r = run_apply(patch_text, input, 0);
    EXPECT_EQ(r.status, FileStatus::Failed);
    EXPECT_EQ(r.hunks[0].status, HunkStatus::Applied);
    EXPECT_EQ(r.hunks[1].status, HunkStatus::Failed);
    EXPECT_EQ(r.hunks[1].where, 2) << "placed, then refused";
    EXPECT_EQ(r.hunks[1].line, 2);
    EXPECT_EQ(r.content, "0\np\nq\nr\n4\n5\n6\n7\n8\nx\nY\nz\n13\np\nq\nr\n");
}

TEST(PatchApply, applies_in_reverse) {
    const std::string applied = numbered(1, 7) + "LINE 8\n" + numbered(9, 20);
    auto p = parse(one_hunk, "t.patch");
    ASSERT_TRUE(p);
    const auto r = apply_file(p->files.front(), applied, ApplyOptions{0, true});
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.content, numbered(1, 20));
}

TEST(PatchApply, reports_lines_in_the_patched_file) {
    // Hunk 1 adds two lines; patch reports hunk 2 where it lands in the
    // output, 2 lines below its line in the input.
    const std::string patch_text =
        "--- a/f\n+++ b/f\n@@ -2,3 +2,5 @@\n line 2\n+n1\n+n2\n line 3\n"
        " line 4\n@@ -15,3 +17,3 @@\n line 15\n-line 16\n+L16\n line 17\n";
    const std::string input = "extra\n" + numbered(1, 20);
    const auto r = run_apply(patch_text, input, 0);
    ASSERT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.hunks[0].offset, 1);
    EXPECT_EQ(r.hunks[0].line, 3);
    EXPECT_EQ(r.hunks[1].offset, 1);
    EXPECT_EQ(r.hunks[1].line, 18);
}

TEST(PatchApply, applies_a_crlf_diff_to_a_crlf_file_byte_for_byte) {
    // diff -u of CRLF files: LF header lines, CRLF content lines.
    const std::string patch_text = "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n";
    const auto r = run_apply(patch_text, std::string_view("a\r\nb\r\nc\r\n"), 0);
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.content, "a\r\nB\r\nc\r\n");
    EXPECT_EQ(run_apply(patch_text, std::string_view("a\nb\nc\n"), 2).status, FileStatus::Failed);
}

TEST(PatchApply, inserts_from_a_zero_context_hunk) {
    // diff -U0: "@@ -2,0 +3,2 @@" appends after line 2.
    const auto r = run_apply("--- a/f\n+++ b/f\n@@ -2,0 +3,2 @@\n+x\n+y\n",
                             std::string_view("a\nb\nc\n"), 0);
    EXPECT_EQ(r.status, FileStatus::Applied);
    EXPECT_EQ(r.content, "a\nb\nx\ny\nc\n");
}
