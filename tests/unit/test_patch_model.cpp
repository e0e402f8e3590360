// patch/model.cpp: what a hunk line holds on each side, a hunk's context,
// and when a file section creates or deletes its file.
#include <string>

#include <gtest/gtest.h>

#include <kseries/patch/model.hpp>

using namespace kseries::patch;

namespace {

HunkLine line(LineKind kind, std::string_view raw) {
    HunkLine l;
    l.kind = kind;
    l.raw = raw;
    return l;
}

Hunk hunk_of(std::initializer_list<LineKind> kinds) {
    Hunk h;
    for (const auto k : kinds) {
        h.lines.push_back(line(k, " x\n"));
    }
    return h;
}

// A section whose one hunk starts at old (new) line `old_start`
// (`new_start`), with the given timestamps.
FilePatch file(std::string old_ts, std::string new_ts, long old_start, long new_start) {
    FilePatch f;
    f.old_name = "a/f.c";
    f.new_name = "b/f.c";
    f.old_timestamp = std::move(old_ts);
    f.new_timestamp = std::move(new_ts);
    Hunk h;
    h.old_start = old_start;
    h.new_start = new_start;
    f.hunks.push_back(h);
    return f;
}

} // namespace

TEST(PatchModel, a_line_text_is_raw_without_its_prefix_or_the_folded_text) {
    auto l = line(LineKind::Added, "+int x;\r\n");
    EXPECT_EQ(l.text(), "int x;\r\n");
    l.folded = "int x;\n"; // a CRLF patch whose CRs are stripped
    EXPECT_EQ(l.text(), "int x;\n");
    // A bare "\n" is an empty context line whose ' ' was eaten.
    auto bare = line(LineKind::Context, "\n");
    bare.prefix = 0;
    EXPECT_EQ(bare.text(), "\n");
}

TEST(PatchModel, no_newline_markers_drop_the_terminator_only_on_their_side) {
    auto l = line(LineKind::Context, " last\n");
    l.new_no_newline = true;
    EXPECT_EQ(l.old_text(), "last\n");
    EXPECT_EQ(l.new_text(), "last");
    l.old_no_newline = true;
    l.new_no_newline = false;
    EXPECT_EQ(l.old_text(), "last");
    EXPECT_EQ(l.new_text(), "last\n");
    EXPECT_TRUE(l.on_old_side());
    EXPECT_TRUE(l.on_new_side());
    EXPECT_FALSE(line(LineKind::Added, "+a\n").on_old_side());
    EXPECT_FALSE(line(LineKind::Removed, "-a\n").on_new_side());
}

TEST(PatchModel, prefix_and_suffix_context_count_to_the_first_and_last_change) {
    using K = LineKind;
    const auto h = hunk_of({K::Context, K::Context, K::Removed, K::Context, K::Added, K::Context});
    EXPECT_EQ(h.prefix_context(), 2);
    EXPECT_EQ(h.suffix_context(), 1);
    const auto only_context = hunk_of({K::Context, K::Context, K::Context});
    EXPECT_EQ(only_context.prefix_context(), 3);
    EXPECT_EQ(only_context.suffix_context(), 3);
    const auto no_context = hunk_of({K::Added});
    EXPECT_EQ(no_context.prefix_context(), 0);
    EXPECT_EQ(no_context.suffix_context(), 0);
    EXPECT_EQ(Hunk{}.prefix_context(), 0);
}

TEST(PatchModel, creates_by_git_header_dev_null_or_the_epoch_of_diff_N) {
    FilePatch git_new = file("", "", 1, 1);
    git_new.new_file = true;
    EXPECT_TRUE(git_new.creates());
    FilePatch null_old = file("", "", 1, 1);
    null_old.old_name = std::string(dev_null);
    EXPECT_TRUE(null_old.creates());
    // diff -N: the epoch, in UTC or the same instant in local time, and the
    // hunk starting at line 0.
    EXPECT_TRUE(file("1970-01-01 00:00:00.000000000 +0000", "", 0, 1).creates());
    EXPECT_TRUE(file("1970-01-01 01:00:00.000000000 +0100", "", 0, 1).creates());
    EXPECT_TRUE(file("1969-12-31 19:00:00 -0500", "", 0, 1).creates());
    EXPECT_TRUE(file("1970-01-01 00:00:00", "", 0, 1).creates());
    // Not the epoch, or not from line 0: an ordinary change.
    EXPECT_FALSE(file("1970-01-01 00:00:01 +0000", "", 0, 1).creates());
    EXPECT_FALSE(file("1970-01-01 00:00:00.000000001 +0000", "", 0, 1).creates());
    EXPECT_FALSE(file("1970-01-01 00:00:00 +0000", "", 1, 1).creates());
    EXPECT_FALSE(file("2024-05-01 10:00:00 +0000", "", 0, 1).creates());
    EXPECT_FALSE(file("", "", 1, 1).creates());
}

TEST(PatchModel, a_malformed_timestamp_is_not_the_epoch_and_does_not_throw) {
    EXPECT_FALSE(file("1970-01-01 00:00:00 +!900", "", 0, 1).creates());
    EXPECT_FALSE(file("1970-01-01 00:00:00 +00000", "", 0, 1).creates());
    EXPECT_FALSE(file("1970-01-01 00:00:00 UTC", "", 0, 1).creates());
    EXPECT_FALSE(file("yesterday", "", 0, 1).creates());
}

TEST(PatchModel, deletes_by_git_header_dev_null_or_the_epoch) {
    FilePatch git_gone = file("", "", 1, 1);
    git_gone.deleted_file = true;
    EXPECT_TRUE(git_gone.deletes());
    FilePatch null_new = file("", "", 1, 1);
    null_new.new_name = std::string(dev_null);
    EXPECT_TRUE(null_new.deletes());
    EXPECT_TRUE(file("", "1970-01-01 00:00:00 +0000", 1, 0).deletes());
    EXPECT_FALSE(file("", "1970-01-01 00:00:00 +0000", 1, 1).deletes());
    EXPECT_FALSE(file("", "", 1, 0).deletes());
}

TEST(PatchModel, hunk_count_sums_the_files) {
    Patch p;
    EXPECT_EQ(p.hunk_count(), 0U);
    p.files.push_back(file("", "", 1, 1));
    p.files.push_back(file("", "", 1, 1));
    p.files.back().hunks.emplace_back();
    EXPECT_EQ(p.hunk_count(), 3U);
}
