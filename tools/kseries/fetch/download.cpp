#include <kseries/fetch/download.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/fetch/cache.hpp>
#include <kseries/fetch/digest.hpp>
#include <kseries/fetch/http.hpp>
#include <kseries/rpm/verify.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/util/fd.hpp>
#include <kseries/util/lock.hpp>
#include <kseries/util/text.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kseries::fetch {

namespace {

std::string where(const kernel::CatalogEntry& e) {
    return fmt::format("{}:{}", e.location.file, e.location.line);
}

Error io_error(std::string_view what) {
    return {ErrorKind::Io, fmt::format("{}: {}", what, std::strerror(errno))};
}

bool has_scheme(std::string_view url, std::string_view scheme) {
    return url.size() > scheme.size() &&
           ::strncasecmp(url.data(), scheme.data(), scheme.size()) == 0;
}

// The SHA-256 of the downloaded file when it is the SRPM the catalog
// describes and rpm finds it intact; else why not.
Expected<std::string> verify(const kernel::CatalogEntry& e, int fd,
                             const std::filesystem::path& part, std::uint64_t size,
                             proc::Runner& runner) {
    if (e.size && size != *e.size) {
        return fail(ErrorKind::Parse,
                    fmt::format("{} does not match the catalog ({}): {} bytes, expected {}",
                                e.url, where(e), size, *e.size));
    }
    auto sha256 = KSERIES_TRY(sha256_of_fd(fd, part.string()));
    if (!e.sha256.empty() && sha256 != e.sha256) {
        return fail(ErrorKind::Parse,
                    fmt::format("{} does not match the catalog ({}): sha256 {}, expected {}", e.url,
                                where(e), sha256, e.sha256));
    }
    // rpm's own header and payload digests: a truncated, corrupt or non-rpm
    // file fails here even when the catalog records no checksum.
    KSERIES_TRY(rpm::verify_digests(runner, part, fmt::format("{} is not an intact rpm", e.url)));
    return sha256;
}

// A failed first request leaves an empty partial file: nothing to resume.
void remove_if_empty(int dir_fd, int fd, const std::string& name) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size == 0) {
        (void)::unlinkat(dir_fd, name.c_str(), 0);
    }
}

// The cache directory, open, with this file's lock held: two fetches of
// one file take turns (util/lock.hpp).
struct LockedCache {
    UniqueFd dir_fd;
    UniqueFd lock;
};

Expected<LockedCache> lock_cache(const std::filesystem::path& dir, const std::string& name) {
    KSERIES_TRY(create_cache_dir(dir));
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) {
        return std::unexpected(io_error(fmt::format("cannot open the cache {}", dir.string())));
    }
    auto held = KSERIES_TRY(
        lock_in(dir_fd.get(), lock_name(name), LockWait::Wait, fmt::format("{} in the cache", name),
                [&] { spdlog::debug("waiting for another kseries fetch of {}", name); }));
    return LockedCache{std::move(dir_fd), std::move(held)};
}

