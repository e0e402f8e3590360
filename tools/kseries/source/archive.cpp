#include <kseries/source/archive.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <kseries/source/archive_internal.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/path.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

namespace kseries::source {

namespace detail {

// libarchive's message for the last error; it has none for some failures
// (a fuzzed cpio header), and a null pointer must not reach fmt.
std::string error_text(archive* a) {
    const char* why = archive_error_string(a);
    return why != nullptr ? why : "unknown error";
}

// Opening fails for a missing file and for one libarchive cannot read.
std::unexpected<Error> open_error(const std::filesystem::path& file, const std::string& label,
                                  std::string_view what, archive* a) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        return fail(ErrorKind::NotFound, fmt::format("{}: no such file", label));
    }
    return fail(ErrorKind::Parse, fmt::format("{} is not a readable {}: {}", label, what, error_text(a)));
}

// An archive file, opened only if it is a regular file: a FIFO would hang
// the read and a device would never end.
Expected<UniqueFd> open_archive_file(const std::filesystem::path& file, const std::string& label) {
    auto fd = open_regular_file(file);
    if (!fd && fd.error().kind() == ErrorKind::NotFound) {
        return fail(ErrorKind::NotFound, fmt::format("{}: no such file", label));
    }
    return fd;
}

Reader new_reader() {
    Reader a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_all(a.get());
    return a;
}

Expected<RpmReader> open_rpm(const std::filesystem::path& file, const std::string& label) {
    RpmReader rpm{KSERIES_TRY(open_archive_file(file, label)), new_reader()};
    if (archive_read_open_fd(rpm.archive.get(), rpm.fd.get(), 1 << 16) != ARCHIVE_OK) {
        return open_error(file, label, "RPM package", rpm.archive.get());
    }
    return rpm;
}

Expected<bool> next_rpm_member(archive* a, archive_entry*& entry, const std::string& label) {
    const int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) {
        return false;
    }
    if (rc < ARCHIVE_WARN) {
        return fail(ErrorKind::Parse,
                    fmt::format("{} is not a readable RPM package: {}", label, error_text(a)));
    }
    return true;
}

} // namespace detail

namespace {

using detail::error_text;
using detail::new_reader;
using detail::open_archive_file;
using detail::open_error;
using detail::Reader;

// What an archive holds of a kernel tree: the wanted files, and the symbolic
// links found at or above a wanted path.
class ArchiveTree final : public SourceTree {
public:
    ArchiveTree(std::string label, WantedPaths wanted) : m_label(std::move(label)), m_wanted(std::move(wanted)) {}

    [[nodiscard]] std::string describe() const override { return m_label; }

    [[nodiscard]] Expected<Content> load(std::string_view path) override {
        if (!m_wanted.contains(path)) {
            return fail(ErrorKind::Internal,
                        fmt::format("{} was not loaded from {} (only the files a series touches "
                                    "are read)",
                                    path, m_label));
        }
        for (const auto& [link, target] : m_links) {
            if (path == link || (path.starts_with(link) && path[link.size()] == '/')) {
                return fail(ErrorKind::Unsafe,
                            fmt::format("refusing '{}' in {}: {} is a symbolic link (to {}); "
                                        "kseries never follows a link",
                                        path, m_label, link, target));
            }
        }
        if (const auto it = m_files.find(path); it != m_files.end()) {
            return it->second;
        }
        return Content{};
    }

    [[nodiscard]] bool wants(std::string_view path) const { return m_wanted.contains(path); }
    [[nodiscard]] bool wants_below(std::string_view link) const {
        for (const auto& w : m_wanted) {
            if (w == link || (w.starts_with(link) && w.size() > link.size() && w[link.size()] == '/')) {
                return true;
            }
        }
        return false;
    }
    // A later member of the same name replaces an earlier one, as tar and
    // rpmbuild's %prep extract it: the last copy is the one that lands.
    void add_file(std::string path, std::string data) {
        m_links.erase(path);
        m_files.insert_or_assign(std::move(path), make_content(std::move(data)));
    }
    void add_link(std::string path, std::string target) {
        m_files.erase(path);
        m_links.insert_or_assign(std::move(path), std::move(target));
    }
    // A member that is neither (a directory, a device ...) replaces both.
    void drop(const std::string& path) {
        m_files.erase(path);
        m_links.erase(path);
    }

private:
    std::string m_label;
    WantedPaths m_wanted;
    std::map<std::string, Content, std::less<>> m_files;
    std::map<std::string, std::string, std::less<>> m_links;
};

// Splits "a/b/../c" into components; false when the name is absolute or
// climbs above its start.
bool safe_components(std::string_view name, std::vector<std::string>& parts) {
    if (name.starts_with('/')) {
        return false;
    }
    for (auto& part : util::path_components(name)) {
        if (part == "..") {
            if (parts.empty()) {
                return false;
            }
            parts.pop_back();
        } else {
            parts.push_back(std::move(part));
        }
    }
    return true;
}

// Any ".." component, even one that stays inside: such member names are how
// archive attacks start (CVE-2010-4651 for patch), and kernel tarballs have none.
bool has_dotdot(std::string_view name) {
    return name == ".." || name.starts_with("../") || name.ends_with("/..") ||
           name.find("/../") != std::string_view::npos;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        out += out.empty() ? p : "/" + p;
    }
    return out;
}

