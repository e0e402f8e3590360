// patch/parser_headers.cpp: the lines of a file section's header (git's
// extended headers, "---"/"+++" names, "Index:") and a mail's headers.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/patch/parser_headers.hpp>

using namespace kseries;
using namespace kseries::patch;

namespace {

// Feeds `lines` (numbered from `first`) of the patch "p.patch" to one file
// section, as the parser does; the first error stops it.
Expected<FilePatch> section(const std::vector<std::string>& lines, std::size_t first = 1) {
    FilePatch file;
    std::size_t number = first;
    for (const auto& l : lines) {
        file.header.push_back(l);
        if (auto ok = detail::parse_header_line(l, "p.patch", number++, file); !ok) {
            return std::unexpected(ok.error());
        }
    }
    return file;
}

// The error of a section that must be refused.
Error refused(const std::vector<std::string>& lines, std::size_t first = 1) {
    auto f = section(lines, first);
    EXPECT_FALSE(f) << "accepted: " << lines.back();
    return f ? Error(ErrorKind::Internal, "accepted") : f.error();
}

} // namespace

TEST(PatchParserHeaders, diff_git_names_and_then_the_minus_plus_lines) {
    auto f = section({"diff --git a/fs/a.c b/fs/a.c\n"});
    ASSERT_TRUE(f) << f.error().to_string();
    EXPECT_TRUE(f->git);
    EXPECT_EQ(f->old_name, "a/fs/a.c");
    EXPECT_EQ(f->new_name, "b/fs/a.c");
    f = section({"diff --git a/fs/a.c b/fs/a.c\n", "--- a/fs/old.c\n", "+++ b/fs/new.c\n"});
    ASSERT_TRUE(f);
    EXPECT_EQ(f->old_name, "a/fs/old.c");
    EXPECT_EQ(f->new_name, "b/fs/new.c");
}

TEST(PatchParserHeaders, diff_u_names_keep_their_timestamps_and_crlf_is_noticed) {
    auto f = section({"--- linux.orig/fs/a.c\t2024-01-02 03:04:05.000000000 +0100\n",
                      "+++ linux/fs/a.c\t2024-01-02 03:04:06.000000000 +0100\r\n"});
    ASSERT_TRUE(f) << f.error().to_string();
    EXPECT_FALSE(f->git);
    EXPECT_EQ(f->old_name, "linux.orig/fs/a.c");
    EXPECT_EQ(f->old_timestamp, "2024-01-02 03:04:05.000000000 +0100");
    EXPECT_EQ(f->new_name, "linux/fs/a.c");
    EXPECT_EQ(f->new_timestamp, "2024-01-02 03:04:06.000000000 +0100");
    EXPECT_TRUE(f->strip_trailing_cr);
    f = section({"Index: fs/a.c\r\n"});
    ASSERT_TRUE(f);
    EXPECT_TRUE(f->strip_trailing_cr);
}

TEST(PatchParserHeaders, new_and_deleted_file_modes) {
    auto created =
        section({"diff --git a/n.c b/n.c\n", "new file mode 100644\n", "index 0000000..e69de29\n"});
    ASSERT_TRUE(created) << created.error().to_string();
    EXPECT_TRUE(created->new_file);
    EXPECT_FALSE(created->deleted_file);
    EXPECT_EQ(created->new_mode, "100644");
    EXPECT_EQ(created->old_blob, "0000000");
    EXPECT_EQ(created->new_blob, "e69de29");
    auto gone = section({"diff --git a/g.sh b/g.sh\n", "deleted file mode 100755\n"});
    ASSERT_TRUE(gone);
    EXPECT_TRUE(gone->deleted_file);
    EXPECT_EQ(gone->old_mode, "100755");
    EXPECT_TRUE(gone->new_mode.empty());
}

TEST(PatchParserHeaders, a_mode_change_and_an_index_line_with_its_mode) {
    auto f = section({"diff --git a/s.sh b/s.sh\n", "old mode 100644\n", "new mode 100755\n",
                      "index 83db48f..bf269f4 100755\n"});
    ASSERT_TRUE(f) << f.error().to_string();
    EXPECT_EQ(f->old_mode, "100644");
    EXPECT_EQ(f->new_mode, "100755");
    EXPECT_EQ(f->old_blob, "83db48f");
    EXPECT_EQ(f->new_blob, "bf269f4");
    EXPECT_FALSE(f->new_file);
    EXPECT_FALSE(f->deleted_file);
}

TEST(PatchParserHeaders, rename_and_copy_lines_mark_the_section) {
    auto renamed = section({"diff --git a/old.c b/new.c\n", "similarity index 90%\n",
                            "rename from old.c\n", "rename to new.c\n"});
    ASSERT_TRUE(renamed) << renamed.error().to_string();
    EXPECT_TRUE(renamed->rename);
    EXPECT_FALSE(renamed->copy);
    auto copied = section({"diff --git a/a.c b/b.c\n", "copy from a.c\n", "copy to b.c\n"});
    ASSERT_TRUE(copied);
    EXPECT_TRUE(copied->copy);
    EXPECT_FALSE(copied->rename);
}

