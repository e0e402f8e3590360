#include <kseries/git/libgit2.hpp>

#include <mutex>

namespace kseries::git::detail {

void init_once() {
    static std::once_flag once;
    std::call_once(once, [] { git_libgit2_init(); });
}

std::string last_error() {
    const git_error* e = git_error_last();
    return e != nullptr && e->message != nullptr ? std::string(e->message) : "unknown error";
}

} // namespace kseries::git::detail
