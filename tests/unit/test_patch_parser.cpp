#include <string>

#include <gtest/gtest.h>

#include <kseries/patch/parser.hpp>
#include <kseries/patch/writer.hpp>

using kseries::ErrorKind;
using kseries::patch::LineKind;
using kseries::patch::parse;

namespace {

// diff -ru output as the seed has it (with real tabs), one file, timestamps.
const std::string diff_ru =
    "diff -ru linux-4.18/fs/overlayfs/copy_up.c linux-4.18.new/fs/overlayfs/copy_up.c\n"
    "--- linux-4.18/fs/overlayfs/copy_up.c\t2020-01-14 23:54:17.000000000 +0900\n"
    "+++ linux-4.18.new/fs/overlayfs/copy_up.c\t2020-03-02 04:21:37.701624976 +0900\n"
    "@@ -110,6 +110,10 @@\n"
    " \t\t\tcontinue; /* Discard */\n"
    " \t\t}\n"
    " \t\terror = vfs_setxattr(new, name, value, size, 0);\n"
    "+\t\tif (error == -EOPNOTSUPP) {\n"
    "+\t\t\terror = 0;\n"
    "+\t\t\tcontinue;\n"
    "+\t\t}\n"
    " \t\tif (error)\n"
    " \t\t\tbreak;\n"
    " \t}\n";

// git format-patch: mail headers, description, diffstat, two files, a
// rename, a new file, a deleted file and a signature.
const std::string format_patch =
    "From 3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6d7e8f901 Mon Sep 17 00:00:00 2001\n"
    "From: Ada Maintainer <ada@example.org>\n"
    "Date: Mon, 2 Mar 2020 04:29:36 +0900\n"
    "Subject: [PATCH 1/2] ovl: a subject that is long enough to be\n"
    " folded onto a second line\n"
    "\n"
    "Body text.\n"
    "---\n"
    " fs/a.c | 2 +-\n"
    " 1 file changed, 1 insertion(+), 1 deletion(-)\n"
    "\n"
    "diff --git a/fs/a.c b/fs/a.c\n"
    "index 1234567..89abcde 100644\n"
    "--- a/fs/a.c\n"
    "+++ b/fs/a.c\n"
    "@@ -1,3 +1,3 @@ int main(void)\n"
    " one\n"
    "-two\n"
    "+TWO\n"
    " three\n"
    "diff --git a/fs/old name.c b/fs/new name.c\n"
    "similarity index 100%\n"
    "rename from fs/old name.c\n"
    "rename to fs/new name.c\n"
    "diff --git a/fs/new.c b/fs/new.c\n"
    "new file mode 100644\n"
    "index 0000000..e69de29\n"
    "--- /dev/null\n"
    "+++ b/fs/new.c\n"
    "@@ -0,0 +1,2 @@\n"
    "+hello\n"
    "+world\n"
    "diff --git a/fs/gone.c b/fs/gone.c\n"
    "deleted file mode 100644\n"
    "index e69de29..0000000\n"
    "--- a/fs/gone.c\n"
    "+++ /dev/null\n"
    "@@ -1 +0,0 @@\n"
    "-bye\n"
    "-- \n"
    "2.39.5\n"
    "\n";

} // namespace

