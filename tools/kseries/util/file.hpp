// Whole-file writes that never leave a half-written file behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <sys/stat.h>

#include <kseries/util/error.hpp>
#include <kseries/util/fd.hpp>

namespace kseries {

// Writes `content` to `path` through a temporary file in the same directory
// (created exclusively, mode 0666 less the umask), fsynced and renamed into
// place: readers see the old file or the new one, never a part. A symlink
// at `path` is replaced, not followed. On error nothing is left behind.
[[nodiscard]] Expected<void> write_file_atomic(const std::filesystem::path& path,
                                               std::string_view content);

// Creates `name` in the directory `dir_fd` (exclusively, never through a
// symbolic link), writes `text` and syncs it: a file of a directory that
// is then renamed into place whole (a store's version, a proof record).
// Errors name `name` and the system's reason.
[[nodiscard]] Expected<void> write_new_file_synced(int dir_fd, const std::string& name,
                                                   std::string_view text);

// Moves a finished file into place: its data is synced first, then it is
// renamed (both paths on one filesystem) and the target directory synced,
// so a crash leaves either no file at `to` or the whole one.
[[nodiscard]] Expected<void> move_file_durably(const std::filesystem::path& from,
                                               const std::filesystem::path& to);

// Opens `path` for reading only if it is a regular file. The open is
// non-blocking, so a FIFO or a device cannot hang kseries before fstat
// sees what it is; anything but a regular file is refused (Unsafe) with
// the path named. With `follow` false a symbolic link is refused too. The
// file is noted as an input of this run (see is_input_of_run).
enum class Follow { Yes, No };
[[nodiscard]] Expected<UniqueFd> open_regular_file(const std::filesystem::path& path,
                                                   Follow follow = Follow::Yes);

// The whole content of a regular file, opened as open_regular_file does.
[[nodiscard]] Expected<std::string> read_regular_file(const std::filesystem::path& path,
                                                      Follow follow = Follow::Yes);

// Every reader of an input file notes it here (by device and inode), so an
// output of the same run can be refused when it names one of them.
void note_input(const struct stat& st);
[[nodiscard]] bool is_input_of_run(const struct stat& st);

// Writes a report the user named (--output): only over a regular file, or
// as a new file; never over a symbolic link, device, FIFO, directory or socket, and never
// over a file this run read (a series' own patch, its series file ...).
// The write itself is write_file_atomic's.
[[nodiscard]] Expected<void> write_output_file(const std::filesystem::path& path,
                                               std::string_view content);

// Installs SIGINT and SIGTERM handlers that remove the temporaries
// write_file_atomic has open at that moment, then end the process by the
// same signal as before. Called once, by main.
void remove_temporaries_on_signal();

} // namespace kseries
