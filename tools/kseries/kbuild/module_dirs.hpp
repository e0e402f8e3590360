// The module directories a patched tree changes, gathered to be built
// outside the tree: each directory's regular files, with the series'
// changes in place of the originals. `verify --compile` and `kmod` build
// what this returns.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::kbuild {

// File name -> content, for one module directory.
using ModuleFiles = std::map<std::string, std::string>;

// For every directory `changes` touch (keyed by its path in the tree): its
// regular files read through `tree` (rooted at `root` on disk; symbolic
// links are skipped, never followed), each changed file replaced by its new
// content. The Makefile gets a `ccflags-y += -I<root>/<dir>` line, so that
// relative includes such as "../internal.h" still find the tree's files
// while the directory's own (maybe patched) headers, beside its sources,
// are found first. A change outside a directory whose Makefile builds
// modules, or a deletion, is a Usage error.
[[nodiscard]] Expected<std::map<std::string, ModuleFiles>>
patched_module_dirs(source::SourceTree& tree, const std::filesystem::path& root,
                    const std::vector<source::FileChange>& changes);

// Every CONFIG_ option the directories' Makefiles build objects for.
[[nodiscard]] std::vector<std::string>
module_options(const std::map<std::string, ModuleFiles>& dirs);

} // namespace kseries::kbuild
