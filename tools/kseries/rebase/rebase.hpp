// `kseries rebase`: carries a series version onto a new target tree, patch
// after patch on an in-memory overlay (later patches see earlier ones).
// Each patch's hunks are placed by the steps of place.hpp; a patch whose
// change the target already has, or whose detect rule holds, is dropped
// with the reason; anything else that cannot be placed stops the run for
// the maintainer. Every carried patch is regenerated from the placed
// contents (git's diff, the original header kept) and verified: it must
// apply with GNU patch -F0 and git apply at zero offset and give exactly
// the placed contents, or it is not carried.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <kseries/rebase/place.hpp>
#include <kseries/rebase/propose.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rebase {

struct FileOutcome {
    std::string path;
    std::optional<std::string> before; // the target's file before the patch
    FilePlacement placement;
    // The hunks of the patch for this file (for .rej and conflict views).
    const patch::FilePatch* file = nullptr;
    // When the patch stopped: a proposal per unplaced hunk (propose.hpp).
    std::vector<HunkProposal> proposals;
};

enum class PatchFate {
    Carried, // in the new version, regenerated and verified
    Dropped, // not needed on the target; `reason` says why
    Skipped, // left out by the maintainer (--skip); `reason` says why: still needed
    Stopped, // some hunk could not be placed: the maintainer resolves it
};

// "carried", "dropped", "skipped", "stopped"
[[nodiscard]] std::string_view fate_key(PatchFate fate);

struct PatchOutcome {
    std::string name; // the patch file, as in the series file
    PatchFate fate = PatchFate::Stopped;
    std::string reason; // why dropped, or why stopped
    std::vector<FileOutcome> files;
    std::string text;   // the regenerated patch file, when carried
    std::string header; // the original patch's header (its text before the first file)
};

struct Options {
    // Where the version's recorded base files can be read (a tree of its
    // base release); a file is used only when its blob id is the recorded one.
    source::SourceTree* base = nullptr;
    // Patches of the series already decided (by an earlier run that stopped
    // and was resumed): their outcomes are taken as they are, and their
    // texts applied to the overlay before the rest is carried.
    std::vector<PatchOutcome> decided;
};

struct Result {
    std::vector<PatchOutcome> patches; // in series order, up to and including a stop
    [[nodiscard]] bool stopped() const;
};

// Carries `from`'s patches onto `target`; `overlay` (over the target) holds
// the result of the carried patches afterwards.
[[nodiscard]] Expected<Result> carry(const series::LoadedVersion& from, source::OverlayTree& overlay,
                                     const Options& options);

// Applies the carried patches among `decided` to the overlay, at fuzz 0,
// as carry() does before it goes on.
[[nodiscard]] Expected<void> replay(const std::vector<PatchOutcome>& decided,
                                    source::OverlayTree& overlay);

// Regenerates one patch: `original`'s text up to its first file section
// (mail headers, description) kept, then git's diff of each file from its
// `before` to its placed content, naming files a/PATH and b/PATH (-p1).
// Verified as carry() says; an error says why it does not verify.
[[nodiscard]] Expected<std::string> regenerate(const patch::Patch& original,
                                               const std::vector<FileOutcome>& files,
                                               source::SourceTree& before);

// `result` with its carried patches' headers brought up to date for the new
// version, made against `release`: their "[PATCH n/m]" Subjects renumbered
// over the carried patches (in series order), and a `Base-Kernel:` line
// that still names what `from`'s patch said set to `release` (one the
// maintainer changed in a resolution is kept). Nothing else changes.
[[nodiscard]] Result with_updated_headers(Result result, const series::LoadedVersion& from,
                                          std::string_view release);

} // namespace kseries::rebase
