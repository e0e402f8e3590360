// A cpio "newc" archive, the format the kernel unpacks as its initramfs
// (the kernel's Documentation/driver-api/early-userspace/buffer-format.rst),
// built in memory: `verify --boot` writes its VM's root file system with
// it, device nodes included, without mknod or root rights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <kseries/util/error.hpp>

namespace kseries::boot {

class CpioImage {
public:
    // `path` is a path inside the image ("lib/modules/nfs.ko"; a leading
    // '/' is dropped), of plain parts: no "." or "..", no empty part.
    // Missing parent directories are added (0755). A path added twice is a
    // Usage error, unless both are directories (the first stays). `mode`
    // holds the permission bits only.
    [[nodiscard]] Expected<void> add_directory(std::string_view path, std::uint32_t mode = 0755);
    [[nodiscard]] Expected<void> add_file(std::string_view path, std::string bytes,
                                          std::uint32_t mode = 0644);
    [[nodiscard]] Expected<void> add_symlink(std::string_view path, std::string_view target);
    [[nodiscard]] Expected<void> add_char_device(std::string_view path, std::uint32_t major,
                                                 std::uint32_t minor, std::uint32_t mode = 0600);

    [[nodiscard]] bool contains(std::string_view path) const;
    [[nodiscard]] std::size_t entries() const { return m_entries.size(); }

    // The archive: entries in path order (a directory before what it
    // holds), owner root, mtime 0, inode numbers in that order, the
    // "TRAILER!!!" entry last. The same entries give the same bytes.
    [[nodiscard]] std::string bytes() const;
    // bytes() written to `file` atomically (util/file.hpp).
    [[nodiscard]] Expected<void> write(const std::filesystem::path& file) const;

private:
    struct Entry {
        std::uint32_t mode = 0; // type and permission bits, as stat's st_mode
        std::string data;       // a file's bytes, a link's target
        std::uint32_t rdev_major = 0;
        std::uint32_t rdev_minor = 0;
    };
    [[nodiscard]] Expected<std::string> add(std::string_view path, Entry entry);
    std::map<std::string, Entry> m_entries;
};

} // namespace kseries::boot
