// Applies a whole Patch to an in-memory overlay of a tree: resolves each
// file's name with -pN, refuses unsafe paths, runs the apply engine and
// records the result in the overlay, so that later files and later patches
// see it. Nothing here touches the disk; DirectoryTree::commit() does.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <kseries/patch/apply.hpp>
#include <kseries/patch/closest.hpp>
#include <kseries/patch/engine.hpp>
#include <kseries/patch/model.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::apply {

struct TreeFileResult {
    std::string path;     // the file patched (the new name for renames and copies)
    std::string old_path; // the file read; differs from path for renames and copies
    const patch::FilePatch* file = nullptr;
    // The engine's result; its content has moved into the tree (read it
    // there: the overlay holds what the file is now).
    patch::FileResult result;
    // For each hunk that failed, where it comes closest in the file it was
    // applied to; nullopt for the others.
    std::vector<std::optional<patch::ClosestMatch>> closest;
    // When the patch records its base's blob id ("index a..b"): is the file
    // it was applied to exactly that blob?
    std::optional<bool> base_matches;
};

struct PatchResult {
    std::vector<TreeFileResult> files;

    // Every hunk of every file applied.
    [[nodiscard]] bool applied() const;
};

// Which file a section patches, after stripping `strip` components; an
// Unsafe error for paths that would leave the tree.
struct FileTargets {
    std::string old_path; // empty when the patch creates the file
    std::string new_path; // empty when the patch deletes the file
};
[[nodiscard]] Expected<FileTargets> resolve_targets(const patch::Patch& patch,
                                                    const patch::FilePatch& file, int strip,
                                                    source::SourceTree& tree);

// The paths a section names (old and new), stripped of `strip` components
// as resolve_targets strips them, without looking at a tree; names that
// cannot be stripped are left out.
[[nodiscard]] std::vector<std::string> named_paths(const patch::FilePatch& file, int strip);

// Refuses the patch if any file it names would reach outside the tree:
// unsafe names, or a symbolic link on the way to an existing file; under
// git apply also a path git refuses (into a .git directory). Run on every
// patch before any is applied or skipped.
[[nodiscard]] Expected<void> check_targets(const patch::Patch& patch, int strip,
                                           source::SourceTree& tree,
                                           patch::Engine engine = patch::Engine::GnuPatch);

// What applying derives from a file's bytes, kept for every later call over
// the same bytes: the patches of a series and each policy's run of a check
// read mostly the same contents, and each is split into lines and indexed
// once. The memo holds the contents it indexed, so they outlive it.
class ApplyMemo {
public:
    [[nodiscard]] const patch::LineIndex& index(const source::Content& content);

private:
    struct Entry {
        source::Content content;
        std::unique_ptr<patch::LineIndex> index;
    };
    std::unordered_map<const std::string*, Entry> m_indexes;
};

struct TreeApplyOptions {
    // Find where each failed hunk comes closest: a report shows it; a run
    // that only decides a verdict does not need it.
    bool closest = true;
    // Shared with other calls; nullptr: this call indexes what it reads.
    ApplyMemo* memo = nullptr;
    // Only the results are wanted (a check): a file that no later section
    // of the patch and none of `read_later` (the paths later patches of the
    // run name) reads is placed but not written.
    bool results_only = false;
    const std::set<std::string, std::less<>>* read_later = nullptr;
};

// Applies `patch` to `tree`; the overlay receives the content each file has
// afterwards, as the engine's program would leave it. Files GNU patch finds
// reversed, missing or already present stay as they are.
[[nodiscard]] Expected<PatchResult> apply_patch(const patch::Patch& patch,
                                                source::OverlayTree& tree, int strip,
                                                const patch::ApplyOptions& options,
                                                patch::Engine engine = patch::Engine::GnuPatch,
                                                const TreeApplyOptions& run = {});

} // namespace kseries::apply
