// What `kseries rebase --continue` and `--skip` check before they go on
// (docs/commands/rebase.md): that the paths the workspace recorded still
// lead somewhere, and, before --continue writes the version onto a whole
// kernel tree, that the version compiles there.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <kseries/rebase/workspace.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::cli {

// A Usage error when a path of the request in `workspace`/state.json is
// relative (workspaces written before kseries recorded absolute paths) and
// does not resolve from the current directory: naming state.json, the path
// and what to do. Relative paths that resolve here are used as they are.
[[nodiscard]] Expected<void> check_recorded_paths(const std::filesystem::path& workspace,
                                                  const rebase::Request& request);

enum class CompileChoice { Run, Skip }; // --no-compile skips

// The outcome of --continue's compile check: whether it failed (nothing may
// be written then), and what to tell the maintainer either way.
struct CompileOutcome {
    bool failed = false;
    std::string text;
};

// Builds the module directories that `changes` (the new version applied to
// `target`, in memory) patch, as `verify --compile` does, when `target` is
// a whole kernel tree; in a temporary directory that is removed when the
// build succeeds and kept, with its build.log, when it fails.
[[nodiscard]] Expected<CompileOutcome> compile_check(source::SourceTree& target,
                                                     const std::vector<source::FileChange>& changes,
                                                     const rebase::Request& request,
                                                     const std::filesystem::path& workspace,
                                                     CompileChoice choice);

// Prints a note of --continue: on stdout before a text report, on stderr
// when stdout carries a JSON or Markdown document.
[[nodiscard]] Expected<void> say(const std::string& format, const std::string& text);

} // namespace kseries::cli
