// Internal to git/: RAII for libgit2 objects and its error text.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

namespace kseries::git::detail {

void init_once();

// "the message libgit2 gave", for errors.
[[nodiscard]] std::string last_error();

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};

using Repository = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using Reference = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using RefIterator =
    std::unique_ptr<git_reference_iterator,
                    Deleter<git_reference_iterator, git_reference_iterator_free>>;

} // namespace kseries::git::detail
