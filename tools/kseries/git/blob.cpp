#include <algorithm>
#include <array>

#include <kseries/git/blob.hpp>
#include <kseries/git/libgit2.hpp>

namespace kseries::git {

std::string blob_id(std::string_view data) {
    detail::init_once();
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
