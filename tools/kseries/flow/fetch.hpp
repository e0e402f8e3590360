// `kseries fetch` as a use case: the catalog releases the patterns name,
// each SRPM downloaded (from its mirror, when a rule names one) into the
// cache and verified, so that matrix reads them without the network
// (fetch/download.hpp). Every release is checked to be fetchable before
// anything is downloaded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <kseries/fetch/download.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

// One release in the cache.
struct FetchedRelease {
    std::string release{};        // the catalog's name for it
    std::filesystem::path file{}; // the cached SRPM
    bool downloaded = false;      // false: it was in the cache already (verified)
    std::string url{};            // the URL read (the mirror's, when one applies)
    std::string published_url{};  // the catalog's URL
};

struct FetchRequest {
    std::vector<std::string> catalogs{}; // empty: $KSERIES_CATALOG or the installed one
    std::string cache{};                 // empty: $XDG_CACHE_HOME/kseries/srpms or ~/.cache/...
    std::vector<std::string> releases{}; // names, glob patterns or "all"
    // PUBLISHED=MIRROR rules; $KSERIES_MIRROR's follow. The longest
    // matching prefix wins.
    std::vector<std::string> mirrors{};
    std::uint64_t max_download = fetch::FetchOptions{}.max_download;
    // The progress callback for one SRPM's download, given its file name;
    // an empty one (or an empty result) shows none.
    std::function<std::function<void(std::uint64_t, std::uint64_t)>(const std::string&)> progress{};
    // Called as each release lands in the cache, in catalog order, so that
    // the caller can show it before the next download; its error stops the
    // fetch.
    std::function<Expected<void>(const FetchedRelease&)> on_fetched{};
    // Who runs rpmkeys against each download (a fake in unit tests).
    proc::Runner& runner = proc::system_runner();
};

// The releases fetched, in catalog order. An Error before anything is
// downloaded for a pattern that names no release, a bad mirror rule or a
// release that cannot be fetched; else the first release's that fails.
[[nodiscard]] Expected<std::vector<FetchedRelease>> fetch(const FetchRequest& request);

} // namespace kseries::flow