ArchiveLimits& limits() {
    static ArchiveLimits value;
    return value;
}

// Streams the current member's data, counting it against the caps, into
// `keep` when the member is wanted; an unwanted member is read and dropped,
// so no member is ever held whole unless it is asked for.
Expected<void> read_member(archive* a, const std::string& label, const std::string& name,
                           std::string* keep, std::uint64_t& expanded) {
    const ArchiveLimits& caps = limits();
    std::uint64_t member = 0;
    std::vector<char> buf(1 << 16);
    while (true) {
        const la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
        if (n < 0) {
            return fail(ErrorKind::Parse,
                        fmt::format("{}: reading {}: {}", label, name, error_text(a)));
        }
        if (n == 0) {
            return {};
        }
        member += static_cast<std::uint64_t>(n);
        expanded += static_cast<std::uint64_t>(n);
        if (member > caps.max_member) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{}: member '{}' expands past the {} per-member cap "
                                    "(--max-member-size to raise it)",
                                    label, name, size_text(caps.max_member)));
        }
        if (expanded > caps.max_expanded) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} expands past the {} cap (--max-expanded-size to raise it)",
                                    label, size_text(caps.max_expanded)));
        }
        if (keep != nullptr) {
            keep->append(buf.data(), static_cast<std::size_t>(n));
        }
    }
}

// Streams the members of an opened tar reader into `tree`.
Expected<void> scan_tarball(archive* a, const std::string& label, ArchiveTree& tree) {
    std::string top;
    bool first = true;
    std::size_t members = 0;
    std::uint64_t expanded = 0;
    archive_entry* entry = nullptr;
    while (true) {
        const int rc = archive_read_next_header(a, &entry);
        if (rc == ARCHIVE_EOF) {
            // libarchive reads an empty file (a 0-byte .tar.gz) as an empty
            // archive; a kernel tarball is never one.
            if (members == 0) {
                return fail(
                    ErrorKind::Parse,
                    fmt::format("{} is not a readable tarball: it holds no members", label));
            }
            return {};
        }
        if (rc < ARCHIVE_WARN) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} is not a readable tarball: {}", label,
                                    error_text(a)));
        }
        ++members;
        const char* raw_name = archive_entry_pathname(entry);
        const std::string name = raw_name != nullptr ? raw_name : "";
        std::vector<std::string> parts;
        if (!safe_components(name, parts) || has_dotdot(name)) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} holds a member named '{}' that leaves the tree", label,
                                    name));
        }
        if (parts.empty()) {
            continue;
        }
        if (first) {
            top = parts.front();
            first = false;
        }
        // Members under the common top directory lose it (tar --strip-components=1).
        if (parts.size() > 1 && parts.front() == top) {
            parts.erase(parts.begin());
        } else if (parts.size() == 1 && parts.front() == top &&
                   archive_entry_filetype(entry) == AE_IFDIR) {
            continue;
        }
        const std::string path = join(parts);
        const auto type = archive_entry_filetype(entry);
        if (type == AE_IFLNK) {
            const char* target = archive_entry_symlink(entry);
            std::vector<std::string> resolved(parts.begin(), parts.end() - 1);
            if (target == nullptr || !safe_components(target, resolved)) {
                return fail(ErrorKind::Unsafe,
                            fmt::format("{} holds a symbolic link '{}' pointing outside the tree "
                                        "(to '{}')",
                                        label, name, target != nullptr ? target : ""));
            }
            if (tree.wants_below(path)) {
                tree.add_link(path, target);
            }
            continue;
        }
        if (type == AE_IFREG) {
            std::string data;
            const bool wanted = tree.wants(path);
            if (auto ok = read_member(a, label, name, wanted ? &data : nullptr, expanded); !ok) {
                return ok;
            }
            if (wanted) {
                // Read on to the end: a later member of this name would replace it.
                tree.add_file(path, std::move(data));
            }
        } else if (tree.wants(path)) {
            tree.drop(path);
        }
    }
}

struct InnerStream {
    archive* outer;
    std::vector<char> buf = std::vector<char>(1 << 16);
};

