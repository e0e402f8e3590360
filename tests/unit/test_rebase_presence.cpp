#include <gtest/gtest.h>

#include <kseries/rebase/guards.hpp>
#include <kseries/util/text.hpp>

#include "rebase_fixtures.hpp"

using namespace kseries;
using kseries::test::file_patch;
using kseries::test::hunk_of;
using kseries::test::lines_of;
using rebase::Presence;

namespace {

const std::string& target = test::ovl_check_function;

// Adds a check and drops the EROFS return.
const std::string hunk = "@@ -5,3 +5,4 @@ static int ovl_check(struct inode *inode)\n"
                         " \tif (!ofs->upper_mnt)\n"
                         "-\t\treturn -EROFS;\n"
                         "+\t\treturn ovl_no_upper(ofs, inode);\n"
                         "+\tovl_check_workdir(ofs, inode->i_sb);\n"
                         " \treturn ovl_upper(ofs);\n";

rebase::PresenceResult present(const std::string& content) {
    const auto cur = lines_of(content);
    return rebase::change_present(cur, std::vector<bool>(cur.size(), false), hunk_of(hunk), 5,
                                  std::nullopt);
}

} // namespace

TEST(RebasePresence, absent_when_none_of_the_added_lines_is_there) {
    EXPECT_EQ(present(target).presence, Presence::Absent);
}

TEST(RebasePresence, applied_when_the_added_lines_are_there_under_other_context) {
    // The target made the change, and its condition was rewritten since.
    const auto r =
        present(test::replaced(target, "\tif (!ofs->upper_mnt)\n\t\treturn -EROFS;\n",
                               "\tif (!ovl_upper_mnt(ofs))\n\t\treturn ovl_no_upper(ofs, inode);\n"
                               "\tovl_check_workdir(ofs, inode->i_sb);\n"));
    EXPECT_EQ(r.presence, Presence::Applied) << r.why;
    EXPECT_EQ(r.line, 5U);
    EXPECT_NE(r.why.find("under other context"), std::string::npos) << r.why;
}

TEST(RebasePresence, unclean_when_the_removed_line_is_still_there) {
    const auto r = present(test::replaced(target, "\t\treturn -EROFS;\n",
                                          "\t\treturn -EROFS;\n"
                                          "\t\treturn ovl_no_upper(ofs, inode);\n"
                                          "\tovl_check_workdir(ofs, inode->i_sb);\n"));
    EXPECT_EQ(r.presence, Presence::Unclean);
    EXPECT_NE(r.why.find("is still there"), std::string::npos) << r.why;
}

TEST(RebasePresence, unclean_when_the_added_lines_are_there_twice_in_its_function) {
    const std::string run = "\t\treturn ovl_no_upper(ofs, inode);\n"
                            "\tovl_check_workdir(ofs, inode->i_sb);\n";
    const auto r = present(test::replaced(target, "\treturn ovl_upper(ofs);\n",
                                          run + run + "\treturn ovl_upper(ofs);\n"));
    EXPECT_EQ(r.presence, Presence::Unclean);
    EXPECT_NE(r.why.find("is there 2 times"), std::string::npos) << r.why;
}

TEST(RebasePresence, only_the_function_the_hunk_belongs_to_is_looked_at) {
    // The same lines in another function are not the hunk's change.
    const auto r = present(target + "\nstatic void ovl_b(struct ovl_fs *ofs, struct inode *inode)\n"
                                    "{\n\t\treturn ovl_no_upper(ofs, inode);\n"
                                    "\tovl_check_workdir(ofs, inode->i_sb);\n}\n");
    EXPECT_EQ(r.presence, Presence::Absent) << r.why;
}

TEST(RebasePresence, lines_an_earlier_hunk_placed_are_no_evidence) {
    const auto content = test::replaced(target, "\t\treturn -EROFS;\n",
                                        "\t\treturn ovl_no_upper(ofs, inode);\n"
                                        "\tovl_check_workdir(ofs, inode->i_sb);\n");
    const auto cur = lines_of(content);
    EXPECT_EQ(rebase::change_present(cur, std::vector<bool>(cur.size(), false), hunk_of(hunk), 5,
                                     std::nullopt)
                  .presence,
              Presence::Applied);
    EXPECT_EQ(rebase::change_present(cur, std::vector<bool>(cur.size(), true), hunk_of(hunk), 5,
                                     std::nullopt)
                  .presence,
              Presence::Absent);
}

TEST(RebasePresence, applied_at_finds_the_whole_new_text_where_the_hunk_belongs) {
    const auto content = test::replaced(target, "\t\treturn -EROFS;\n",
                                        "\t\treturn ovl_no_upper(ofs, inode);\n"
                                        "\tovl_check_workdir(ofs, inode->i_sb);\n");
    const auto cur = lines_of(content);
    std::string why;
    const auto at = rebase::applied_at(cur, std::vector<bool>(cur.size(), false), hunk_of(hunk), 5,
                                       std::nullopt, why);
    ASSERT_TRUE(at) << why;
    EXPECT_EQ(*at, 4U);
    EXPECT_FALSE(rebase::applied_at(lines_of(target), std::vector<bool>(8, false), hunk_of(hunk), 5,
                                    std::nullopt, why));
}
