#include <gtest/gtest.h>

#include <kseries/rebase/rebase.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

const char* const patch_f = "--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n a\n-old\n+new\n c\n";
const char* const patch_g = "--- a/g.c\n+++ b/g.c\n@@ -1,3 +1,3 @@\n x\n-y\n+z\n w\n";

// A store with v1 = f.patch, g.patch (-R when asked), loaded.
series::Selection store(const TempDir& d, const std::string& series_file) {
    d.write("s/index.toml", "name = \"s\"\n[[map]]\nversion = \"v1\"\n");
    d.write("s/v1/series", series_file);
    d.write("s/v1/f.patch", patch_f);
    d.write("s/v1/g.patch", patch_g);
    auto sel = series::Selection::open(d.path() / "s");
    EXPECT_TRUE(sel) << sel.error().message();
    return std::move(*sel);
}

} // namespace

TEST(RebaseCarry, carries_in_order_and_stops_at_the_first_unplaceable_patch) {
    TempDir d;
    auto sel = store(d, "f.patch\ng.patch\n");
    d.write("t/f.c", "z\na\nold\nc\n");
    d.write("t/g.c", "something else entirely\n");
    auto tree = source::DirectoryTree::open(d.path() / "t");
    ASSERT_TRUE(tree) << tree.error().message();
    source::OverlayTree overlay(**tree);
    auto r = rebase::carry(sel.versions().front(), overlay, {});
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->patches.size(), 2U);
    EXPECT_EQ(r->patches[0].fate, rebase::PatchFate::Carried);
    EXPECT_NE(r->patches[0].text.find("-old\n+new\n"), std::string::npos);
    EXPECT_EQ(r->patches[1].fate, rebase::PatchFate::Stopped);
    EXPECT_TRUE(r->stopped());
    // The overlay holds the carried patch's result.
    auto f = overlay.read("f.c");
    ASSERT_TRUE(f && *f);
    EXPECT_EQ(**f, "z\na\nnew\nc\n");
}

TEST(RebaseCarry, a_change_the_target_has_is_dropped_and_decided_patches_are_replayed) {
    TempDir d;
    auto sel = store(d, "f.patch\ng.patch\n");
    d.write("t/f.c", "a\nold\nc\n");
    d.write("t/g.c", "x\nz\nw\n"); // g.patch's change is there already
    auto tree = source::DirectoryTree::open(d.path() / "t");
    ASSERT_TRUE(tree) << tree.error().message();
    source::OverlayTree first(**tree);
    auto r = rebase::carry(sel.versions().front(), first, {});
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->patches.size(), 2U);
    EXPECT_EQ(r->patches[1].fate, rebase::PatchFate::Dropped);
    EXPECT_EQ(r->patches[1].reason, "already in the target: every hunk's new text is there");

    // Resumed with f.patch decided: it is applied again, not placed anew.
    source::OverlayTree second(**tree);
    auto again = rebase::carry(sel.versions().front(), second, {nullptr, {r->patches[0]}});
    ASSERT_TRUE(again) << again.error().message();
    auto f = second.read("f.c");
    ASSERT_TRUE(f && *f);
    EXPECT_EQ(**f, "a\nnew\nc\n");
    // A decision for another patch than the series has there is refused.
    auto wrong = r->patches[0];
    wrong.name = "other.patch";
    source::OverlayTree third(**tree);
    auto refused = rebase::carry(sel.versions().front(), third, {nullptr, {wrong}});
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message().find("the resolved patches do not match"),
              std::string::npos);
}

TEST(RebaseCarry, a_reversed_patch_is_refused) {
    TempDir d;
    auto sel = store(d, "f.patch -R\n");
    d.write("t/f.c", "a\nold\nc\n");
    auto tree = source::DirectoryTree::open(d.path() / "t");
    ASSERT_TRUE(tree) << tree.error().message();
    source::OverlayTree overlay(**tree);
    auto r = rebase::carry(sel.versions().front(), overlay, {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Usage);
    EXPECT_NE(r.error().message().find("does not carry reversed (-R) patches"), std::string::npos);
}