la_ssize_t inner_read(archive* /*inner*/, void* data, const void** block) {
    auto* s = static_cast<InnerStream*>(data);
    *block = s->buf.data();
    return archive_read_data(s->outer, s->buf.data(), s->buf.size());
}

} // namespace

void set_archive_limits(const ArchiveLimits& value) { limits() = value; }

const ArchiveLimits& archive_limits() { return limits(); }

std::string size_text(std::uint64_t bytes) {
    for (const auto& [shift, unit] :
         {std::pair{30, "GiB"}, std::pair{20, "MiB"}, std::pair{10, "KiB"}}) {
        const std::uint64_t one = std::uint64_t{1} << shift;
        if (bytes >= one && bytes % one == 0) {
            return fmt::format("{} {}", bytes >> shift, unit);
        }
    }
    return fmt::format("{} bytes", bytes);
}

Expected<std::unique_ptr<SourceTree>> open_tarball(const std::filesystem::path& file,
                                                   const WantedPaths& wanted) {
    const std::string label = "tarball " + file.string();
    auto fd = KSERIES_TRY(open_archive_file(file, label));
    Reader a = new_reader();
    if (archive_read_open_fd(a.get(), fd.get(), 1 << 16) != ARCHIVE_OK) {
        return open_error(file, label, "tarball", a.get());
    }
    auto tree = std::make_unique<ArchiveTree>(label, wanted);
    KSERIES_TRY(scan_tarball(a.get(), label, *tree));
    return std::unique_ptr<SourceTree>(std::move(tree));
}

Expected<SrpmContents> open_srpm(const std::filesystem::path& file, const WantedPaths& wanted) {
    const std::string label = "SRPM " + file.string();
    auto fd = KSERIES_TRY(open_archive_file(file, label));
    Reader outer = new_reader();
    if (archive_read_open_fd(outer.get(), fd.get(), 1 << 16) != ARCHIVE_OK) {
        return open_error(file, label, "RPM package", outer.get());
    }
    SrpmContents out;
    std::uint64_t expanded = 0;
    archive_entry* entry = nullptr;
    while (true) {
        const int rc = archive_read_next_header(outer.get(), &entry);
        if (rc == ARCHIVE_EOF) {
            break;
        }
        if (rc < ARCHIVE_WARN) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} is not a readable RPM package: {}", label,
                                    error_text(outer.get())));
        }
        std::string name = archive_entry_pathname(entry) != nullptr ? archive_entry_pathname(entry) : "";
        if (name.starts_with("./")) {
            name.erase(0, 2);
        }
        if (name.find('/') != std::string::npos) {
            continue; // SRPM payloads are flat
        }
        if (name.ends_with(".spec") && out.spec.empty()) {
            KSERIES_TRY(read_member(outer.get(), label, name, &out.spec, expanded));
        } else if (name.starts_with("linux-") && name.find(".tar") != std::string::npos &&
                   !out.tree) {
            out.tarball_name = name;
            Reader inner = new_reader();
            InnerStream stream{outer.get()};
            if (archive_read_open(inner.get(), &stream, nullptr, inner_read, nullptr) != ARCHIVE_OK) {
                return fail(ErrorKind::Parse, fmt::format("{}: cannot read {}: {}", label, name,
                                                          error_text(inner.get())));
            }
            const std::string inner_label = fmt::format("{} ({})", label, name);
            auto tree = std::make_unique<ArchiveTree>(inner_label, wanted);
            KSERIES_TRY(scan_tarball(inner.get(), inner_label, *tree));
            out.tree = std::move(tree);
        }
        if (out.tree && !out.spec.empty()) {
            break;
        }
    }
    if (!out.tree) {
        return fail(ErrorKind::NotFound,
                    fmt::format("{} holds no kernel tarball (linux-*.tar.*)", label));
    }
    return out;
}

