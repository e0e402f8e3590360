// Proposals for hunks `kseries rebase` could not place (docs/commands/rebase.md,
// "Proposals"). When the target's code was refactored, a hunk as a whole
// fits nowhere, but each of its separable changes (a maximal run of removed
// and added lines; context separates them) may still have one counterpart:
// the same lines, slightly rewritten (`return -ESTALE;` became
// `ret = -ESTALE;`), in the function that now holds the code. Each change is
// looked for on its own, by token-level similarity of its removed lines, in
// the one function that mentions most of what the hunk's lines mention
// (not the function its heading names: that one may be gone). Only what can
// be evidenced is proposed: a removal whose counterpart is unique, alike
// enough and balanced like it removes exactly the counterpart lines; a
// replacement only where its removed lines are there token for token. A
// proposal is shown, never applied, unless the maintainer accepts it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/patch/model.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rebase {

// One separable change of a hunk.
struct Change {
    std::vector<std::string> removed; // its removed lines, as the file holds them
    std::vector<std::string> added;   // its added lines
    std::string shown;                // the change as diff lines ("-..." / "+...")
    // The hunk's context lines right before and after it, when it has them:
    // what a change that mentions too little to be recognised alone must
    // also find around its counterpart.
    std::optional<std::string> before;
    std::optional<std::string> after;
};

// The hunk's separable changes, in order.
[[nodiscard]] std::vector<Change> split_changes(const patch::Hunk& hunk);

struct ChangeProposal {
    Change change;
    bool proposed = false;  // an edit of the target is proposed for it
    bool ambiguous = false; // more than one counterpart: never proposed
    std::size_t first = 0;  // proposed: the counterpart's first line (0-based)
    std::size_t count = 0;  // proposed: how many lines it replaces
    double confidence = 0;  // proposed: the counterpart's token similarity
    std::string function;   // where the counterpart (or the evidence) is
    std::string evidence;   // the matched lines, "LINE: text", one a line
    std::string diff;       // proposed: the target's diff for this change alone
    std::string why;        // not proposed: why ("no counterpart found: ...")
};

struct HunkProposal {
    std::size_t hunk = 0; // index of the unplaced hunk in its file
    std::string function; // the function the hunk's lines mention most, or empty
    std::string mentions; // how that function was chosen, or why none was
    std::vector<ChangeProposal> changes;
    // Some change is proposed and none is ambiguous: --accept may take it.
    [[nodiscard]] bool acceptable() const;
};

// The proposal for `hunk` on `target` (the file as the placed hunks left
// it); `path` names the file in the diffs.
[[nodiscard]] Expected<HunkProposal> propose(const patch::Hunk& hunk, std::string_view path,
                                             std::string_view target);

// `target` with every proposed change of `proposals` made; an error when
// two of them overlap.
[[nodiscard]] Expected<std::string> apply_proposals(std::string_view target,
                                                    const std::vector<HunkProposal>& proposals);

// The proposal as the SUMMARY and the text report show it, each line
// indented by `indent`.
[[nodiscard]] std::string render_proposal(const HunkProposal& proposal, std::string_view indent);

} // namespace kseries::rebase
