// `kseries rebase` as use cases (docs/commands/rebase.md): start carrying a
// version of a series store onto a target tree, resume a stopped rebase
// (--continue with the maintainer's resolution, --skip without the stopped
// patch), or forget it (--abort). Each takes a request and returns what
// happened for the CLI to render: a new version written, a workspace
// written for the maintainer, or nothing to write.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <kseries/kernel/detect.hpp>
#include <kseries/rebase/rebase.hpp>
#include <kseries/rebase/workspace.hpp>
#include <kseries/report/rebase_report.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

// rebase --series STORE --from vN --onto SOURCE.
struct RebaseRequest {
    std::string store;
    std::string from;
    std::string onto;      // DIR, RELEASE=DIR, REPO@REF, a kernel SRPM or a tarball
    std::string as;        // the new version's name; empty: the next free one
    std::string base;      // a tree of the version's base release, or empty
    std::string changelog; // the new version's changelog line, or empty for the default
    std::filesystem::path workspace = "kseries-rebase";
    bool accept = false; // carry stops with their proposals (rebase/accept.hpp)
};

enum class Resolution {
    Continue, // the workspace's tree/ files are the stopped patch
    Skip,     // the stopped patch is left out, recorded as skipped
};

enum class CompileChoice { Run, Skip }; // --no-compile skips

// rebase --continue or --skip.
struct ResumeRequest {
    std::filesystem::path workspace = "kseries-rebase";
    Resolution resolution = Resolution::Continue;
    std::string reason; // --skip's reason, or empty
    // --continue on a whole kernel tree builds the version before writing it.
    CompileChoice compile = CompileChoice::Run;
    // The name was given (--as): a concurrent run that took it is an error
    // instead of moving this one on to the next free name.
    bool fixed_name = false;
};

// The outcome of --continue's compile check: whether it failed (nothing was
// written then), and what to tell the maintainer either way.
struct CompileOutcome {
    bool failed = false;
    std::string text;
};

struct RebaseOutcome {
    rebase::Request request;
    rebase::Result result;
    std::optional<kernel::Detected> onto_release;
    std::string written;         // the new version's directory, when written
    std::string workspace;       // the workspace, when the rebase stopped
    std::string nothing_written; // why nothing was written though nothing stopped
    // --continue's compile check, when it ran or said why not; a failed one
    // ends the rebase before anything is written.
    std::optional<CompileOutcome> compile;

    [[nodiscard]] bool compile_failed() const { return compile && compile->failed; }
    // What the report renderers take; valid while this outcome lives.
    [[nodiscard]] report::RebaseReport report() const;
};

[[nodiscard]] Expected<RebaseOutcome> rebase_start(const RebaseRequest& request);
[[nodiscard]] Expected<RebaseOutcome> rebase_resume(const ResumeRequest& request);

// What --abort removed.
struct AbortOutcome {
    std::filesystem::path workspace;
    std::string store; // the store the rebase would have written into, unchanged
};

// Removes a workspace (refused unless it is one).
[[nodiscard]] Expected<AbortOutcome> rebase_abort(const std::filesystem::path& workspace);

// A Usage error when a path of `request` (read from `workspace`/state.json)
// is relative (workspaces written before kseries recorded absolute paths)
// and does not resolve from the current directory: naming state.json, the
// path and what to do. Relative paths that resolve here are used as they are.
[[nodiscard]] Expected<void> check_recorded_paths(const std::filesystem::path& workspace,
                                                  const rebase::Request& request);

} // namespace kseries::flow
