// kseries against the real GNU patch (-F0, -F1, -F2) and git apply on
// generated cases: fixed seed, 100% agreement required. The cases are split
// into shards (KSERIES_DIFF_SHARD="i/n") so CTest can run them in parallel.
#include <cstdlib>
#include <string>
#include <sys/stat.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <kseries/patch/parser.hpp>
#include <kseries/apply/tree_apply.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/source/directory_tree.hpp>

#include "harness.hpp"
#include "temp_dir.hpp"

namespace {

constexpr std::uint64_t seed = 20261124;

} // namespace

TEST(Differential, agrees_with_gnu_patch_and_git_apply_on_every_case) {
    using namespace kseries::difftest;
    const std::uint64_t cases = env_number("KSERIES_DIFF_CASES", 5000);
    std::uint64_t shard = 0;
    std::uint64_t shards = 1;
    if (const char* s = std::getenv("KSERIES_DIFF_SHARD")) {
        const std::string spec(s);
        shard = std::stoull(spec.substr(0, spec.find('/')));
        shards = std::stoull(spec.substr(spec.find('/') + 1));
    }
    const Generator gen(load_corpus(KSERIES_CORPUS_DIR, "fs/overlayfs"), seed);
    Tally tally;
    std::uint64_t runs = 0;
    for (std::uint64_t i = shard; i < cases; i += shards) {
        const Case c = gen.make(i);
        for (long fuzz = 0; fuzz <= 2; ++fuzz) {
            ++runs;
            const auto problem = compare(c, fuzz, &tally);
            ASSERT_FALSE(problem.has_value()) << *problem;
        }
        ++runs;
        const auto problem = compare_git(c);
        ASSERT_FALSE(problem.has_value()) << *problem;
    }
    // The generated cases must exercise every kind of outcome.
    EXPECT_GT(tally.offset, 0u);
    EXPECT_GT(tally.fuzz, 0u);
    EXPECT_GT(tally.failed, 0u);
    EXPECT_GT(tally.misordered, 0u);
    EXPECT_GT(tally.reversed_files, 0u);
    std::printf("%llu runs agree; GNU patch %s\n", static_cast<unsigned long long>(runs),
                tally.summary().c_str());
}

// File modes: creations (plain, 100644, 100755), mode-only changes and mode
// changes with content, on files of several modes, under several umasks,
// through kseries' whole write path (apply, then commit) against the real
// GNU patch and git apply on the same input.
namespace {

struct ModeCase {
    const char* what;
    const char* patch;
};

constexpr ModeCase mode_cases[] = {
    {"plain creation", "--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+new\n"},
    {"creation 100644",
     "diff --git a/f b/f\nnew file mode 100644\n--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+new\n"},
    {"creation 100755",
     "diff --git a/f b/f\nnew file mode 100755\n--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+new\n"},
    {"mode only 644 to 755", "diff --git a/e b/e\nold mode 100644\nnew mode 100755\n"},
    {"mode only 755 to 644", "diff --git a/e b/e\nold mode 100755\nnew mode 100644\n"},
    {"mode and content", "diff --git a/e b/e\nold mode 100644\nnew mode 100755\n--- a/e\n+++ "
                         "b/e\n@@ -1 +1 @@\n-old\n+new\n"},
};

std::string modes_of(const std::filesystem::path& dir) {
    std::string out;
    for (const char* name : {"e", "f"}) {
        struct stat st {};
        out += ::stat((dir / name).c_str(), &st) == 0
                   ? fmt::format("{} {:04o}; ", name, st.st_mode & 07777)
                   : fmt::format("{} none; ", name);
    }
    return out;
}

std::string kseries_modes(const ModeCase& c, unsigned existing, kseries::patch::Engine engine) {
    using namespace kseries;
    const test::TempDir dir;
    dir.write("e", "old\n");
    std::filesystem::permissions(dir.path() / "e", std::filesystem::perms(existing));
    auto parsed = patch::parse(c.patch, "case.patch");
    EXPECT_TRUE(parsed) << parsed.error().to_string();
    auto tree = source::DirectoryTree::open(dir.path());
    EXPECT_TRUE(tree);
    source::OverlayTree overlay(**tree);
    auto applied = apply::apply_patch(*parsed, overlay, 1, patch::ApplyOptions{0, false}, engine);
    EXPECT_TRUE(applied && applied->applied()) << c.what;
    auto changes = overlay.changes();
    EXPECT_TRUE(changes);
    EXPECT_TRUE((*tree)->commit(*changes));
    return modes_of(dir.path());
}

std::string real_modes(const ModeCase& c, unsigned existing, bool git) {
    const kseries::test::TempDir dir;
    dir.write("e", "old\n");
    std::filesystem::permissions(dir.path() / "e", std::filesystem::perms(existing));
    dir.write("case.patch", c.patch);
    const std::vector<std::string> argv =
        git ? std::vector<std::string>{"git", "apply", "-p1", "case.patch"}
            : std::vector<std::string>{"patch", "-s", "-p1", "-i", "case.patch"};
    auto r = kseries::proc::run({argv, dir.path(), {}});
    EXPECT_TRUE(r && r->exit_code == 0) << c.what << (r ? r->err : r.error().to_string());
    return modes_of(dir.path());
}

} // namespace

TEST(Differential, agrees_on_file_modes_with_gnu_patch_and_git_apply) {
    using kseries::patch::Engine;
    int compared = 0;
    for (const mode_t mask : {mode_t{022}, mode_t{077}, mode_t{002}}) {
        const mode_t saved = ::umask(mask);
        for (const auto& c : mode_cases) {
            for (const unsigned existing : {0644U, 0600U, 0755U, 0640U}) {
                const auto where =
                    fmt::format("umask {:03o}, {}, e {:04o}", mask, c.what, existing);
                EXPECT_EQ(kseries_modes(c, existing, Engine::GnuPatch),
                          real_modes(c, existing, false))
                    << where << " (GNU patch)";
                EXPECT_EQ(kseries_modes(c, existing, Engine::GitApply),
                          real_modes(c, existing, true))
                    << where << " (git apply)";
                compared += 2;
            }
        }
        ::umask(saved);
    }
    std::printf("%d mode comparisons agree\n", compared);
}
