// Kernel trees inside archives, read with libarchive (the only place that
// uses it): a kernel tarball (linux-*.tar.xz, .tar.gz, ...) or a kernel SRPM,
// whose payload holds kernel.spec and the tarball. Archives are streamed
// once, nothing is unpacked to disk, and only the files asked for are kept.
#pragma once

#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace kseries::source {

// The paths (relative to the kernel tree's top) a reader will ask for. A
// tree loaded for them answers only for them; asking for another path is an
// Internal error, never a silent "missing".
using WantedPaths = std::set<std::string, std::less<>>;

// The tarball's single top directory ("linux-4.18.0-193.el8/") is removed
// from member names. Members named with ".." or an absolute path, and
// symbolic links that point outside the tree, make the archive an error;
// a symbolic link on the way to a wanted path is refused when read.
[[nodiscard]] Expected<std::unique_ptr<SourceTree>> open_tarball(const std::filesystem::path& file,
                                                                 const WantedPaths& wanted);

// Caps on what reading one archive expands to: a few KiB of compressed
// zeros can expand to gigabytes. A kernel source tarball expands to about
// 1.5 GB and its largest file is a few MB; the defaults leave room for both.
struct ArchiveLimits {
    std::uint64_t max_expanded = std::uint64_t{4} << 30; // all members' bytes together
    std::uint64_t max_member = std::uint64_t{1} << 30;   // one member's bytes
};

// The caps open_tarball, open_srpm and extract_srpm keep to in this process: a property
// of the run (set once from the command line, like the log level), not of
// each caller. Passing either cap is an Unsafe error naming the archive,
// the cap and the option that raises it.
void set_archive_limits(const ArchiveLimits& limits);
[[nodiscard]] const ArchiveLimits& archive_limits();

// "4 GiB", "1 MiB", "5000 bytes": a size as messages give it.
[[nodiscard]] std::string size_text(std::uint64_t bytes);

struct SrpmContents {
    std::unique_ptr<SourceTree> tree;
    std::string spec;         // kernel.spec, or "" when the payload has none
    std::string tarball_name; // "linux-4.18.0-193.el8.tar.xz"
};

// The kernel tarball inside an SRPM's payload (linux-*.tar.*), streamed out
// of the payload without writing it anywhere.
[[nodiscard]] Expected<SrpmContents> open_srpm(const std::filesystem::path& file,
                                               const WantedPaths& wanted);

// Unpacks an SRPM's payload (kernel.spec, the tarball, configs, scripts)
// into `dest`, an existing empty directory, and returns the file names in
// payload order. SRPM payloads are flat: a member in a subdirectory, named
// with "..", or anything but a regular file (a symbolic link, a device) is
// refused, as is a member or a payload past `caps`. Files are
// created exclusively, never through an existing path, with the member's
// permission bits and modification time (rpmbuild -bs records both); a
// member with a setuid, setgid or sticky bit is refused. On error the
// caller removes `dest`.
[[nodiscard]] Expected<std::vector<std::string>>
extract_srpm(const std::filesystem::path& file, const std::filesystem::path& dest,
             const ArchiveLimits& caps = archive_limits());

} // namespace kseries::source
