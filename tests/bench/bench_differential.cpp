// Runs many differential cases (kseries against the real GNU patch at -F0,
// -F1 and -F2) and prints the agreement rate. Not a test: `ctest` runs the
// fixed 5,000-case set; this explores further seeds.
//
// Usage: bench_differential [CASES] [SEED] [SAVE_DIR]
#include <chrono>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "harness.hpp"

int main(int argc, char** argv) {
    using namespace kseries::difftest;
    const std::uint64_t cases = argc > 1 ? std::stoull(argv[1]) : 20000;
    const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 20261124;
    const std::string save_dir = argc > 3 ? argv[3] : "";

    const Generator gen(load_corpus(KSERIES_CORPUS_DIR, "fs/overlayfs"), seed);
    Tally tally;
    Tally git_tally;
    std::uint64_t agreed = 0;
    std::uint64_t runs = 0;
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < cases; ++i) {
        const Case c = gen.make(i);
        bool ok = true;
        for (long fuzz = 0; fuzz <= 2; ++fuzz) {
            ++runs;
            if (auto problem = compare(c, fuzz, &tally)) {
                ok = false;
                fmt::print("{}\n", *problem);
            } else {
                ++agreed;
            }
        }
        ++runs;
        if (auto problem = compare_git(c, &git_tally)) {
            ok = false;
            fmt::print("{}\n", *problem);
        } else {
            ++agreed;
        }
        if (!ok && !save_dir.empty()) {
            save_case(c, save_dir);
        }
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print(
        "differential: {} cases x (patch -F0, -F1, -F2, git apply) = {} runs, {} agree ({:.4f}%), "
        "seed {}, {:.1f} s\n",
        cases, runs, agreed, 100.0 * static_cast<double>(agreed) / static_cast<double>(runs), seed,
        secs);
    fmt::print("GNU patch {}\ngit apply {}\n", tally.summary(), git_tally.summary());
    return agreed == runs ? EXIT_SUCCESS : EXIT_FAILURE;
}