TEST(PatchParser, reads_diff_ru_with_timestamps) {
    auto p = parse(diff_ru, "x.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    ASSERT_EQ(p->files.size(), 1u);
    const auto& f = p->files[0];
    EXPECT_EQ(f.old_name, "linux-4.18/fs/overlayfs/copy_up.c");
    EXPECT_EQ(f.new_name, "linux-4.18.new/fs/overlayfs/copy_up.c");
    EXPECT_EQ(f.old_timestamp, "2020-01-14 23:54:17.000000000 +0900");
    EXPECT_EQ(f.line, 1u);
    ASSERT_EQ(f.hunks.size(), 1u);
    const auto& h = f.hunks[0];
    EXPECT_EQ(h.old_start, 110);
    EXPECT_EQ(h.old_count, 6);
    EXPECT_EQ(h.new_start, 110);
    EXPECT_EQ(h.new_count, 10);
    EXPECT_EQ(h.line, 4u);
    EXPECT_EQ(h.prefix_context(), 3);
    EXPECT_EQ(h.suffix_context(), 3);
    EXPECT_EQ(h.lines[3].kind, LineKind::Added);
    EXPECT_EQ(h.lines[3].text(), "\t\tif (error == -EOPNOTSUPP) {\n");
}

TEST(PatchParser, reads_format_patch_mail_and_git_headers) {
    auto p = parse(format_patch, "0001.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    EXPECT_EQ(p->mail.from, "Ada Maintainer <ada@example.org>");
    EXPECT_EQ(p->mail.subject,
              "[PATCH 1/2] ovl: a subject that is long enough to be folded onto a second line");
    EXPECT_EQ(p->mail.date, "Mon, 2 Mar 2020 04:29:36 +0900");
    ASSERT_EQ(p->files.size(), 4u);

    EXPECT_TRUE(p->files[0].git);
    EXPECT_EQ(p->files[0].old_blob, "1234567");
    EXPECT_EQ(p->files[0].new_blob, "89abcde");
    EXPECT_EQ(p->files[0].hunks[0].section, "int main(void)");

    EXPECT_TRUE(p->files[1].rename);
    EXPECT_EQ(p->files[1].old_name, "a/fs/old name.c");
    EXPECT_EQ(p->files[1].new_name, "b/fs/new name.c");
    EXPECT_TRUE(p->files[1].hunks.empty());

    EXPECT_TRUE(p->files[2].new_file);
    EXPECT_TRUE(p->files[2].creates());
    EXPECT_EQ(p->files[2].new_mode, "100644");
    EXPECT_EQ(p->files[2].hunks[0].old_count, 0);

    EXPECT_TRUE(p->files[3].deleted_file);
    EXPECT_TRUE(p->files[3].deletes());
    EXPECT_EQ(p->files[3].hunks[0].new_count, 0);
    EXPECT_EQ(p->trailer, "-- \n2.39.5\n\n");
}

TEST(PatchParser, keeps_quilt_description_as_preamble) {
    const std::string quilt =
        "Fix the thing.\n\nSigned-off-by: A <a@b>\n\n---\n"
        "Index: linux/fs/a.c\n"
        "===================================================================\n"
        "--- linux.orig/fs/a.c\n+++ linux/fs/a.c\n"
        "@@ -1 +1 @@\n-a\n+b\n";
    auto p = parse(quilt, "q.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    EXPECT_EQ(p->preamble, "Fix the thing.\n\nSigned-off-by: A <a@b>\n\n---\n");
    EXPECT_EQ(p->files[0].old_name, "linux.orig/fs/a.c");
    EXPECT_EQ(p->files[0].line, 6u);
}

TEST(PatchParser, reads_no_newline_markers_on_each_side) {
    const std::string text = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n"
                             "\\ No newline at end of file\n+c\n\\ No newline at end of file\n";
    auto p = parse(text, "n.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    const auto& lines = p->files[0].hunks[0].lines;
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1].old_text(), "b");
    EXPECT_EQ(lines[2].new_text(), "c");
    EXPECT_EQ(lines[0].old_text(), "a\n");
}

TEST(PatchParser, context_marker_removes_the_newline_on_both_sides) {
    const std::string text = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+A\n z\n"
                             "\\ No newline at end of file\n";
    auto p = parse(text, "n.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    const auto& z = p->files[0].hunks[0].lines[2];
    EXPECT_EQ(z.old_text(), "z");
    EXPECT_EQ(z.new_text(), "z");
}

TEST(PatchParser, accepts_zero_length_ranges_and_empty_context_lines) {
    const std::string text = "--- a/f\n+++ b/f\n@@ -3,0 +4,2 @@\n+x\n+y\n"
                             "@@ -10,3 +12,2 @@\n a\n\n-c\n";
    auto p = parse(text, "z.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    const auto& h = p->files[0].hunks;
    EXPECT_EQ(h[0].old_count, 0);
    EXPECT_EQ(h[1].lines[1].kind, LineKind::Context);
    EXPECT_EQ(h[1].lines[1].text(), "\n");
}

TEST(PatchParser, keeps_crlf_bytes_in_lines) {
    const std::string text = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\r\n+b\r\n";
    auto p = parse(text, "crlf.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    EXPECT_EQ(p->files[0].hunks[0].lines[0].text(), "a\r\n");
    EXPECT_FALSE(p->files[0].strip_trailing_cr);
}

TEST(PatchParser, strips_cr_like_gnu_patch_when_headers_are_crlf) {
    const std::string text = "--- a/f\r\n+++ b/f\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n";
    auto p = parse(text, "crlf.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    EXPECT_TRUE(p->files[0].strip_trailing_cr);
    EXPECT_EQ(p->files[0].hunks[0].lines[0].text(), "a\n");
}

TEST(PatchParser, reads_quoted_git_names) {
    const std::string text = "diff --git \"a/x\\tb.c\" \"b/x\\tb.c\"\n--- \"a/x\\tb.c\"\n"
                             "+++ \"b/x\\tb.c\"\n@@ -1 +1 @@\n-a\n+b\n";
    auto p = parse(text, "q.patch");
    ASSERT_TRUE(p) << p.error().to_string();
    EXPECT_EQ(p->files[0].new_name, "b/x\tb.c");
}

// --- errors name the file and the line, and say what was expected ---

namespace {

void expect_parse_error(const std::string& text, std::size_t line, const std::string& fragment) {
    auto p = parse(text, "bad.patch");
    ASSERT_FALSE(p) << "parsed although malformed";
    EXPECT_EQ(p.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(p.error().location().file, "bad.patch");
    EXPECT_EQ(p.error().location().line, line) << p.error().to_string();
    EXPECT_NE(p.error().message().find(fragment), std::string::npos) << p.error().to_string();
}

} // namespace

TEST(PatchParser, rejects_a_hunk_longer_than_its_header) {
    expect_parse_error("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n+d\n", 7,
                       "hunk body does not match its header");
}

TEST(PatchParser, rejects_a_truncated_hunk) {
    expect_parse_error("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n", 6,
                       "truncated hunk: the patch ends 1 old and 1 new lines short");
}

TEST(PatchParser, rejects_the_seed_super_c_patch_as_published) {
    // The blog's copy: header says 16 old lines, the body has 15, and the
    // kernel's tabs became spaces.
    const std::string blog =
        "diff -ru linux-4.18.0-147.5.1.el8.x86_64/fs/overlayfs/super.c "
        "linux-4.18.0-147.5.1.el8.x86_64.new/fs/overlayfs/super.c\n"
        "--- linux-4.18.0-147.5.1.el8.x86_64/fs/overlayfs/super.c        2020-01-14 "
        "23:54:17.000000000 +0900\n"
        "+++ linux-4.18.0-147.5.1.el8.x86_64.new/fs/overlayfs/super.c    2020-03-02 "
        "04:29:36.855735623 +0900\n"
        "@@ -127,16 +127,11 @@\n"
        "                if (d->d_flags & DCACHE_OP_REVALIDATE) {\n"
        "                        ret = d->d_op->d_revalidate(d, flags);\n"
        "-                       if (ret < 0)\n"
        "+                       if (ret <= 0)\n"
        "                                return ret;\n"
        "-                       if (!ret) {\n"
        "-                               if (!(flags & LOOKUP_RCU))\n"
        "-                                       d_invalidate(d);\n"
        "-                               return -ESTALE;\n"
        "-                       }\n"
        "                }\n"
        "        }\n"
        "-       return 1;\n"
        "+       return ret;\n"
        " }\n"
        "\n"
        " static int ovl_dentry_weak_revalidate(struct dentry *dentry, unsigned int flags)\n";
    expect_parse_error(blog, 21,
                       "truncated hunk: the patch ends 1 old and 1 new lines short "
                       "(the header at line 4 says 16 old and 11 new lines)");
}

TEST(PatchParser, rejects_garbage_between_hunks) {
    expect_parse_error("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\nthis is not a hunk line\n"
                       "@@ -5 +5 @@\n-c\n+d\n",
                       6, "unexpected 'this is not a hunk line' after the hunk at line 3");
}

TEST(PatchParser, rejects_an_unexpected_line_inside_a_hunk) {
    expect_parse_error("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n*b\n", 5,
                       "unexpected '*b' in a hunk body");
}

TEST(PatchParser, rejects_git_binary_patches) {
    expect_parse_error("diff --git a/x.bin b/x.bin\nindex 1..2 100644\nGIT binary patch\n"
                       "literal 5\nMcmZ?wbaHn9000\n\n",
                       3, "binary patches are not supported");
}

TEST(PatchParser, rejects_binary_files_differ) {
    expect_parse_error("diff -ru a/x.bin b/x.bin\nBinary files a/x.bin and b/x.bin differ\n", 2,
                       "binary patches are not supported");
}

TEST(PatchParser, rejects_a_hunk_header_with_a_huge_count) {
    expect_parse_error("--- a/f\n+++ b/f\n@@ -1,99999999999999999999 +1 @@\n-a\n", 3,
                       "number out of range");
}

TEST(PatchParser, rejects_a_hunk_header_without_new_range) {
    expect_parse_error("--- a/f\n+++ b/f\n@@ -1,2 @@\n-a\n", 3,
                       "missing ' +' before the new range");
}

TEST(PatchParser, rejects_a_marker_in_the_middle_of_a_hunk) {
    expect_parse_error("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n\\ No newline at end of file\n"
                       "-b\n+c\n+d\n",
                       5, "in the middle of a hunk");
}

TEST(PatchParser, rejects_text_without_a_diff) {
    auto p = parse("just words\n", "words.patch");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().to_string(),
              "words.patch: no unified diff found (expected '--- ' and '+++ ' lines followed by "
              "'@@' hunks)");
}

TEST(PatchParser, rejects_a_hunk_that_changes_nothing) {
    expect_parse_error("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n b\n", 3, "changes nothing");
}

TEST(PatchParser, refuses_a_nul_byte_naming_its_line) {
    const std::string text = std::string("--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-a\n+b") + '\0' + "c\n";
    auto p = kseries::patch::parse(text, "nul.patch");
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().location().file, "nul.patch");
    EXPECT_EQ(p.error().location().line, 5U);
    EXPECT_NE(p.error().message().find("NUL"), std::string::npos);
}
