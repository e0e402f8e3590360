#include <algorithm>
#include <array>
#include <mutex>

#include <git2.h>

#include <kseries/git/blob.hpp>

namespace kseries::git {

namespace {

void init_once() {
    static std::once_flag once;
    std::call_once(once, [] { git_libgit2_init(); });
}

} // namespace

std::string blob_id(std::string_view data) {
    init_once();
    git_oid oid{};
    git_odb_hash(&oid, data.data(), data.size(), GIT_OBJECT_BLOB);
    std::array<char, GIT_OID_HEXSZ + 1> hex{};
    git_oid_tostr(hex.data(), hex.size(), &oid);
    return std::string(hex.data());
}

bool id_matches(std::string_view full, std::string_view abbreviated) {
    if (abbreviated.size() < 7 || abbreviated.size() > full.size()) {
        return false;
    }
    if (std::all_of(abbreviated.begin(), abbreviated.end(), [](char c) { return c == '0'; })) {
        return false;
    }
    return full.starts_with(abbreviated);
}

} // namespace kseries::git