namespace detail {

// Writes the current member's data to a new file `path`: created
// exclusively (O_EXCL | O_NOFOLLOW), counted against the caps, then given
// the member's permission bits and modification time. rpmbuild -bs records
// both from the disk, and kernel specs run their helper scripts directly
// (`./generate_all_configs.sh`), so a lost execute bit breaks %prep. The
// mode is set with fchmod, which the umask does not touch.
Expected<void> write_member(archive* a, archive_entry* entry, const std::filesystem::path& path,
                            const std::string& label, const std::string& name,
                            const ArchiveLimits& caps, std::uint64_t& expanded) {
    const std::string what = fmt::format("{}: {}", label, name);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(ErrorKind::Io, fmt::format("{}: cannot create {}: {}", what, path.string(),
                                               std::strerror(errno)));
    }
    std::vector<char> buf(1 << 16);
    std::uint64_t member = 0;
    Expected<void> result;
    while (result) {
        const la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
        if (n < 0) {
            result = fail(ErrorKind::Parse, fmt::format("{}: {}", what, error_text(a)));
            break;
        }
        if (n == 0) {
            break;
        }
        member += static_cast<std::uint64_t>(n);
        expanded += static_cast<std::uint64_t>(n);
        if (member > caps.max_member) {
            result = fail(ErrorKind::Unsafe,
                          fmt::format("{}: member '{}' expands past the {} per-member cap "
                                      "(--max-member-size to raise it)",
                                      label, name, size_text(caps.max_member)));
            break;
        }
        if (expanded > caps.max_expanded) {
            result = fail(ErrorKind::Unsafe,
                          fmt::format("{} expands past the {} cap (--max-expanded-size to raise "
                                      "it)",
                                      label, size_text(caps.max_expanded)));
            break;
        }
        for (la_ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(fd, buf.data() + done, static_cast<std::size_t>(n - done));
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                result = fail(ErrorKind::Io, fmt::format("{}: writing {}: {}", what, path.string(),
                                                         std::strerror(errno)));
                break;
            }
            done += w;
        }
    }
    if (result && ::fchmod(fd, static_cast<mode_t>(archive_entry_perm(entry) & 0777)) != 0) {
        result = fail(ErrorKind::Io, fmt::format("{}: setting the mode of {}: {}", what,
                                                 path.string(), std::strerror(errno)));
    }
    if (result && archive_entry_mtime_is_set(entry) != 0) {
        const timespec times[2] = {{0, UTIME_OMIT},
                                   {static_cast<time_t>(archive_entry_mtime(entry)), 0}};
        if (::futimens(fd, times) != 0) {
            result = fail(ErrorKind::Io, fmt::format("{}: setting the time of {}: {}", what,
                                                     path.string(), std::strerror(errno)));
        }
    }
    if (result && ::fsync(fd) != 0) {
        result = fail(ErrorKind::Io,
                      fmt::format("{}: syncing {}: {}", what, path.string(), std::strerror(errno)));
    }
    ::close(fd);
    return result;
}

} // namespace detail

Expected<std::vector<std::string>> extract_srpm(const std::filesystem::path& file,
                                                const std::filesystem::path& dest,
                                                const ArchiveLimits& caps) {
    const std::string label = "SRPM " + file.string();
    auto rpm = KSERIES_TRY(detail::open_rpm(file, label));
    archive* const a = rpm.archive.get();
    std::vector<std::string> names;
    std::uint64_t expanded = 0;
    archive_entry* entry = nullptr;
    while (KSERIES_TRY(detail::next_rpm_member(a, entry, label))) {
        std::string name =
            archive_entry_pathname(entry) != nullptr ? archive_entry_pathname(entry) : "";
        if (name.starts_with("./")) {
            name.erase(0, 2);
        }
        if (name.empty() || name.find('/') != std::string::npos || name == "." || name == ".." ||
            name.starts_with('.')) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} holds a member named '{}'; SRPM payloads hold plain "
                                    "files at their top, and kseries unpacks nothing else",
                                    label, name));
        }
        if (archive_entry_filetype(entry) != AE_IFREG) {
            const char* target = archive_entry_symlink(entry);
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} holds '{}', which is not a regular file{}; SRPM payloads "
                                    "hold plain files and kseries unpacks nothing else",
                                    label, name,
                                    target != nullptr
                                        ? fmt::format(" (a symbolic link to '{}')", target)
                                        : std::string()));
        }
        // A member's stated size is refused before anything is written.
        const auto claimed =
            archive_entry_size_is_set(entry) != 0
                ? static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0))
                : 0;
        if (claimed > caps.max_member) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{}: member '{}' claims {} bytes, past the {} per-member cap "
                                    "(--max-member-size to raise it)",
                                    label, name, claimed, size_text(caps.max_member)));
        }
        if (claimed > caps.max_expanded - std::min(expanded, caps.max_expanded)) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{}: member '{}' claims {} bytes, past the {} cap on the "
                                    "whole payload (--max-expanded-size to raise it)",
                                    label, name, claimed, size_text(caps.max_expanded)));
        }
        // Kernel SRPMs ship plain files and scripts (0644, 0755); a setuid,
        // setgid or sticky member has no place in one, and unpacking it
        // would hand those bits on to the rebuilt SRPM.
        if ((archive_entry_perm(entry) & 07000) != 0) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} holds '{}' with mode {:04o} (setuid, setgid or sticky); "
                                    "kernel SRPMs hold none, and kseries unpacks none",
                                    label, name, archive_entry_perm(entry) & 07777));
        }
        KSERIES_TRY(detail::write_member(a, entry, dest / name, label, name, caps, expanded));
        names.push_back(std::move(name));
    }
    return names;
}

} // namespace kseries::source
