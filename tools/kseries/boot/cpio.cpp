#include <limits>
#include <sys/stat.h>
#include <utility>

#include <fmt/format.h>

#include <kseries/boot/cpio.hpp>
#include <kseries/util/file.hpp>

namespace kseries::boot {

namespace {

// The image's name for `path`: a leading '/' dropped, the rest taken as it
// is. A path that would need normalising ("a//b", "a/./b", "a/../b") is
// refused rather than rewritten: the caller meant one exact place, and the
// kernel's unpacker would create whatever we wrote, ".." included.
Expected<std::string> image_name(std::string_view path) {
    const std::string_view original = path;
    if (path.starts_with('/')) {
        path.remove_prefix(1);
    }
    if (path.empty()) {
        return fail(ErrorKind::Usage, fmt::format("cpio image: empty path \"{}\"", original));
    }
    if (path.find('\0') != std::string_view::npos) {
        return fail(ErrorKind::Usage, "cpio image: a path holds a NUL byte");
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view part = path.substr(start, end - start);
        if (part.empty() || part == "." || part == "..") {
            return fail(ErrorKind::Usage,
                        fmt::format("cpio image: path \"{}\" has an empty, \".\" or \"..\" part",
                                    original));
        }
        start = end + 1;
    }
    return std::string(path);
}

void append_field(std::string& out, std::uint64_t value) {
    out += fmt::format("{:08X}", value);
}

void pad4(std::string& out) {
    while (out.size() % 4 != 0) {
        out += '\0';
    }
}

} // namespace

Expected<std::string> CpioImage::add(std::string_view path, Entry entry) {
    std::string name = KSERIES_TRY(image_name(path));
    if (entry.data.size() > std::numeric_limits<std::uint32_t>::max()) {
        return fail(ErrorKind::Usage,
                    fmt::format("cpio image: {} is over the format's 4 GiB limit", name));
    }
    // Every parent must be a directory: an added one, or a new 0755 one.
    for (std::size_t slash = name.find('/'); slash != std::string::npos;
         slash = name.find('/', slash + 1)) {
        const std::string parent = name.substr(0, slash);
        const auto it = m_entries.find(parent);
        if (it == m_entries.end()) {
            m_entries.emplace(parent, Entry{S_IFDIR | 0755, {}, 0, 0});
        } else if (!S_ISDIR(it->second.mode)) {
            return fail(
                ErrorKind::Usage,
                fmt::format("cpio image: {} is inside {}, which is not a directory", name, parent));
        }
    }
    const auto it = m_entries.find(name);
    if (it != m_entries.end()) {
        if (S_ISDIR(it->second.mode) && S_ISDIR(entry.mode)) {
            return name;
        }
        return fail(ErrorKind::Usage, fmt::format("cpio image: {} is added twice", name));
    }
    m_entries.emplace(name, std::move(entry));
    return name;
}

namespace {

Expected<void> check_mode(std::string_view path, std::uint32_t mode) {
    if ((mode & ~std::uint32_t{07777}) != 0) {
        return fail(
            ErrorKind::Usage,
            fmt::format("cpio image: {}: mode {:o} is more than permission bits", path, mode));
    }
    return {};
}

} // namespace

Expected<void> CpioImage::add_directory(std::string_view path, std::uint32_t mode) {
    KSERIES_TRY(check_mode(path, mode));
    KSERIES_TRY(add(path, Entry{S_IFDIR | mode, {}, 0, 0}));
    return {};
}

Expected<void> CpioImage::add_file(std::string_view path, std::string bytes, std::uint32_t mode) {
    KSERIES_TRY(check_mode(path, mode));
    KSERIES_TRY(add(path, Entry{S_IFREG | mode, std::move(bytes), 0, 0}));
    return {};
}

Expected<void> CpioImage::add_symlink(std::string_view path, std::string_view target) {
    if (target.empty() || target.find('\0') != std::string_view::npos) {
        return fail(ErrorKind::Usage,
                    fmt::format("cpio image: {}: a link target must be a non-empty name", path));
    }
    KSERIES_TRY(add(path, Entry{S_IFLNK | 0777, std::string(target), 0, 0}));
    return {};
}

Expected<void> CpioImage::add_char_device(std::string_view path, std::uint32_t major,
                                          std::uint32_t minor, std::uint32_t mode) {
    KSERIES_TRY(check_mode(path, mode));
    KSERIES_TRY(add(path, Entry{S_IFCHR | mode, {}, major, minor}));
    return {};
}

bool CpioImage::contains(std::string_view path) const {
    const auto name = image_name(path);
    return name && m_entries.contains(*name);
}

namespace {

void append_entry(std::string& out, std::uint32_t ino, std::string_view name, std::uint32_t mode,
                  std::string_view data, std::uint32_t rdev_major, std::uint32_t rdev_minor) {
    out += "070701";
    append_field(out, ino);
    append_field(out, mode);
    append_field(out, 0); // uid
    append_field(out, 0); // gid
    append_field(out, S_ISDIR(mode) ? 2 : 1);
    append_field(out, 0); // mtime: the same entries give the same bytes
    append_field(out, data.size());
    append_field(out, 0); // devmajor
    append_field(out, 0); // devminor
    append_field(out, rdev_major);
    append_field(out, rdev_minor);
    append_field(out, name.size() + 1);
    append_field(out, 0); // check: only the "070702" format has one
    out += name;
    out += '\0';
    pad4(out);
    out += data;
    pad4(out);
}

} // namespace

std::string CpioImage::bytes() const {
    // std::map orders "a" before "a/b": a directory comes before its content,
    // which the kernel's unpacker needs (it does not create parents).
    std::string out;
    std::uint32_t ino = 1;
    for (const auto& [name, entry] : m_entries) {
        append_entry(out, ino++, name, entry.mode, entry.data, entry.rdev_major, entry.rdev_minor);
    }
    append_entry(out, 0, "TRAILER!!!", 0, {}, 0, 0);
    return out;
}

Expected<void> CpioImage::write(const std::filesystem::path& file) const {
    return write_file_atomic(file, bytes());
}

} // namespace kseries::boot
