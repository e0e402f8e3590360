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
// refused, as is a payload larger than `max_bytes` in total. Files are
// created exclusively, never through an existing path, with the member's
// permission bits and modification time (rpmbuild -bs records both); a
// member with a setuid, setgid or sticky bit is refused. On error the
// caller removes `dest`.
[[nodiscard]] Expected<std::vector<std::string>> extract_srpm(const std::filesystem::path& file,
                                                              const std::filesystem::path& dest,
                                                              std::uint64_t max_bytes);

} // namespace kseries::source
