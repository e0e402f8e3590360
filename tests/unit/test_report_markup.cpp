#include <gtest/gtest.h>

#include <kseries/report/markup.hpp>

using kseries::report::escape_markup;

TEST(Markup, escapes_the_five_markup_characters) {
    EXPECT_EQ(escape_markup(R"(<a href="x">&'</a>)"),
              "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

TEST(Markup, keeps_valid_utf8_tabs_and_newlines) {
    EXPECT_EQ(escape_markup("≤ 9 lines\tü\n\r😀"), "≤ 9 lines\tü\n\r😀");
}

TEST(Markup, replaces_what_xml_forbids) {
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(escape_markup(std::string("a\0b", 3)), "a" + fffd + "b");
    EXPECT_EQ(escape_markup("\x1b[31m"), fffd + "[31m");
    EXPECT_EQ(escape_markup("\xff"), fffd);                       // not UTF-8 at all
    EXPECT_EQ(escape_markup("\xc3"), fffd);                       // truncated sequence
    EXPECT_EQ(escape_markup("\xc0\xaf"), fffd + fffd);            // overlong '/'
    EXPECT_EQ(escape_markup("\xed\xa0\x80"), fffd + fffd + fffd); // a surrogate
    EXPECT_EQ(escape_markup("\xef\xbf\xbf"), fffd + fffd + fffd); // U+FFFF
}
