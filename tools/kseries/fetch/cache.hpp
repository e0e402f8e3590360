// The SRPM cache of `kseries fetch`: where it is, which file names may live
// in it, and which cached files can be trusted. A cached SRPM
// "<srpm>" is trusted when "<srpm>.sha256" beside it (written only after the
// download was verified) still matches it, and the catalog's `sha256` and
// `size` do too; anything else in the cache is a download in progress
// ("<srpm>.part"), a lock ("<srpm>.lock") or stale.
#pragma once

#include <kseries/kernel/catalog.hpp>
#include <kseries/util/error.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace kseries::fetch {

// The environment the default cache location comes from.
struct CacheEnv {
    std::string xdg_cache_home; // $XDG_CACHE_HOME, or empty
    std::string home;           // $HOME, or empty

    [[nodiscard]] static CacheEnv from_process();
};

// `given` (--cache DIR) when not empty, else $XDG_CACHE_HOME/kseries/srpms
// (only an absolute XDG_CACHE_HOME counts, as the XDG specification says),
// else $HOME/.cache/kseries/srpms. Always an absolute path.
[[nodiscard]] Expected<std::filesystem::path> resolve_cache_dir(const std::string& given,
                                                                const CacheEnv& env);

// The entry's `srpm`: a plain file name ending in ".src.rpm", so that the
// cache file it names cannot be anywhere but in the cache directory.
[[nodiscard]] Expected<std::string> srpm_file_name(const kernel::CatalogEntry& entry);

// Names of the files kept beside a cached SRPM.
[[nodiscard]] std::string part_name(std::string_view srpm);    // the download in progress
[[nodiscard]] std::string sidecar_name(std::string_view srpm); // its verified SHA-256
[[nodiscard]] std::string lock_name(std::string_view srpm);    // held while fetching

// Creates the directory and its missing parents (mode 0700, as the XDG
// specification asks of cache directories).
[[nodiscard]] Expected<void> create_cache_dir(const std::filesystem::path& dir);

// Records the verified SHA-256 of `srpm` in the cache directory open as
// `dir_fd`, in sha256sum's format, atomically.
[[nodiscard]] Expected<void> write_sidecar(int dir_fd, std::string_view srpm,
                                           std::string_view sha256);

// The cached, complete and verified SRPM of a release, or nullopt (also
// when the catalog gives no usable `srpm` name).
[[nodiscard]] std::optional<std::filesystem::path> cached_srpm(const kernel::CatalogEntry& entry,
                                                               const std::filesystem::path& dir);

} // namespace kseries::fetch
