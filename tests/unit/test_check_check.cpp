#include <gtest/gtest.h>

#include <kseries/check/check.hpp>
#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::check::Verdict;
using kseries::kernel::PolicyId;
using kseries::test::TempDir;

namespace {

// 20 numbered lines; "line 5" is changed so the patch needs fuzz 1.
std::string tree_file() {
    std::string out;
    for (int i = 1; i <= 20; ++i) {
        out += (i == 5 ? std::string("line five") : "line " + std::to_string(i)) + "\n";
    }
    return out;
}

const std::string needs_fuzz = "Needs fuzz 1.\n\n--- a/f\n+++ b/f\n@@ -5,7 +5,7 @@\n line 5\n"
                               " line 6\n line 7\n-line 8\n+LINE 8\n line 9\n line 10\n line 11\n";
const std::string tiny =
    "--- a/f\n+++ b/f\n@@ -15,3 +15,3 @@\n line 15\n-line 16\n+L16\n line 17\n";

Verdict verdict(const check::PatchReport& p, PolicyId id) {
    return p.verdicts[static_cast<std::size_t>(id)];
}

struct Fixture {
    TempDir tree;
    TempDir series;
    Fixture() {
        tree.write("f", tree_file());
        series.write("series", "0001-fuzz.patch\n0002-tiny.patch\n");
        series.write("0001-fuzz.patch", needs_fuzz);
        series.write("0002-tiny.patch", tiny);
    }
};

} // namespace

TEST(Check, judges_each_patch_by_each_policy) {
    Fixture f;
    auto s = series::load_series(f.series.path());
    ASSERT_TRUE(s) << s.error().to_string();
    auto dir = source::DirectoryTree::open(f.tree.path());
    ASSERT_TRUE(dir);
    auto r = check::run(*s, **dir, "v1", {});
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->patches.size(), 2u);

    const auto& fuzz = r->patches[0];
    EXPECT_EQ(verdict(fuzz, PolicyId::RpmPatch), Verdict::Fails);
    EXPECT_EQ(verdict(fuzz, PolicyId::KernelSpec), Verdict::Applies);
    EXPECT_EQ(verdict(fuzz, PolicyId::GitApply), Verdict::Fails);
    EXPECT_EQ(verdict(fuzz, PolicyId::GnuPatch), Verdict::Applies);
    EXPECT_EQ(fuzz.files[0].result.hunks[0].fuzz, 1);

    // 7 lines: kernel.spec's ApplyOptionalPatch would skip it silently.
    const auto& small = r->patches[1];
    EXPECT_TRUE(small.optional_patch_trap);
    EXPECT_EQ(verdict(small, PolicyId::KernelSpec), Verdict::Skipped);
    EXPECT_EQ(verdict(small, PolicyId::GitApply), Verdict::Skipped) << "also via ApplyOptionalPatch";
    EXPECT_EQ(verdict(small, PolicyId::RpmPatch), Verdict::Applies);
    EXPECT_FALSE(r->ok());
}

TEST(Check, a_custom_fuzz_decides_the_result) {
    Fixture f;
    f.series.write("series", "0001-fuzz.patch\n");
    auto s = series::load_series(f.series.path());
    ASSERT_TRUE(s);
    auto dir = source::DirectoryTree::open(f.tree.path());
    ASSERT_TRUE(dir);
    auto f0 = check::run(*s, **dir, "v1", {PolicyId::KernelSpec, 0L});
    ASSERT_TRUE(f0);
    EXPECT_FALSE(f0->ok());
    auto f1 = check::run(*s, **dir, "v1", {PolicyId::KernelSpec, 1L});
    ASSERT_TRUE(f1);
    EXPECT_TRUE(f1->ok());
}

TEST(Check, says_already_applied_for_a_reversed_patch) {
    Fixture f;
    std::string applied = tree_file();
    applied.replace(applied.find("line 8\n"), 7, "LINE 8\n");
    f.tree.write("f", applied);
    f.series.write("series", "0001-fuzz.patch\n");
    auto s = series::load_series(f.series.path());
    ASSERT_TRUE(s);
    auto dir = source::DirectoryTree::open(f.tree.path());
    ASSERT_TRUE(dir);
    auto r = check::run(*s, **dir, "v1", {});
    ASSERT_TRUE(r);
    EXPECT_EQ(verdict(r->patches[0], PolicyId::KernelSpec), Verdict::AlreadyApplied);
    EXPECT_EQ(verdict(r->patches[0], PolicyId::GitApply), Verdict::Fails);
}
