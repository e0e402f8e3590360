#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/util/suggest.hpp>

namespace kseries {
namespace {

const std::vector<std::string> commands{"check",  "apply", "matrix", "fetch", "rebase",  "refresh",
                                        "verify", "srpm",  "kmod",   "build", "publish", "help"};

TEST(EditDistance, counts_insertions_deletions_substitutions_and_swaps) {
    EXPECT_EQ(text::edit_distance("check", "check"), 0U);
    EXPECT_EQ(text::edit_distance("chek", "check"), 1U);   // an insertion
    EXPECT_EQ(text::edit_distance("checkk", "check"), 1U); // a deletion
    EXPECT_EQ(text::edit_distance("chack", "check"), 1U);  // a substitution
    EXPECT_EQ(text::edit_distance("chekc", "check"), 1U);  // a swap, not two substitutions
    EXPECT_EQ(text::edit_distance("", "kmod"), 4U);
    EXPECT_EQ(text::edit_distance("kmod", ""), 4U);
    EXPECT_EQ(text::edit_distance("srpm", "kmod"), 4U);
}

TEST(ClosestNames, suggests_the_command_a_typo_meant) {
    EXPECT_EQ(text::closest_names("chek", commands), std::vector<std::string>{"check"});
    EXPECT_EQ(text::closest_names("rebsae", commands), std::vector<std::string>{"rebase"});
    EXPECT_EQ(text::closest_names("matirx", commands), std::vector<std::string>{"matrix"});
    EXPECT_EQ(text::closest_names("refesh", commands), std::vector<std::string>{"refresh"});
}

TEST(ClosestNames, gives_every_candidate_at_the_best_distance_in_order) {
    EXPECT_EQ(text::closest_names("fetc", {"fetch", "fetx", "check"}),
              (std::vector<std::string>{"fetch", "fetx"}));
}

TEST(ClosestNames, suggests_nothing_for_a_word_far_from_every_name) {
    EXPECT_TRUE(text::closest_names("frobnicate", commands).empty());
    EXPECT_TRUE(text::closest_names("xyz", commands).empty());
    // Two edits are too many for a word of three letters ("kxo" is not
    // "kmod"), not for one of four ("kmxx" may well be).
    EXPECT_TRUE(text::closest_names("kxo", commands).empty());
    EXPECT_EQ(text::closest_names("kmxx", commands), std::vector<std::string>{"kmod"});
    EXPECT_TRUE(text::closest_names("", commands).empty());
}

} // namespace
} // namespace kseries