// The partial file, opened (created when missing) for the download to
// complete; refused when something else than a regular file holds its name.
Expected<UniqueFd> open_part(int dir_fd, const std::string& part, bool& resumed) {
    UniqueFd fd(::openat(dir_fd, part.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
        return std::unexpected(io_error(fmt::format("cannot create {} in the cache", part)));
    }
    if (!S_ISREG(st.st_mode)) {
        return fail(ErrorKind::Unsafe, fmt::format("{} in the cache is not a regular file", part));
    }
    resumed = st.st_size > 0;
    return fd;
}

// Completes the download into the partial file, with the catalog's size or
// the cap as its limit; the file's size afterwards, or an error saying
// which hint fits it.
Expected<std::uint64_t> download_part(const kernel::CatalogEntry& entry,
                                      const FetchOptions& options, int dir_fd, int fd,
                                      const std::string& part) {
    DownloadOptions how{entry.size, {}, options.progress};
    if (!entry.size) {
        how.max_size = options.max_download;
        how.max_size_name = fmt::format("the {} download cap (the catalog records no size; "
                                        "--max-download to raise it)",
                                        source::size_text(options.max_download));
    }
    auto got = download(entry.url, fd, how);
    if (got) {
        if (::fsync(fd) != 0) {
            return std::unexpected(io_error(fmt::format("cannot sync {} in the cache", part)));
        }
        return got->size;
    }
    if (!entry.size && got.error().message().find(how.max_size_name) != std::string::npos) {
        // Past the cap: nothing of it is worth resuming.
        (void)::unlinkat(dir_fd, part.c_str(), 0);
    }
    remove_if_empty(dir_fd, fd, part);
    // The hint fits a network that fails, not a server that answers.
    const bool network = got.error().kind() == ErrorKind::Io;
    return fail(got.error().kind(),
                fmt::format("{} (release {}){}", got.error().message(), entry.release.name(),
                            network ? "; offline or unreachable? give kseries matrix a "
                                      "local copy of the SRPM with --srpm FILE"
                                    : ""));
}

// The verified download takes its name in the cache, with its sidecar,
// and the directory is synced so that both survive a crash.
Expected<void> install(int dir_fd, const std::filesystem::path& dir, const std::string& part,
                       const std::string& name, const std::string& sha256) {
    if (::renameat(dir_fd, part.c_str(), dir_fd, name.c_str()) != 0) {
        return std::unexpected(io_error(fmt::format("cannot rename {} in the cache", part)));
    }
    KSERIES_TRY(write_sidecar(dir_fd, name, sha256));
    if (::fsync(dir_fd) != 0) {
        return std::unexpected(
            io_error(fmt::format("cannot sync the cache directory {}", dir.string())));
    }
    return {};
}

} // namespace

Expected<std::string> fetchable(const kernel::CatalogEntry& entry) {
    auto name = srpm_file_name(entry);
    if (!name) {
        return name;
    }
    if (entry.url.empty()) {
        return fail(ErrorKind::Usage,
                    fmt::format("release {} has no 'url' in the catalog; give a local copy of "
                                "its SRPM with --srpm FILE",
                                entry.release.name()),
                    entry.location);
    }
    if (!has_scheme(entry.url, "http://") && !has_scheme(entry.url, "https://")) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("release {}: 'url' {} is not an http:// or https:// URL",
                                entry.release.name(), text::quote_line(entry.url)),
                    entry.location);
    }
    return name;
}

Expected<Fetched> fetch_srpm(const kernel::CatalogEntry& entry, const FetchOptions& options) {
    const auto name = KSERIES_TRY(fetchable(entry));
    const auto& dir = options.cache_dir;
    const auto cache = KSERIES_TRY(lock_cache(dir, name));
    if (auto cached = cached_srpm(entry, dir)) {
        return Fetched{*cached, FetchStatus::AlreadyCached};
    }
    const int dir_fd = cache.dir_fd.get();
    const std::string part = part_name(name);
    for (int round = 1;; ++round) {
        bool resumed = false;
        const auto fd = KSERIES_TRY(open_part(dir_fd, part, resumed));
        const auto size = KSERIES_TRY(download_part(entry, options, dir_fd, fd.get(), part));
        auto sha256 = verify(entry, fd.get(), dir / part, size, options.runner);
        if (!sha256 && sha256.error().kind() == ErrorKind::Tool) {
            // rpmkeys could not be run: nothing is known against the
            // download, which is kept for the next fetch to check.
            return fail(ErrorKind::Tool,
                        fmt::format("{} (release {}); {} is kept in the cache",
                                    sha256.error().message(), entry.release.name(), part));
        }
        if (!sha256) {
            (void)::unlinkat(dir_fd, part.c_str(), 0);
            if (resumed && round == 1) {
                // What an earlier run left may be the start of another file
                // (the mirror replaced it): once more, from the start.
                spdlog::debug("{}; downloading it again from the start",
                              sha256.error().message());
                continue;
            }
            return fail(sha256.error().kind(),
                        fmt::format("{} (release {}); the download was removed",
                                    sha256.error().message(), entry.release.name()));
        }
        KSERIES_TRY(install(dir_fd, dir, part, name, *sha256));
        return Fetched{dir / name, FetchStatus::Downloaded};
    }
}

} // namespace kseries::fetch
