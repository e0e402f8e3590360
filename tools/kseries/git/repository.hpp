// Kernel trees in a git repository, read through libgit2 without a checkout:
// only the blobs a series touches are read. CentOS Stream and rebuild
// projects publish one tag per kernel release (kernel-5.14.0-427.el9).
#pragma once

#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kseries::git {

struct RefMatch {
    std::string name;      // the ref as matched: "kernel-5.14.0-427.el9", or the revision given
    std::string commit_id; // 40 hex digits
};

// The refs (tags and branches, by short or full name) matching any of the
// glob patterns, sorted by name; a pattern that matches no ref is tried as a
// revision (a commit id, "HEAD~1"). An error names the repository and the
// pattern that found nothing.
[[nodiscard]] Expected<std::vector<RefMatch>>
match_refs(const std::filesystem::path& repo, const std::vector<std::string>& patterns);

// The tree of one commit. Each instance opens its own repository handle, so
// instances may be used from different threads.
[[nodiscard]] Expected<std::unique_ptr<source::SourceTree>>
open_commit_tree(const std::filesystem::path& repo, const std::string& commit_id);

} // namespace kseries::git
