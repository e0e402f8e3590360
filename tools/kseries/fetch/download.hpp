// `kseries fetch`: a catalog release's SRPM, downloaded from its published
// URL into the cache, resumed when an earlier download was cut short, and
// verified (size, SHA-256, rpm's own digests) before it takes its name in
// the cache. Nothing is written outside the cache directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <kseries/kernel/catalog.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::fetch {

enum class FetchStatus {
    Downloaded,    // downloaded (or resumed) and verified now
    AlreadyCached, // the cache held it, verified: nothing was downloaded
};

struct Fetched {
    std::filesystem::path file;
    FetchStatus status = FetchStatus::Downloaded;
};

struct FetchOptions {
    std::filesystem::path cache_dir;
    // While bytes arrive: (bytes so far, total or 0 when not known).
    std::function<void(std::uint64_t, std::uint64_t)> progress{};
    // The most a download may be when the catalog records no size for it (a
    // kernel SRPM is about 130 MB): a server that never stops is cut off
    // there and what it sent is removed.
    std::uint64_t max_download = std::uint64_t{2} << 30;
    // Who runs rpmkeys against the download (a fake in unit tests).
    proc::Runner& runner = proc::system_runner();
};

// The entry's SRPM file name when the entry can be fetched: it has a safe
// `srpm` name and an http or https `url`. Commands check every release they
// were asked for before downloading any.
[[nodiscard]] Expected<std::string> fetchable(const kernel::CatalogEntry& entry);

// Makes sure the cache holds the entry's SRPM, verified; concurrent fetches
// of the same file wait for each other. A file that fails verification is
// removed and is an error naming the URL and the expected and actual values.
[[nodiscard]] Expected<Fetched> fetch_srpm(const kernel::CatalogEntry& entry,
                                           const FetchOptions& options);

} // namespace kseries::fetch
