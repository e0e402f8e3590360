// The compile check `verify --compile` and `rebase --continue` share: the
// module directories a set of changes patches, each copied with its changed
// files into a work directory and built as an external module with the
// kernel's own build system, against a build directory prepared from a whole
// kernel source tree (allnoconfig + CONFIG_...=m, modules_prepare). The
// source tree is only read.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

// What a successful build made.
struct ModuleCompile {
    std::size_t directories = 0;
    std::vector<std::string> options; // the CONFIG_ options built as modules
    std::string built;                // "  DIR/NAME.ko (N bytes)\n" per module
    double seconds = 0;
};

// The root of `tree` when it is a whole kernel source tree on disk (a
// directory with a top Makefile, Kconfig and scripts/: what the kernel's
// build system needs to prepare a build directory); else nullopt.
[[nodiscard]] std::optional<std::filesystem::path> full_kernel_tree(const source::SourceTree& tree);

// Builds the module directories `changes` patch in `tree` (on disk at
// `root`) inside `work` (work/build, work/modules/DIR) and writes what the
// build printed to work/build.log, whatever the outcome. A build that fails
// is an ErrorKind::Tool error naming the step and showing the end of its
// output; a change outside a module directory is a Usage error.
[[nodiscard]] Expected<ModuleCompile>
compile_modules(source::SourceTree& tree, const std::filesystem::path& root,
                const std::vector<source::FileChange>& changes, const std::filesystem::path& work,
                unsigned jobs);

} // namespace kseries::flow
