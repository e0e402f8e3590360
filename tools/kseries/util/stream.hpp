// Inputs that are streams rather than files: a patch piped in (`--patch -`,
// /dev/stdin, bash's <(...) as /dev/fd/N). Read once, whole and capped; a
// stream is named by the descriptor the process already holds, never by a
// path in a tree, so no link of a tree is followed to reach it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <kseries/util/error.hpp>

namespace kseries {

// The descriptor a path names when it is a stream this process already
// holds rather than a place on disk: "-" and /dev/stdin (0), /dev/fd/N and
// /proc/self/fd/N (what bash's <(...) passes); nullopt for any other path.
[[nodiscard]] std::optional<int> stream_descriptor(std::string_view path);

// Reads, once and to its end, the descriptor `path` names (see
// stream_descriptor): a pipe or FIFO, or a regular file redirected in (noted
// as an input of the run). A terminal, directory, device or socket is
// refused (Unsafe), and so is a stream longer than `max_bytes`: the error
// names the source ("standard input (-)", "/dev/fd/63") and `cap_words`
// ("1 GiB cap on one patch (--max-member-size to raise it)").
[[nodiscard]] Expected<std::string> read_stream(std::string_view path, std::uint64_t max_bytes,
                                                std::string_view cap_words);

} // namespace kseries
