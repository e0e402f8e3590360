// Runs one differential case through the real GNU patch and through the
// kseries engine, and says where they disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "generator.hpp"

namespace kseries::difftest {

struct GnuHunk {
    int number = 0;
    std::string verdict; // "succeeded" or "FAILED"
    long line = 0;
    long fuzz = 0;
    long offset = 0;
};

struct GnuOutcome {
    int exit_code = 0;
    bool reversed = false;
    std::vector<GnuHunk> hunks; // only the hunks patch reports
    std::string content;
    std::string log;
};

// `patch -p1 -F<fuzz>` on the case's target, in a fresh directory.
[[nodiscard]] GnuOutcome run_gnu_patch(const Case& c, long fuzz);

// How often each outcome occurred, to show what the cases exercise.
struct Tally {
    std::uint64_t exact = 0;
    std::uint64_t offset = 0; // applied at an offset, no fuzz
    std::uint64_t fuzz = 0;   // applied with fuzz
    std::uint64_t failed = 0;
    std::uint64_t ignored = 0; // in a file found reversed
    std::uint64_t reversed_files = 0;
    std::uint64_t misordered = 0; // placed, then refused by apply as misordered

    [[nodiscard]] std::string summary() const;
};

// nullopt when kseries and GNU patch agree on every hunk and every byte.
// Counts the outcomes into `tally` when given.
[[nodiscard]] std::optional<std::string> compare(const Case& c, long fuzz, Tally* tally = nullptr);

// The same for `git apply --reject` (no fuzz; every hunk tried).
[[nodiscard]] std::optional<std::string> compare_git(const Case& c, Tally* tally = nullptr);

// A count from the environment (KSERIES_DIFF_CASES ...), or `fallback`
// when it is unset or empty.
[[nodiscard]] std::uint64_t env_number(const char* name, std::uint64_t fallback);

// Writes the case's files (target, patch, notes) under `dir` for a
// regression test to be made from.
void save_case(const Case& c, const std::filesystem::path& dir);

} // namespace kseries::difftest
