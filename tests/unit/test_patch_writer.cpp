#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/patch/parser.hpp>
#include <kseries/patch/writer.hpp>

using kseries::patch::parse;
using kseries::patch::write;

namespace {

// Every form the parser accepts must come back byte for byte.
const std::vector<std::string> inputs = {
    // diff -ru with timestamps and an "Only in" note between files
    "diff -ru a/x.c b/x.c\n--- a/x.c\t2020-01-14 23:54:17.000000000 +0900\n"
    "+++ b/x.c\t2020-03-02 04:29:36.855735623 +0900\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n d\n"
    "Only in b: new-dir\n"
    "diff -ru a/y.c b/y.c\n--- a/y.c\t2020-01-14 23:54:17.000000000 +0900\n"
    "+++ b/y.c\t2020-03-02 04:29:36.855735623 +0900\n@@ -5 +5 @@\n-e\n+f\n",
    // format-patch with signature and no trailing newline at the very end
    "From 0000 Mon Sep 17 00:00:00 2001\nFrom: A <a@b>\nSubject: s\n\nbody\n---\n"
    "diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n-- \n2.39.5",
    // markers, CRLF lines, an eaten-prefix empty context line
    "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\r\n\n-b\n\\ No newline at end of file\n+c\n"
    "\\ No newline at end of file\n",
    // creation and deletion
    "--- /dev/null\n+++ b/new\n@@ -0,0 +1 @@\n+x\n--- a/old\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n",
};

} // namespace

TEST(PatchWriter, writes_parsed_patches_back_byte_for_byte) {
    for (const auto& input : inputs) {
        auto p = parse(input, "round.patch");
        ASSERT_TRUE(p) << p.error().to_string() << "\n" << input;
        EXPECT_EQ(write(*p), input);
    }
}

TEST(PatchWriter, writes_changed_lines) {
    auto p = parse("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n", "w.patch");
    ASSERT_TRUE(p);
    p->files[0].hunks[0].lines[1].raw = "+B\n";
    EXPECT_EQ(write(*p), "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+B\n");
}
