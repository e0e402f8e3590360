// SHA-256 of a file, computed by librpm (the digest rpm itself trusts), for
// verifying downloaded SRPMs and the files in the cache.
#pragma once

#include <kseries/util/error.hpp>

#include <string>
#include <string_view>

namespace kseries::fetch {

// The SHA-256 of everything an open file holds, from offset 0, as 64
// lowercase hex digits. `name` is for messages.
[[nodiscard]] Expected<std::string> sha256_of_fd(int fd, std::string_view name);

} // namespace kseries::fetch
