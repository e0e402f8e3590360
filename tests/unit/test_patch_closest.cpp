#include <gtest/gtest.h>

#include <kseries/patch/closest.hpp>
#include <kseries/patch/parser.hpp>

using namespace kseries::patch;

namespace {

Hunk hunk_of(const std::string& text) {
    auto p = parse(text, "t.patch");
    EXPECT_TRUE(p) << p.error().to_string();
    return p->files[0].hunks[0];
}

} // namespace

TEST(PatchClosest, finds_the_position_with_most_matching_old_lines) {
    const Hunk h = hunk_of("--- a/f\n+++ b/f\n@@ -2,4 +2,4 @@\n a\n b\n-c\n+C\n d\n");
    // "a", "b" and "d" survive at line 6; "c" was rewritten.
    const auto m = closest_match(h, "x\nx\nx\nx\nx\na\nb\nchanged\nd\nx\n");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->line, 6);
    EXPECT_EQ(m->matched, 3);
    EXPECT_EQ(m->total, 4);
}

TEST(PatchClosest, prefers_the_position_nearest_the_stated_line_on_ties) {
    const Hunk h = hunk_of("--- a/f\n+++ b/f\n@@ -5,2 +5,2 @@\n a\n-b\n+B\n");
    const auto m = closest_match(h, "a\nx\nx\nx\na\nx\nx\nx\nx\nx\nx\na\n");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->line, 5);
    EXPECT_EQ(m->matched, 1);
}

TEST(PatchClosest, says_nothing_when_no_line_survives) {
    const Hunk h = hunk_of("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n");
    EXPECT_FALSE(closest_match(h, "x\ny\n").has_value());
}
