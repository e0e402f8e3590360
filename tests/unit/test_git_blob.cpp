#include <gtest/gtest.h>

#include <kseries/git/blob.hpp>

using namespace kseries::git;

TEST(GitBlob, hashes_like_git_hash_object) {
    // printf 'hello\n' | git hash-object --stdin
    EXPECT_EQ(blob_id("hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
    // git hash-object /dev/null
    EXPECT_EQ(blob_id(""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}

TEST(GitBlob, matches_abbreviated_ids) {
    const std::string id = "ce013625030ba8dba906f756967f9e9ca394464a";
    EXPECT_TRUE(id_matches(id, "ce01362"));
    EXPECT_TRUE(id_matches(id, id));
    EXPECT_FALSE(id_matches(id, "ce0136")); // too short to trust
    EXPECT_FALSE(id_matches(id, "ce01363"));
    EXPECT_FALSE(id_matches("0000000000000000000000000000000000000000", "0000000"));
}
