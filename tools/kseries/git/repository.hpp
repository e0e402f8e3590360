// Kernel trees in a git repository, read through libgit2 without a checkout:
// only the blobs a series touches are read. CentOS Stream and rebuild
// projects publish one tag per kernel release (kernel-5.14.0-427.el9).
#pragma once

#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct git_repository;

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

// The trees of many commits of one repository, for many threads: each
// thread gets one repository handle (libgit2 handles may not be used by two
// threads at once) and keeps it, so the trees a thread reads share its
// object and delta-base caches instead of re-inflating every pack delta.
// A tree must be read on the thread that opened it.
class RepositoryPool {
public:
    explicit RepositoryPool(std::filesystem::path repo) : m_path(std::move(repo)) {}

    [[nodiscard]] Expected<std::unique_ptr<source::SourceTree>>
    open_commit_tree(const std::string& commit_id);

private:
    std::filesystem::path m_path;
    std::mutex m_mutex;
    std::map<std::thread::id, std::shared_ptr<git_repository>> m_handles;
};

// The tree of one commit, with a repository handle of its own.
[[nodiscard]] Expected<std::unique_ptr<source::SourceTree>>
open_commit_tree(const std::filesystem::path& repo, const std::string& commit_id);

} // namespace kseries::git
