#include <gtest/gtest.h>

#include <kseries/report/style.hpp>

using kseries::report::paint;
using kseries::report::style_sequence_length;
using kseries::report::TextStyle;
using kseries::report::Tone;

TEST(Style, recognises_every_sequence_paint_writes) {
    for (const Tone tone : {Tone::Good, Tone::Warn, Tone::Bad, Tone::Info, Tone::Dim}) {
        const std::string painted = paint(TextStyle{true}, tone, "x");
        const std::size_t open = style_sequence_length(painted);
        ASSERT_NE(open, 0U) << painted;
        EXPECT_EQ(painted.substr(open, 1), "x");
        EXPECT_EQ(style_sequence_length(painted.substr(open + 1)), painted.size() - open - 1);
    }
}

TEST(Style, refuses_any_other_escape_sequence) {
    EXPECT_EQ(style_sequence_length("\x1b[2J"), 0U);
    EXPECT_EQ(style_sequence_length("\x1b]0;title\x07"), 0U);
    EXPECT_EQ(style_sequence_length("\x1b[31m"), 0U); // red, but not a tone of ours
    EXPECT_EQ(style_sequence_length("\x1b[3"), 0U);
    EXPECT_EQ(style_sequence_length("plain"), 0U);
}
