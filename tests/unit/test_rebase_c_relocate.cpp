#include <gtest/gtest.h>

#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/c_relocate.hpp>
#include <kseries/util/text.hpp>

#include "rebase_fixtures.hpp"

using namespace kseries;
using kseries::test::file_patch;

namespace {

std::vector<std::string> lines_of(std::string_view s) {
    std::vector<std::string> out;
    for (const auto l : text::split_lines(s)) {
        out.emplace_back(l);
    }
    return out;
}

// ovl_get_inode()'s start as a target has it: a comment and a blank line
// now stand between the lines the hunk was made on.
const std::string target = "#include <linux/fs.h>\n"
                           "\n"
                           "static int ovl_check(struct inode *inode, int flags)\n"
                           "{\n"
                           "\tstruct ovl_fs *ofs = OVL_FS(inode->i_sb);\n"
                           "\n"
                           "\t/* the upper layer decides */\n"
                           "\tif (flags & OVL_UPPER)\n"
                           "\t\treturn ovl_upper(ofs);\n"
                           "\treturn -ESTALE;\n"
                           "}\n";

std::optional<std::vector<std::string>> relocated(const std::string& content,
                                                  const std::string& hunk, std::string& why) {
    const auto cur = lines_of(content);
    const auto body = rebase::function_body(cur, "ovl_check");
    EXPECT_TRUE(body);
    const auto file = file_patch("--- a/f.c\n+++ b/f.c\n" + hunk);
    return rebase::relocate(cur, *body, file.hunks.at(0), why);
}

const std::string hunk = "@@ -30,4 +30,4 @@ static int ovl_check(struct inode *inode, int flags)\n"
                         " \tstruct ovl_fs *ofs = OVL_FS(inode->i_sb);\n"
                         " \tif (flags & OVL_UPPER)\n"
                         " \t\treturn ovl_upper(ofs);\n"
                         "-\treturn -ESTALE;\n"
                         "+\treturn -EIO;\n";

} // namespace

TEST(CRelocate, places_the_change_by_its_aligned_lines_inside_the_function) {
    std::string why;
    const auto out = relocated(target, hunk, why);
    ASSERT_TRUE(out) << why;
    EXPECT_EQ(text::join(*out, ""),
              test::replaced(target, "\treturn -ESTALE;\n", "\treturn -EIO;\n"));
}

TEST(CRelocate, refuses_a_removed_line_the_function_does_not_have) {
    std::string why;
    const auto out = relocated(test::replaced(target, "-ESTALE", "-ENOENT"), hunk, why);
    EXPECT_FALSE(out);
    EXPECT_EQ(why, "removed line '\\treturn -ESTALE;' is not in the function");
}

TEST(CRelocate, refuses_a_removed_line_that_occurs_twice_in_the_file) {
    std::string why;
    const auto twin = target + "\nstatic int ovl_other(void)\n{\n\treturn -ESTALE;\n}\n";
    const auto out = relocated(twin, hunk, why);
    EXPECT_FALSE(out);
    EXPECT_NE(why.find("occurs more than once in the file"), std::string::npos) << why;
}

TEST(CRelocate, refuses_an_added_line_no_unique_line_anchors) {
    // Only added lines between two context lines that both occur twice
    // in the file: where the addition goes is a guess.
    const std::string content = "static int ovl_check(struct inode *inode, int flags)\n"
                                "{\n"
                                "\tint a;\n"
                                "\tint a;\n"
                                "\treturn 0;\n"
                                "}\n";
    const std::string add = "@@ -3,2 +3,3 @@ static int ovl_check(struct inode *inode, int flags)\n"
                            " \tint a;\n"
                            "+\tint b;\n"
                            " \tint a;\n";
    std::string why;
    const auto out = relocated(content, add, why);
    EXPECT_FALSE(out);
    EXPECT_NE(why.find("no line of the function anchors added line"), std::string::npos) << why;
}
