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

} // namespace kseries
