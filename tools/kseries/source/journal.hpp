// The helpers DirectoryTree's commit and its journal (journal.cpp) share:
// the random token and the temporary names that carry it, and how a buffer
// reaches a descriptor. They live
// beside the journal because its recovery trusts a name only when these
// very functions would have made it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::source::journal {

// A fresh random token for one commit: its journal and temporary names
// carry it, so a recovery can tell them from anything else in the tree.
[[nodiscard]] std::string new_token();

// The one temporary name a commit with `token` uses for `leaf`.
[[nodiscard]] std::string temp_name(std::string_view leaf, std::string_view token);

// Writes all of `data` to `fd` (retrying on EINTR); `what` names it in the
// error.
[[nodiscard]] Expected<void> write_all(int fd, std::string_view data, const std::string& what);

// strerror(err), for "what: cause" messages.
[[nodiscard]] std::string errno_text(int err);

} // namespace kseries::source::journal