TEST(PatchParserHeaders, names_with_spaces_are_split_by_the_rename_lines) {
    const std::string diff = "diff --git a/my dir/x y.c b/my dir/z w.c\n";
    auto f = section({diff, "rename from my dir/x y.c\n", "rename to my dir/z w.c\n"});
    ASSERT_TRUE(f);
    ASSERT_TRUE(detail::names_from_rename(diff, "p.patch", 1, *f));
    EXPECT_EQ(f->old_name, "a/my dir/x y.c");
    EXPECT_EQ(f->new_name, "b/my dir/z w.c");
    // Quoted (C-style) rename names are unquoted first.
    const std::string quoted = "diff --git \"a/t\\tab\" b/plain name\n";
    f = section({quoted, "copy from \"t\\tab\"\n", "copy to plain name\n"});
    ASSERT_TRUE(f) << f.error().to_string();
    ASSERT_TRUE(detail::names_from_rename(quoted, "p.patch", 1, *f));
    EXPECT_EQ(f->new_name, "b/plain name");
}

TEST(PatchParserHeaders, a_badly_quoted_rename_name_is_a_parse_error_at_its_line) {
    const std::string diff = "diff --git a/x b/y\n";
    auto f = section({diff, "rename from \"x\n", "rename to y\n"});
    ASSERT_TRUE(f);
    auto ok = detail::names_from_rename(diff, "p.patch", 7, *f);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(ok.error().location().file, "p.patch");
    EXPECT_EQ(ok.error().location().line, 7U);
    EXPECT_NE(ok.error().message().find("cannot read a rename or copy name"), std::string::npos);
}

TEST(PatchParserHeaders, a_mode_other_than_a_regular_file_is_refused_at_its_line) {
    for (const char* line : {"new file mode 120000\n", "new mode 160000\n", "old mode 104755\n",
                             "deleted file mode 120000\n"}) {
        const auto e = refused({"diff --git a/l b/l\n", line}, 40);
        EXPECT_EQ(e.kind(), ErrorKind::Unsafe) << line;
        EXPECT_EQ(e.location().file, "p.patch");
        EXPECT_EQ(e.location().line, 41U) << line;
        EXPECT_NE(e.message().find("is refused: kseries patches regular files only"),
                  std::string::npos)
            << e.message();
    }
}

TEST(PatchParserHeaders, mode_lines_outside_a_git_section_are_only_text) {
    auto f = section({"--- a/l\n", "new file mode 120000\n", "+++ b/l\n"});
    ASSERT_TRUE(f) << f.error().to_string();
    EXPECT_FALSE(f->new_file);
    EXPECT_TRUE(f->new_mode.empty());
}

TEST(PatchParserHeaders, a_malformed_index_line_is_a_parse_error_at_its_line) {
    const auto e = refused({"diff --git a/x b/x\n", "index 83db48f\n"}, 10);
    EXPECT_EQ(e.kind(), ErrorKind::Parse);
    EXPECT_EQ(e.location().file, "p.patch");
    EXPECT_EQ(e.location().line, 11U);
    EXPECT_EQ(e.to_string(), "p.patch:11: malformed git index line 'index 83db48f' (expected "
                             "'index <old>..<new> [mode]')");
}

TEST(PatchParserHeaders, an_unreadable_name_is_a_parse_error_naming_the_line) {
    for (const char* line : {"--- \"a/unterminated\n", "diff --git \"a/x\n"}) {
        const auto e = refused({line}, 3);
        EXPECT_EQ(e.kind(), ErrorKind::Parse) << line;
        EXPECT_EQ(e.location().line, 3U);
        EXPECT_TRUE(e.message().starts_with("cannot read the file name in ")) << e.message();
    }
}

TEST(PatchParserHeaders, mail_headers_unfold_and_stop_at_the_first_non_header) {
    const auto mail = detail::parse_mail_headers("From 1234abcd Mon Sep 17 00:00:00 2001\n"
                                                 "From: A Maintainer <a@example.org>\n"
                                                 "Date: Tue, 2 Jan 2024 10:00:00 +0100\n"
                                                 "Subject: [PATCH 1/2] ovl: a subject that\n"
                                                 " goes on\n"
                                                 "\n"
                                                 "Subject: not this one\n");
    EXPECT_EQ(mail.from, "A Maintainer <a@example.org>");
    EXPECT_EQ(mail.date, "Tue, 2 Jan 2024 10:00:00 +0100");
    EXPECT_EQ(mail.subject, "[PATCH 1/2] ovl: a subject that goes on");
    const auto none = detail::parse_mail_headers("This patch fixes a thing.\nSubject: no\n");
    EXPECT_TRUE(none.subject.empty());
    EXPECT_TRUE(none.from.empty());
}
