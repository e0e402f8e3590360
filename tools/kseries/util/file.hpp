// Whole-file writes that never leave a half-written file behind.
#pragma once

#include <filesystem>
#include <string_view>

#include <kseries/util/error.hpp>

namespace kseries {

// Writes `content` to `path` through a temporary file in the same directory
// (created exclusively, mode 0666 less the umask), fsynced and renamed into
// place: readers see the old file or the new one, never a part. A symlink
// at `path` is replaced, not followed. On error nothing is left behind.
[[nodiscard]] Expected<void> write_file_atomic(const std::filesystem::path& path,
                                               std::string_view content);

// Moves a finished file into place: its data is synced first, then it is
// renamed (both paths on one filesystem) and the target directory synced,
// so a crash leaves either no file at `to` or the whole one.
[[nodiscard]] Expected<void> move_file_durably(const std::filesystem::path& from,
                                               const std::filesystem::path& to);

} // namespace kseries
