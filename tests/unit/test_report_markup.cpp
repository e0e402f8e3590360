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

using kseries::report::escape_markdown;

TEST(Markup, markdown_escapes_its_syntax) {
    EXPECT_EQ(escape_markdown("a|b`c*d_e[f]g\\h#i~j!k"),
              "a\\|b\\`c\\*d\\_e\\[f\\]g\\\\h\\#i\\~j\\!k");
    EXPECT_EQ(escape_markdown("<img src=x onerror=alert(1)>&"),
              "&lt;img src=x onerror=alert(1)&gt;&amp;");
}

TEST(Markup, markdown_cell_stays_on_one_line) {
    // A control character is shown as printable text (its backslash escaped,
    // so it renders as \x1b), and a newline cannot end the table row.
    EXPECT_EQ(escape_markdown("a\nb\x1b[2J\r"), "a\\\\nb\\\\x1b\\[2J\\\\r");
    EXPECT_EQ(escape_markdown("4.18.0-193.el8 ✅"), "4.18.0-193.el8 ✅");
}
