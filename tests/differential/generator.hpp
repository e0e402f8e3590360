// Generates differential test cases: a real C file, random edits turned into
// a patch by the real `diff -u`, and a perturbed target the patch is applied
// to. Deterministic for a given seed and index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kseries::difftest {

struct Case {
    std::uint64_t seed = 0;
    std::uint64_t index = 0;
    std::string path;               // e.g. "fs/overlayfs/super.c"
    std::string patch;              // unified diff made by diff -u, -p1 names
    std::string target;             // the file the patch is applied to
    std::vector<std::string> notes; // what was done, for failure reports
};

class Generator {
public:
    // `corpus` holds the files to draw from, keyed by their tree path.
    Generator(std::vector<std::pair<std::string, std::string>> corpus, std::uint64_t seed);

    // Case number `index`. Runs `diff` once.
    [[nodiscard]] Case make(std::uint64_t index) const;

private:
    std::vector<std::pair<std::string, std::string>> m_corpus;
    std::uint64_t m_seed;
};

// Loads every *.c and *.h file under `root`/`subdir`, keyed "subdir/name".
[[nodiscard]] std::vector<std::pair<std::string, std::string>>
load_corpus(const std::filesystem::path& root, const std::string& subdir);

} // namespace kseries::difftest
