// Three-way merge of one file's contents through libgit2's git_merge_file
// (the xdiff merge git itself uses): what `kseries rebase` tries when a
// hunk does not apply, and where its conflict markers come from.
#pragma once

#include <string>
#include <string_view>

#include <kseries/util/error.hpp>

namespace kseries::git {

struct MergeInput {
    std::string_view ancestor;
    std::string_view ours;   // the target file
    std::string_view theirs; // the ancestor with the patch applied
};

struct MergeLabels {
    std::string ancestor = "base";
    std::string ours = "target";
    std::string theirs = "patch";
};

struct Merged {
    bool clean = false; // no conflict: `text` is the merge
    // The merge; with diff3-style conflict markers ("<<<<<<< target",
    // "||||||| base", "=======", ">>>>>>> patch") where it is not clean.
    std::string text;
};

[[nodiscard]] Expected<Merged> merge_file(const MergeInput& input, const MergeLabels& labels = {});

} // namespace kseries::git
