// Advisory locks (flock) on a lock file inside a directory kseries owns: a
// series store, the SRPM cache. The kernel releases a lock when its holder
// dies, so a killed run never leaves a stale lock; the lock file itself
// stays (removing it would let a third process lock a new file while a
// second holds the old one).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <kseries/util/error.hpp>
#include <kseries/util/fd.hpp>

namespace kseries {

enum class LockWait {
    Wait, // block until the lock is free
    Fail, // an error naming `what` when another process holds it
};

// Takes an exclusive lock on `name` in the directory open as `dir_fd`
// (created mode 0644 when missing, never through a symbolic link). The lock
// is held as long as the returned descriptor is open. `what` names the
// locked thing in messages ("the series store series/x"); `before_waiting`
// runs once when another process holds the lock and this one will wait.
[[nodiscard]] Expected<UniqueFd> lock_in(int dir_fd, const std::string& name, LockWait wait,
                                         const std::string& what,
                                         const std::function<void()>& before_waiting = {});

// Takes an exclusive lock on the directory `dir` itself (flock on its
// descriptor): for directories where a lock file would be in the way, such
// as an output directory that should hold nothing but results.
[[nodiscard]] Expected<UniqueFd> lock_directory(const std::filesystem::path& dir, LockWait wait,
                                                const std::string& what,
                                                const std::function<void()>& before_waiting = {});

} // namespace kseries
