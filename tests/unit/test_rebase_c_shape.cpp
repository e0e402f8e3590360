// The C-shape check of `kseries rebase --continue` on Debian's real 6.12
// (and 6.1) fs/overlayfs files, which must all pass it, and on the ways a
// resolution breaks them: the half-declaration a conflict region ending in
// `static int ovl_dentry_revalidate_common(struct dentry *dentry,` leaves,
// a lost function, unbalanced braces and left-over markers.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <kseries/rebase/c_shape.hpp>

using kseries::rebase::changed_functions;
using kseries::rebase::check_c_shape;
using kseries::rebase::defined_functions;
using kseries::rebase::is_c_file;

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// `text` with its 1-based line `n` removed.
std::string without_line(const std::string& text, std::size_t n) {
    std::size_t from = 0;
    for (std::size_t i = 1; i < n; ++i) {
        from = text.find('\n', from) + 1;
    }
    const auto to = text.find('\n', from) + 1;
    return text.substr(0, from) + text.substr(to);
}

std::size_t line_of(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << needle;
    return static_cast<std::size_t>(
               std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) +
           1;
}

} // namespace

TEST(CShape, braces_in_comments_strings_and_chars_do_not_count) {
    const std::string text = "/* { ( [ */\n"
                             "// } )\n"
                             "static const char *s = \"{(\\\"\";\n"
                             "static char c = '}';\n"
                             "static char q = '\\'';\n"
                             "int f(int a)\n{\n\treturn a; /* } */\n}\n";
    EXPECT_EQ(check_c_shape(text, {"f"}), std::nullopt);
    EXPECT_EQ(defined_functions(text), std::set<std::string>{"f"});
}

TEST(CShape, if_else_branches_that_each_open_a_brace_count_once) {
    const std::string text = "int f(int a)\n{\n"
                             "#ifdef CONFIG_X\n\tif (a) {\n#else\n\tif (!a) {\n#endif\n"
                             "\t\treturn 1;\n\t}\n\treturn 0;\n}\n"
                             "#define OPEN {\n";
    EXPECT_EQ(check_c_shape(text, {"f"}), std::nullopt);
}

TEST(CShape, a_closer_without_opener_is_named_by_its_line) {
    const auto p = check_c_shape("int f(void)\n{\n\treturn 0;\n}\n}\n", {});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->line, 5U);
    EXPECT_NE(p->message.find("closes nothing"), std::string::npos) << p->message;
}

TEST(CShape, an_unclosed_opener_is_named_by_its_line) {
    const auto p = check_c_shape("int f(void)\n{\n\tif (x) {\n\t\treturn 0;\n}\n", {});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->line, 2U) << p->message;
}

TEST(CShape, conflict_markers_are_refused) {
    const auto p =
        check_c_shape("int a;\n<<<<<<< target\nint b;\n=======\nint c;\n>>>>>>> P\n", {});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->line, 2U);
}

TEST(CShape, unclosed_comment_and_string) {
    auto p = check_c_shape("int a;\n/* open\nint b;\n", {});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->line, 2U);
    p = check_c_shape("int a;\nchar *s = \"open;\nint b;\n", {});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->line, 2U);
}

TEST(CShape, is_c_file_knows_sources_and_headers) {
    EXPECT_TRUE(is_c_file("fs/overlayfs/super.c"));
    EXPECT_TRUE(is_c_file("fs/overlayfs/overlayfs.h"));
    EXPECT_FALSE(is_c_file("fs/overlayfs/Kconfig"));
}

#ifdef KSERIES_CORPUS_612
// Every real file passes: the check may not refuse kernel code as it is.
TEST(CShape, every_real_overlayfs_file_passes) {
    for (const char* corpus : {KSERIES_CORPUS_612, KSERIES_CORPUS_61}) {
        std::size_t checked = 0;
        for (const auto& e :
             std::filesystem::directory_iterator(std::filesystem::path(corpus) / "fs/overlayfs")) {
            if (!is_c_file(e.path().string())) {
                continue;
            }
            const auto p = check_c_shape(slurp(e.path()), {});
            EXPECT_EQ(p, std::nullopt)
                << e.path() << ":" << (p ? p->line : 0) << ": " << (p ? p->message : "");
            ++checked;
        }
        EXPECT_GE(checked, 10U) << corpus;
    }
}

TEST(CShape, finds_the_real_definitions_of_super_c) {
    const auto text = slurp(std::filesystem::path(KSERIES_CORPUS_612) / "fs/overlayfs/super.c");
    const auto defined = defined_functions(text);
    for (const char* f : {"ovl_dentry_revalidate_common", "ovl_revalidate_real", "ovl_d_real",
                          "ovl_fill_super", "ovl_dentry_weak_revalidate"}) {
        EXPECT_TRUE(defined.contains(f)) << f;
    }
    // Declarations and calls are not definitions.
    EXPECT_FALSE(defined.contains("d_invalidate"));
    EXPECT_FALSE(defined.contains("if"));
}

// The region ended in the middle of the declaration; taking one side
// dropped its second line. The '(' it opens is never closed: its line is named.
TEST(CShape, the_half_declaration_is_refused_at_its_line) {
    const auto text = slurp(std::filesystem::path(KSERIES_CORPUS_612) / "fs/overlayfs/super.c");
    const auto decl =
        line_of(text, "static int ovl_dentry_revalidate_common(struct dentry *dentry,\n");
    ASSERT_NE(text.find("\t\t\t\t\tunsigned int flags, bool weak)\n"), std::string::npos);
    const auto broken = without_line(text, decl + 1);
    const auto p = check_c_shape(broken, {"ovl_dentry_revalidate_common"});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->line, decl) << p->message;
    // And the whole function lost from a resolution.
    auto lost = text;
    const auto at = lost.find("static int ovl_dentry_revalidate_common(");
    const auto end = lost.find("\n}\n", at) + 3;
    lost.erase(at, end - at);
    const auto q = check_c_shape(lost, {"ovl_dentry_revalidate_common"});
    ASSERT_TRUE(q);
    EXPECT_NE(q->message.find("ovl_dentry_revalidate_common()"), std::string::npos) << q->message;
    EXPECT_EQ(check_c_shape(lost, {"ovl_revalidate_real"}), std::nullopt);
}
// The functions a resolution edits: the one the real 0001's change is in
// (its hunk has no @@ heading), not the others.
TEST(CShape, changed_functions_are_the_ones_the_edit_is_in) {
    const auto text = slurp(std::filesystem::path(KSERIES_CORPUS_612) / "fs/overlayfs/super.c");
    const std::string old_block = "\t\tif (!ret) {\n\t\t\tif (!(flags & LOOKUP_RCU))\n"
                                  "\t\t\t\td_invalidate(d);\n\t\t\tret = -ESTALE;\n\t\t}\n";
    auto edited = text;
    const auto at = edited.find(old_block);
    ASSERT_NE(at, std::string::npos);
    edited.erase(at, old_block.size());
    EXPECT_EQ(changed_functions(text, edited), std::vector<std::string>{"ovl_revalidate_real"});
    EXPECT_TRUE(changed_functions(text, text).empty());
    // Losing the function it is in is refused by name.
    auto lost = text;
    const auto from = lost.find("static int ovl_revalidate_real(");
    lost.erase(from, lost.find("\n}\n", from) + 3 - from);
    const auto names = changed_functions(text, lost);
    ASSERT_FALSE(names.empty());
    const auto p = check_c_shape(lost, names);
    ASSERT_TRUE(p);
    EXPECT_NE(p->message.find("ovl_revalidate_real()"), std::string::npos) << p->message;
}
#endif
