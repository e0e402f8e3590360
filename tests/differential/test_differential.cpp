// kseries against the real GNU patch (-F0, -F1, -F2) and git apply on
// generated cases: fixed seed, 100% agreement required. The cases are split
// into shards (KSERIES_DIFF_SHARD="i/n") so CTest can run them in parallel.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace {

constexpr std::uint64_t seed = 20261124;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::stoull(v) : fallback;
}

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
