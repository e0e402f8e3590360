#include <gtest/gtest.h>

#include <kseries/patch/parser.hpp>
#include <kseries/apply/tree_apply.hpp>
#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

Expected<apply::PatchResult> apply_text(source::OverlayTree& tree, const std::string& text,
                                        int strip = 1) {
    auto p = patch::parse(text, "t.patch");
    EXPECT_TRUE(p) << p.error().to_string();
    static std::vector<patch::Patch> keep; // results point into the patch
    keep.push_back(std::move(*p));
    return apply::apply_patch(keep.back(), tree, strip, {2, false});
}

} // namespace

TEST(TreeApply, refuses_absolute_and_dotdot_paths_with_the_patch_line) {
    TempDir t;
    auto dir = source::DirectoryTree::open(t.path());
    ASSERT_TRUE(dir);
    source::OverlayTree tree(**dir);
    for (const std::string name : {"/etc/passwd", "a/../../etc/passwd"}) {
        auto r =
            apply_text(tree, "intro\n--- " + name + "\n+++ " + name + "\n@@ -1 +1 @@\n-a\n+b\n", 0);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe);
        EXPECT_EQ(r.error().location().file, "t.patch");
        EXPECT_EQ(r.error().location().line, 2u);
    }
}

TEST(TreeApply, later_sections_see_earlier_ones) {
    TempDir t;
    t.write("f", "a\nb\nc\n");
    auto dir = source::DirectoryTree::open(t.path());
    ASSERT_TRUE(dir);
    source::OverlayTree tree(**dir);
    auto r = apply_text(tree, "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
                              "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-B\n+BB\n c\n");
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_TRUE(r->applied());
    auto f = tree.read("f");
    ASSERT_TRUE(f && *f);
    EXPECT_EQ(**f, "a\nBB\nc\n");
    EXPECT_EQ(t.read("f"), "a\nb\nc\n") << "the overlay must not touch the disk";
}

TEST(TreeApply, git_apply_writes_nothing_when_a_hunk_fails) {
    TempDir t;
    t.write("f", "a\nb\nc\n");
    t.write("g", "x\n");
    auto dir = source::DirectoryTree::open(t.path());
    ASSERT_TRUE(dir);
    source::OverlayTree tree(**dir);
    auto p = patch::parse("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
                          "--- a/g\n+++ b/g\n@@ -1 +1 @@\n-nope\n+y\n",
                          "t.patch");
    ASSERT_TRUE(p);
    auto r = apply::apply_patch(*p, tree, 1, {0, false}, patch::Engine::GitApply);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->applied());
    auto changes = tree.changes();
    ASSERT_TRUE(changes);
    EXPECT_TRUE(changes->empty());
}
