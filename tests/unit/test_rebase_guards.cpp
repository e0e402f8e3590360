#include <gtest/gtest.h>

#include <kseries/rebase/guards.hpp>
#include <kseries/util/text.hpp>

#include "rebase_fixtures.hpp"

using namespace kseries;
using kseries::test::file_patch;
using kseries::test::hunk_of;
using kseries::test::lines_of;

namespace {

// A kernel-style function; the hunk changes its return value.
const std::string& target = test::ovl_check_function;

const std::string hunk = "@@ -5,3 +5,3 @@ static int ovl_check(struct inode *inode)\n"
                         " \tif (!ofs->upper_mnt)\n"
                         "-\t\treturn -EROFS;\n"
                         "+\t\treturn -EPERM;\n"
                         " \treturn ovl_upper(ofs);\n";

} // namespace

TEST(RebaseGuards, common_ends_counts_the_shared_start_then_the_shared_end) {
    const auto [pre, post] = rebase::common_ends(lines_of("a\nb\nc\nd\n"), lines_of("a\nx\nd\n"));
    EXPECT_EQ(pre, 1U);
    EXPECT_EQ(post, 1U);
}

TEST(RebaseGuards, neighbourhood_is_kept_when_the_change_sits_between_the_hunks_context) {
    const auto before = lines_of(target);
    const auto after = lines_of(test::replaced(target, "-EROFS", "-EPERM"));
    EXPECT_EQ(rebase::neighbourhood_broken(before, after, hunk_of(hunk)), "");
    EXPECT_TRUE(rebase::reproduces(before, after, hunk_of(hunk)));
}

TEST(RebaseGuards, neighbourhood_names_the_line_found_before_the_change_instead) {
    // The removed line occurs twice, so it does not pin the place: the
    // context must, and before the second copy it is another condition.
    const std::string twin = test::replaced(target, "\treturn ovl_upper(ofs);\n",
                                            "\tif (!ofs->workdir)\n"
                                            "\t\treturn -EROFS;\n"
                                            "\treturn ovl_upper(ofs);\n");
    const auto before = lines_of(twin);
    const auto after = lines_of(test::replaced(twin, "\tif (!ofs->workdir)\n\t\treturn -EROFS;",
                                               "\tif (!ofs->workdir)\n\t\treturn -EPERM;"));
    const auto why = rebase::neighbourhood_broken(before, after, hunk_of(hunk));
    EXPECT_NE(why.find("the line before the change would be"), std::string::npos) << why;
    EXPECT_NE(why.find("workdir"), std::string::npos) << why;
}

TEST(RebaseGuards, neighbourhood_refuses_the_start_of_the_file_where_context_was_above) {
    const std::string short_target = "\t\treturn -EROFS;\n\treturn ovl_upper(ofs);\n}\n";
    const std::string twin = short_target + "\n" + short_target;
    const auto before = lines_of(twin);
    const auto after = lines_of(test::replaced(twin, "-EROFS", "-EPERM"));
    const auto why = rebase::neighbourhood_broken(before, after, hunk_of(hunk));
    EXPECT_NE(why.find("would be the start of the file"), std::string::npos) << why;
}

TEST(RebaseGuards, added_twice_names_a_block_the_target_already_had) {
    const std::string add = "@@ -5,2 +5,4 @@ static int ovl_check(struct inode *inode)\n"
                            " \tif (!ofs->upper_mnt)\n"
                            " \t\treturn -EROFS;\n"
                            "+\tif (ovl_is_readonly(ofs))\n"
                            "+\t\treturn -EROFS;\n";
    const std::string had = test::replaced(target, "\treturn ovl_upper(ofs);\n",
                                           "\tif (ovl_is_readonly(ofs))\n"
                                           "\t\treturn -EROFS;\n"
                                           "\treturn ovl_upper(ofs);\n");
    const auto before = lines_of(had);
    const auto after = lines_of(test::replaced(had, "\t\treturn -EROFS;\n",
                                               "\t\treturn -EROFS;\n"
                                               "\tif (ovl_is_readonly(ofs))\n"
                                               "\t\treturn -EROFS;\n"));
    EXPECT_NE(rebase::added_twice(before, after, hunk_of(add)), "");
    EXPECT_EQ(rebase::added_twice(lines_of(target),
                                  lines_of(test::replaced(target, "\t\treturn -EROFS;\n",
                                                          "\t\treturn -EROFS;\n"
                                                          "\tif (ovl_is_readonly(ofs))\n"
                                                          "\t\treturn -EROFS;\n")),
                                  hunk_of(add)),
              "");
}

TEST(RebaseGuards, guarded_function_is_the_one_the_heading_names) {
    EXPECT_EQ(rebase::guarded_function(hunk_of(hunk)), "ovl_check");
    EXPECT_EQ(rebase::guarded_function(hunk_of("@@ -1,1 +1,1 @@ struct ovl_fs {\n-a\n+b\n")),
              std::nullopt);
}
