// Placing one file's hunks on a new target, hunk by hunk, the way
// `kseries rebase` carries a patch forward (docs/commands/rebase.md). Each
// hunk goes through the steps in order and the first that places it, and
// can prove it placed it unambiguously, wins:
//
//   1. exact / offset at fuzz 0 (GNU patch's own search);
//   2. fuzz 1-2, the hunk's context then taken from the target (refresh);
//   3. a three-way merge (libgit2): with the recorded base file when there
//      is one, else with a fake ancestor made of the hunk's old text, on the
//      region of the target that resembles it most;
//   4. relocation by enclosing C function: the hunk's function, found by
//      name in the target, its lines aligned to the function body;
//   5. already applied: the hunk's new text is there, where the hunk
//      belongs (its function, else near its stated line), and its old text
//      is not.
//
// An inexact placement (any but exact at the stated line) must also land in
// the function the hunk's `@@` heading names, when it names one; before
// steps 2-4 the hunk's change is looked for under other context, and their
// results must keep the hunk's neighbourhood, not be a twin of its place and
// not add a block the target had (guards.hpp, docs/commands/rebase.md).
// A step whose result is ambiguous (the hunk's text occurs more than once,
// even when one occurrence is at the stated line)
// or does not reproduce the hunk's change (exactly its removed and added
// lines, in order) does not count. A hunk no step places is left for the
// maintainer, with the target's region in diff3-style conflict markers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/patch/model.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rebase {

enum class Step {
    Exact,          // 1: at its stated line
    Offset,         // 1: moved, fuzz 0
    Fuzz,           // 2: placed with fuzz, context refreshed from the target
    Merged,         // 3: three-way merge
    Relocated,      // 4: by enclosing C function
    AlreadyApplied, // 5: the target already has the hunk's change
    Unplaced,       // left for the maintainer
};

[[nodiscard]] std::string_view step_key(Step step); // "exact", "offset", ...

struct HunkPlacement {
    Step step = Step::Unplaced;
    long stated = 0; // the hunk's old start in the patch
    long line = 0;   // where its old text starts in the target (0 when unplaced)
    long moved = 0;  // line - stated, after earlier hunks of the file
    long fuzz = 0;
    std::string note; // how it was placed, or why no step did
};

struct FilePlacement {
    // The target with every placed hunk applied (unplaced ones left out).
    std::string content;
    std::vector<HunkPlacement> hunks;

    [[nodiscard]] bool complete() const; // no hunk is unplaced
    [[nodiscard]] bool all_applied() const; // every hunk is already applied
};

struct PlaceOptions {
    // The file the patch was made against (the recorded base blob), when
    // it could be read: step 3 merges with it instead of a fake ancestor.
    std::optional<std::string> base;
};

// Places `file`'s hunks on `target` (the file as the target tree holds it,
// after earlier patches of the series). Errors only for what cannot be
// tried at all (a merge that libgit2 refuses).
[[nodiscard]] Expected<FilePlacement> place_file(const patch::FilePatch& file,
                                                 std::string_view target,
                                                 const PlaceOptions& options = {});

// The target with an unplaced hunk shown in diff3 style where it comes
// closest, for the maintainer to resolve: "<<<<<<< target", the target's
// lines, "||||||| patch (old)", the hunk's old text, "=======", its new
// text, ">>>>>>> patch (new)". Without a close region the hunk's text is
// shown at its stated line.
[[nodiscard]] std::string with_conflict(std::string_view content, const patch::Hunk& hunk,
                                        std::string_view label);

} // namespace kseries::rebase
