// Downloads over HTTP(S) with libcurl (the only place that uses it), into a
// file that may already hold the start of the download: the rest is asked
// for with a Range request, and a server that ignores the range or refuses
// it is handled by starting again from zero.
#pragma once

#include <kseries/util/error.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace kseries::fetch {

struct DownloadOptions {
    // Stop a server that sends more than this many bytes in all.
    std::optional<std::uint64_t> max_size;
    // What max_size is, for the message when a server passes it; empty for
    // "the N bytes expected" (a size the catalog records).
    std::string max_size_name;
    // Called while bytes arrive with (bytes in the file, total or 0 when
    // the server did not say).
    std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct Download {
    std::uint64_t size = 0;                 // the file's size afterwards
    std::optional<std::uint64_t> announced; // the size the server gave for the whole file
};

// Completes the download of `url` into the open file `fd` (read-write),
// keeping what it already holds. Redirects are followed to http and https
// only. An interrupted transfer that made progress is resumed a few times
// before it is an error; on any error the file keeps what arrived, for a
// later resume. Errors read "cannot download URL: why". Their kind tells
// the caller which hint fits: Io when the server could not be reached, the
// transfer broke, the server failed (HTTP 5xx) or the file could not be
// written; NotFound for HTTP 404 and 410; Unsafe for a refused redirect;
// Parse when the server answered with something else than the file
// (another error status, a range or a size that does not fit).
[[nodiscard]] Expected<Download> download(const std::string& url, int fd,
                                          const DownloadOptions& options);

} // namespace kseries::fetch
