#include <kseries/util/lock.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>

namespace kseries {

namespace {

Expected<UniqueFd> take(UniqueFd fd, const std::string& name, LockWait wait, const std::string& what,
                        const std::function<void()>& before_waiting) {
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
        return fd;
    }
    if (errno != EWOULDBLOCK || wait == LockWait::Fail) {
        return fail(ErrorKind::Io,
                    errno == EWOULDBLOCK
                        ? fmt::format("{} is locked by another kseries run ({})", what, name)
                        : fmt::format("cannot lock {}: {}", what, std::strerror(errno)));
    }
    if (before_waiting) {
        before_waiting();
    }
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) {
            return fail(ErrorKind::Io, fmt::format("cannot lock {}: {}", what, std::strerror(errno)));
        }
    }
    return fd;
}

} // namespace

Expected<UniqueFd> lock_in(int dir_fd, const std::string& name, LockWait wait,
                           const std::string& what, const std::function<void()>& before_waiting) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.valid()) {
        return fail(ErrorKind::Io, fmt::format("cannot create the lock {} of {}: {}", name, what,
                                               std::strerror(errno)));
    }
    return take(std::move(fd), name, wait, what, before_waiting);
}

Expected<UniqueFd> lock_directory(const std::filesystem::path& dir, LockWait wait,
                                  const std::string& what,
                                  const std::function<void()>& before_waiting) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        return fail(ErrorKind::Io, fmt::format("cannot open {} to lock it: {}", dir.string(),
                                               std::strerror(errno)));
    }
    return take(std::move(fd), dir.filename().string(), wait, what, before_waiting);
}

} // namespace kseries
