// Git object ids of file contents, through libgit2 (the only place that
// includes it for hashing). `git diff` records the blob ids of a file's old
// and new versions in its "index a..b" line; comparing them with a tree's
// file tells whether that file is exactly the patch's base.
#pragma once

#include <string>
#include <string_view>

namespace kseries::git {

// The 40-hex-digit id `git hash-object` gives `data`.
[[nodiscard]] std::string blob_id(std::string_view data);

// Does a full id start with an abbreviated one (at least 7 hex digits)?
// Ids of all zeros ("no file") never match.
[[nodiscard]] bool id_matches(std::string_view full, std::string_view abbreviated);

} // namespace kseries::git
