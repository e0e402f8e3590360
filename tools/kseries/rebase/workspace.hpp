// The resolution workspace of a rebase that stopped (docs/commands/rebase.md):
//
//   WORKSPACE/state.json     what was asked and what is decided so far
//   WORKSPACE/done/NAME      the patches carried so far, regenerated
//   WORKSPACE/orig/PATH      the target's files before the stopped patch
//   WORKSPACE/tree/PATH      the same files with the placed hunks applied and
//                            each unplaced hunk in diff3-style conflict
//                            markers: the maintainer edits these
//   WORKSPACE/NAME.rej       the unplaced hunks, as a patch
//   WORKSPACE/NAME.header    the patch's header (description, tags): edit it
//                            to say how the carried change differs
//   WORKSPACE/SUMMARY        per hunk what was placed and how, what was not,
//                            and the next commands
//
// `kseries rebase --continue` turns the edited tree/ files into the stopped
// patch (refusing files that still hold conflict markers or are no longer
// of a C file's shape, an empty resolution, and edits to other files) and
// goes on (on a whole kernel tree the flow builds the version before it is
// written: flow/rebase.cpp);
// `--skip` drops the stopped patch; `--abort` removes the workspace. The
// series store is not touched until the whole series is carried.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <kseries/rebase/rebase.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rebase {

// What a rebase was asked to do: enough to resume it.
struct Request {
    std::string store; // the series store directory
    std::string from;  // "v1"
    std::string as;    // "v2"
    std::string onto;  // the target, as given on the command line
    std::string base;  // the base tree, as given, or empty
    std::string changelog; // the new version's changelog line, or empty for the default
};

// What the SUMMARY of a stop says beyond the result itself.
struct StopContext {
    std::vector<std::string> still_to_do; // the series' patches after the stopped one
    // The target's directory when it is a whole kernel tree (a top Makefile,
    // Kconfig and scripts/), which `kseries verify --compile` can build;
    // else empty.
    std::string kernel_tree;
};

struct Workspace {
    Request request;
    std::vector<PatchOutcome> decided; // carried or dropped, in series order
    std::string stopped;               // the patch being resolved
    std::vector<std::string> files;    // its files (paths in the tree)

    // Writes a new workspace at `dir` for the stop that ends `result`.
    // `dir` must not exist; it is built beside itself and renamed into
    // place, so a half-written workspace never exists.
    [[nodiscard]] static Expected<Workspace> create(const std::filesystem::path& dir,
                                                    const Request& request, const Result& result,
                                                    const StopContext& context = {});
    [[nodiscard]] static Expected<Workspace> open(const std::filesystem::path& dir);

    // The stopped patch, as the maintainer resolved it in tree/: every file
    // free of conflict markers, and each C file still of a C file's shape
    // (check_c_shape(): balanced, and still defining the functions the
    // patch's hunks are in and those the resolution edits, where orig/
    // defines them; a file whose orig/ kseries cannot judge is not judged),
    // else an error naming
    // the file and line; and some file must differ from orig/ (a
    // resolution that changes nothing is an empty patch: --skip drops it).
    // Returns the files' outcomes for regenerate().
    [[nodiscard]] Expected<std::vector<FileOutcome>>
    resolved_files(const std::filesystem::path& dir, const patch::Patch& original) const;

    // Files in tree/ that the stopped patch does not touch and that differ
    // from `target` (the target as the patches before it leave it): edits
    // the resolved patch would not carry.
    [[nodiscard]] Expected<std::vector<std::string>>
    unrelated_edits(const std::filesystem::path& dir, source::SourceTree& target) const;

    // The stopped patch's header as the maintainer left it in NAME.header
    // (the original's when the file was removed).
    [[nodiscard]] Expected<std::string> resolved_header(const std::filesystem::path& dir,
                                                        const patch::Patch& original) const;
};

// A resumed rebase's workspace moved aside (to ".NAME.done" beside it)
// while the rest of the series is carried and written: put back when
// nothing was written, so the maintainer can try again; removed when the
// version was written or a new workspace replaced it.
class RetiredWorkspace {
public:
    // Moves `dir` aside (a leftover ".NAME.done" of a killed run removed
    // first); an error names what could not be done.
    [[nodiscard]] static Expected<RetiredWorkspace> retire(const std::filesystem::path& dir);
    [[nodiscard]] Expected<void> restore() const; // back to its name
    [[nodiscard]] Expected<void> discard() const; // removed
    [[nodiscard]] const std::filesystem::path& retired() const { return m_retired; }

private:
    std::filesystem::path m_dir;
    std::filesystem::path m_retired;
};

// The text of WORKSPACE/SUMMARY for a stopped result.
[[nodiscard]] std::string summary(const Request& request, const Result& result,
                                  const std::filesystem::path& dir,
                                  const StopContext& context = {});

} // namespace kseries::rebase
