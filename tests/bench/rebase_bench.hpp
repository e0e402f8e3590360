// rebase-bench's cases (docs/benchmarks.md, "rebase-bench"): edits made on
// Debian's 6.1 version of a real kernel function, carried onto the 6.12
// version of the same function, where the right result is known because the
// edited lines and their neighbours are unchanged (and unique) there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kseries::rebasebench {

using Lines = std::vector<std::string>;

// A C file as both trees hold it, when the two versions differ.
struct FilePair {
    std::string path; // relative to the tree's root
    Lines old_lines;  // 6.1
    Lines new_lines;  // 6.12
};

// A function defined once in both versions of a file, whose bodies differ.
struct FunctionPair {
    std::size_t file = 0; // index into the FilePair list
    std::string name;
    std::size_t old_begin = 0, old_end = 0; // [definition line, one past "}") in 6.1
    std::size_t new_begin = 0, new_end = 0; // the same in 6.12
};

enum class Klass { Carry, AlreadyPresent, Repeated, RemovalOnly, FileStart, FileEnd };
inline constexpr std::size_t klass_count = 6;
const char* klass_name(Klass k);
std::optional<Klass> klass_named(std::string_view name);

// One edit: the lines [start, start + old_count) of a version replaced by
// `lines`; the same edit is given at its place in 6.1 and in 6.12.
struct Edit {
    std::size_t old_start = 0; // in 6.1
    std::size_t new_start = 0; // in 6.12, the corresponding line
    std::size_t old_count = 0;
    Lines lines;
    std::string kind; // "insert", "delete", "change"
};

struct Case {
    std::size_t id = 0;
    Klass klass = Klass::Carry;
    std::size_t file = 0;
    std::string function;    // "" for file-start/file-end edits
    std::vector<Edit> edits; // ordered by position, far apart
};

// Every C source and header present in both trees and differing.
std::vector<FilePair> load_pairs(const std::string& root61, const std::string& root612);

// The functions of those files worth carrying an edit between.
std::vector<FunctionPair> function_pairs(const std::vector<FilePair>& files);

// Deterministic cases of each class (at most `per_class` of each; 0: one
// per function, kind and class, as the corpus allows).
std::vector<Case> make_cases(const std::vector<FilePair>& files,
                             const std::vector<FunctionPair>& functions, std::size_t per_class,
                             std::uint64_t seed);

// `lines` with `edits` (sorted, disjoint) applied; `at_new` picks their
// 6.12 positions, else their 6.1 positions.
Lines apply_edits(const Lines& lines, const std::vector<Edit>& edits, bool at_new);

std::string joined(const Lines& lines);

} // namespace kseries::rebasebench
