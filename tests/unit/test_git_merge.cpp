#include <gtest/gtest.h>

#include <kseries/git/merge.hpp>

using namespace kseries;

TEST(GitMerge, changes_to_separate_lines_merge_cleanly) {
    const std::string ancestor = "a\nb\nc\nd\ne\nf\ng\n";
    const std::string ours = "a\nB\nc\nd\ne\nf\ng\n";   // the target changed b
    const std::string theirs = "a\nb\nc\nd\ne\nF\ng\n"; // the patch changes f
    auto m = git::merge_file({ancestor, ours, theirs});
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_TRUE(m->clean);
    EXPECT_EQ(m->text, "a\nB\nc\nd\ne\nF\ng\n");
}

TEST(GitMerge, a_conflict_is_shown_in_diff3_style_with_the_labels) {
    const std::string ancestor = "a\nold\nc\n";
    auto m = git::merge_file({ancestor, "a\ntarget\nc\n", "a\npatch\nc\n"});
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_FALSE(m->clean);
    EXPECT_EQ(m->text, "a\n<<<<<<< target\ntarget\n||||||| base\nold\n=======\npatch\n"
                       ">>>>>>> patch\nc\n");
    auto labelled = git::merge_file({ancestor, "a\ntarget\nc\n", "a\npatch\nc\n"},
                                    {"v1 base", "onto", "0001.patch"});
    ASSERT_TRUE(labelled) << labelled.error().message();
    EXPECT_NE(labelled->text.find("<<<<<<< onto\n"), std::string::npos);
    EXPECT_NE(labelled->text.find("||||||| v1 base\n"), std::string::npos);
    EXPECT_NE(labelled->text.find(">>>>>>> 0001.patch\n"), std::string::npos);
}
