// What archive.cpp and rpm_payload.cpp share of libarchive: opening an
// archive file safely and writing one member to a new file under the caps.
// Internal to source/; nothing outside it includes this header.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <kseries/source/archive.hpp>
#include <kseries/util/error.hpp>
#include <kseries/util/fd.hpp>

namespace kseries::source::detail {

struct ArchiveDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
using Reader = std::unique_ptr<archive, ArchiveDeleter>;

// libarchive's message for the last error, never a null pointer.
[[nodiscard]] std::string error_text(archive* a);
// NotFound for a missing file, Parse for one libarchive cannot read as `what`.
[[nodiscard]] std::unexpected<Error> open_error(const std::filesystem::path& file,
                                                const std::string& label, std::string_view what,
                                                archive* a);
// The archive file, opened only if it is a regular file.
[[nodiscard]] Expected<UniqueFd> open_archive_file(const std::filesystem::path& file,
                                                   const std::string& label);
// A reader for every format and filter libarchive knows (rpm, cpio, tar, xz ...).
[[nodiscard]] Reader new_reader();
// An RPM package opened for reading its payload's members; the descriptor
// lives as long as the reader.
struct RpmReader {
    UniqueFd fd;
    Reader archive;
};
[[nodiscard]] Expected<RpmReader> open_rpm(const std::filesystem::path& file,
                                           const std::string& label);
// The next member of an RPM's payload: false at its end, a Parse error
// naming `label` when the payload cannot be read.
[[nodiscard]] Expected<bool> next_rpm_member(archive* a, archive_entry*& entry,
                                             const std::string& label);
// The current member's data into a new file `path` (O_EXCL | O_NOFOLLOW),
// counted against `caps`, with the member's permission bits and mtime.
[[nodiscard]] Expected<void> write_member(archive* a, archive_entry* entry,
                                          const std::filesystem::path& path,
                                          const std::string& label, const std::string& name,
                                          const ArchiveLimits& caps, std::uint64_t& expanded);

} // namespace kseries::source::detail
