#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <kseries/series/patch_text.hpp>

using namespace kseries;

TEST(SeriesPatchText, a_patch_from_its_text_is_named_as_given) {
    const std::string text = "A fix.\n\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n";
    auto s = series::load_patch_text(text, "/dev/fd/63", 1);
    ASSERT_TRUE(s) << s.error().to_string();
    ASSERT_EQ(s->patches.size(), 1u);
    EXPECT_EQ(s->patches[0].entry.patch, "/dev/fd/63");
    EXPECT_EQ(s->patches[0].patch.name, "/dev/fd/63");
    EXPECT_EQ(s->patches[0].line_count, 8u);
    EXPECT_EQ(s->dir, std::filesystem::path("."));
}

TEST(SeriesPatchText, a_patch_from_its_text_patching_a_file_twice_is_refused) {
    const std::string section = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n";
    auto s = series::load_patch_text(section + section, "-", 1);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind(), ErrorKind::Parse);
    EXPECT_NE(s.error().to_string().find("patched a second time"), std::string::npos);
}
