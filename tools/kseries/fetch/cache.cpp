#include <kseries/fetch/cache.hpp>

#include <fmt/format.h>

#include <kseries/fetch/digest.hpp>
#include <kseries/util/fd.hpp>
#include <kseries/util/text.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kseries::fetch {

namespace {

constexpr std::string_view srpm_suffix = ".src.rpm";

std::string errno_text() { return std::strerror(errno); }

std::string sidecar_text(std::string_view sha256, std::string_view srpm) {
    return fmt::format("{}  {}\n", sha256, srpm);
}

// Reads a small file of the cache, or nullopt when it is missing, is not a
// regular file, or cannot be read.
std::optional<std::string> read_small(int dir_fd, const std::string& name) {
    const UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 4096) {
        return std::nullopt;
    }
    std::string out(static_cast<std::size_t>(st.st_size), '\0');
    const ssize_t n = ::pread(fd.get(), out.data(), out.size(), 0);
    if (n != st.st_size) {
        return std::nullopt;
    }
    return out;
}

} // namespace

CacheEnv CacheEnv::from_process() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    return {xdg != nullptr ? xdg : "", home != nullptr ? home : ""};
}

Expected<std::filesystem::path> resolve_cache_dir(const std::string& given, const CacheEnv& env) {
    if (!given.empty()) {
        std::error_code ec;
        auto dir = std::filesystem::absolute(given, ec);
        if (ec) {
            return fail(ErrorKind::Usage, fmt::format("--cache {}: {}", given, ec.message()));
        }
        return dir.lexically_normal();
    }
    if (!env.xdg_cache_home.empty() && env.xdg_cache_home.front() == '/') {
        return std::filesystem::path(env.xdg_cache_home) / "kseries" / "srpms";
    }
    if (!env.home.empty() && env.home.front() == '/') {
        return std::filesystem::path(env.home) / ".cache" / "kseries" / "srpms";
    }
    return fail(ErrorKind::Usage, "no cache directory: neither XDG_CACHE_HOME nor HOME is an "
                                  "absolute path; give --cache DIR");
}

Expected<std::string> srpm_file_name(const kernel::CatalogEntry& entry) {
    const std::string& name = entry.srpm;
    if (name.empty()) {
        return fail(ErrorKind::Usage,
                    fmt::format("release {} has no 'srpm' in the catalog", entry.release.name()),
                    entry.location);
    }
    const bool control = std::any_of(name.begin(), name.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
    const bool plain = !control && name.find('/') == std::string::npos &&
                       name.find("..") == std::string::npos && name.front() != '.' &&
                       name.front() != '-' && name.size() > srpm_suffix.size() &&
                       name.ends_with(srpm_suffix);
    if (!plain) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("release {}: 'srpm' {} must be a plain file name ending in "
                                ".src.rpm (no '/', no '..')",
                                entry.release.name(), text::quote_line(name)),
                    entry.location);
    }
    return name;
}

std::string part_name(std::string_view srpm) { return fmt::format("{}.part", srpm); }
std::string sidecar_name(std::string_view srpm) { return fmt::format("{}.sha256", srpm); }
std::string lock_name(std::string_view srpm) { return fmt::format("{}.lock", srpm); }

Expected<void> create_cache_dir(const std::filesystem::path& dir) {
    std::filesystem::path sofar;
    for (const auto& part : dir) {
        sofar /= part;
        if (::mkdir(sofar.c_str(), 0700) != 0 && errno != EEXIST) {
            return fail(ErrorKind::Io, fmt::format("cannot create the cache directory {}: {}",
                                                   sofar.string(), errno_text()));
        }
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return fail(ErrorKind::Io,
                    fmt::format("the cache directory {} is not a directory", dir.string()));
    }
    return {};
}

Expected<void> write_sidecar(int dir_fd, std::string_view srpm, std::string_view sha256) {
    const std::string name = sidecar_name(srpm);
    const std::string temp = name + ".tmp";
    const std::string text = sidecar_text(sha256, srpm);
    const UniqueFd fd(::openat(dir_fd, temp.c_str(),
                               O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.valid() || ::write(fd.get(), text.data(), text.size()) != std::ssize(text) ||
        ::fsync(fd.get()) != 0 || ::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0) {
        const std::string why = errno_text();
        (void)::unlinkat(dir_fd, temp.c_str(), 0);
        return fail(ErrorKind::Io, fmt::format("cannot write {} in the cache: {}", name, why));
    }
    return {};
}

std::optional<std::filesystem::path> cached_srpm(const kernel::CatalogEntry& entry,
                                                 const std::filesystem::path& dir) {
    auto name = srpm_file_name(entry);
    if (!name) {
        return std::nullopt;
    }
    const UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) {
        return std::nullopt;
    }
    const UniqueFd fd(::openat(dir_fd.get(), name->c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
        (entry.size && static_cast<std::uint64_t>(st.st_size) != *entry.size)) {
        return std::nullopt;
    }
    const auto recorded = read_small(dir_fd.get(), sidecar_name(*name));
    if (!recorded) {
        return std::nullopt;
    }
    const auto sha256 = sha256_of_fd(fd.get(), *name);
    if (!sha256 || *recorded != sidecar_text(*sha256, *name) ||
        (!entry.sha256.empty() && *sha256 != entry.sha256)) {
        return std::nullopt;
    }
    return dir / *name;
}

} // namespace kseries::fetch
