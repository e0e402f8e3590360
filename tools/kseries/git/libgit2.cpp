#include <kseries/git/libgit2.hpp>

#include <mutex>

namespace kseries::git::detail {

void init_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        git_libgit2_init();
        // Like git itself (cat-file, show), do not re-hash every object on
        // read: on a matrix over many tags, SHA-1 of every blob and tree
        // read was two thirds of the run. Objects are still found by id,
        // and a corrupt pack still fails its zlib and delta checks.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    });
}

std::string last_error() {
    const git_error* e = git_error_last();
    return e != nullptr && e->message != nullptr ? std::string(e->message) : "unknown error";
}

} // namespace kseries::git::detail
