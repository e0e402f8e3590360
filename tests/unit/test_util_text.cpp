#include <gtest/gtest.h>

#include <kseries/util/text.hpp>

using kseries::text::neutralise;
using kseries::text::printable;
using kseries::text::quote_line;

TEST(Text, printable_escapes_every_control_character) {
    EXPECT_EQ(printable("p\x1b]0;pwned\x07.patch"), "p\\x1b]0;pwned\\x07.patch");
    EXPECT_EQ(printable("a\nb\rc\td"), "a\\nb\\rc\\td");
    EXPECT_EQ(printable(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
}

TEST(Text, printable_keeps_text_utf8_and_backslashes) {
    EXPECT_EQ(printable("fs/overlayfs/super.c ü ✅ a\\b |`<"), "fs/overlayfs/super.c ü ✅ a\\b |`<");
    // Bytes over 0x7f are not control characters here: invalid UTF-8 stays
    // as it is (the terminal shows a replacement, it cannot act on it).
    EXPECT_EQ(printable("\xff\xfe"), "\xff\xfe");
}

TEST(Text, neutralise_keeps_lines_and_tabs) {
    EXPECT_EQ(neutralise("line 1\tx\nline\r2\x1b[2J\x07\n"), "line 1\tx\nline\\r2\\x1b[2J\\x07\n");
}

TEST(Text, quote_line_shows_controls_like_printable) {
    EXPECT_EQ(quote_line("a\x1b\tb\r\n"), "'a\\x1b\\tb'");
    EXPECT_EQ(quote_line("a\rb\n"), "'a\\rb'");
}
