// util/toml.cpp: kseries' TOML files read with toml++, every error naming
// the file and the line.
#include <string>

#include <gtest/gtest.h>

#include <kseries/util/toml.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

// `text` parsed as the file "f.toml" of a fresh directory.
struct Parsed {
    TempDir t;
    std::string file;
    Expected<toml::table> table;

    explicit Parsed(const std::string& text)
        : file((t.write("f.toml", text), (t.path() / "f.toml").string())),
          table(toml_read::parse_file(t.path() / "f.toml", "test file")) {}
};

} // namespace

TEST(UtilToml, a_missing_file_is_not_found_and_named) {
    TempDir t;
    auto r = toml_read::parse_file(t.path() / "absent.toml", "catalog file");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
    EXPECT_EQ(r.error().message(),
              "cannot read catalog file " + (t.path() / "absent.toml").string());
}

TEST(UtilToml, a_syntax_error_names_file_and_line) {
    Parsed p("a = \"x\"\nb = [1,\nc = = 2\n");
    ASSERT_FALSE(p.table);
    EXPECT_EQ(p.table.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(p.table.error().location().file, p.file);
    EXPECT_EQ(p.table.error().location().line, 3U);
}

TEST(UtilToml, a_key_of_too_many_dotted_parts_is_refused_before_parsing) {
    std::string deep = "ok = 1\n";
    for (int i = 0; i < 64; ++i) {
        deep += "a.";
    }
    deep += "b = 1\n";
    Parsed p(deep);
    ASSERT_FALSE(p.table);
    EXPECT_EQ(p.table.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(p.table.error().location().line, 2U);
    EXPECT_EQ(p.table.error().message(),
              "a key of more than 64 dotted parts; kseries reads no such key");
    // 63 dots (64 parts) are still read.
    std::string fine;
    for (int i = 0; i < 63; ++i) {
        fine += "a.";
    }
    Parsed q(fine + "b = 1\n");
    EXPECT_TRUE(q.table) << q.table.error().to_string();
}

TEST(UtilToml, unknown_keys_are_refused_at_their_line_naming_the_known_ones) {
    Parsed p("name = \"x\"\n\nlabel = \"y\"\n");
    ASSERT_TRUE(p.table);
    EXPECT_TRUE(toml_read::known_keys(p.file, *p.table, {"name", "label"}, "version.toml"));
    auto r = toml_read::known_keys(p.file, *p.table, {"name", "kernel"}, "version.toml");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().to_string(),
              p.file + ":3: unknown key 'label' in version.toml (known: name, kernel)");
}

TEST(UtilToml, string_at_reads_strings_and_dates_and_refuses_the_rest) {
    Parsed p("s = \"text\"\nd = 2024-05-01\nn = 3\n");
    ASSERT_TRUE(p.table);
    EXPECT_EQ(toml_read::string_at(p.file, *p.table, "s").value(), "text");
    EXPECT_EQ(toml_read::string_at(p.file, *p.table, "d").value(), "2024-05-01");
    EXPECT_EQ(toml_read::string_at(p.file, *p.table, "absent").value(), "");
    auto n = toml_read::string_at(p.file, *p.table, "n");
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error().to_string(), p.file + ":3: 'n' must be a string");
}

TEST(UtilToml, strings_at_takes_one_string_or_a_list_of_them) {
    Parsed p("one = \"a\"\nmany = [\"a\", \"b\"]\nnum = 1\nmixed = [\"a\",\n  2]\n");
    ASSERT_TRUE(p.table);
    EXPECT_EQ(toml_read::strings_at(p.file, *p.table, "one").value(),
              (std::vector<std::string>{"a"}));
    EXPECT_EQ(toml_read::strings_at(p.file, *p.table, "many").value(),
              (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(toml_read::strings_at(p.file, *p.table, "absent").value().empty());
    auto num = toml_read::strings_at(p.file, *p.table, "num");
    ASSERT_FALSE(num);
    EXPECT_EQ(num.error().to_string(), p.file + ":3: 'num' must be a string or a list of strings");
    auto mixed = toml_read::strings_at(p.file, *p.table, "mixed");
    ASSERT_FALSE(mixed);
    EXPECT_EQ(mixed.error().to_string(), p.file + ":5: 'mixed' must list strings");
}

TEST(UtilToml, tables_at_takes_an_array_of_tables) {
    Parsed p("plain = 1\nlist = [1]\n[[row]]\nname = \"a\"\n[[row]]\nname = \"b\"\n");
    ASSERT_TRUE(p.table);
    auto rows = toml_read::tables_at(p.file, *p.table, "row");
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 2U);
    EXPECT_EQ(toml_read::string_at(p.file, *(*rows)[1], "name").value(), "b");
    EXPECT_TRUE(toml_read::tables_at(p.file, *p.table, "absent").value().empty());
    auto plain = toml_read::tables_at(p.file, *p.table, "plain");
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error().to_string(),
              p.file + ":1: 'plain' must be an array of tables: [[plain]]");
    auto list = toml_read::tables_at(p.file, *p.table, "list");
    ASSERT_FALSE(list);
    EXPECT_EQ(list.error().to_string(), p.file + ":2: each 'list' must be a table");
}
