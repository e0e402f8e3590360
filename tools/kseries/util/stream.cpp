#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <kseries/util/file.hpp>
#include <kseries/util/stream.hpp>

namespace kseries {

std::optional<int> stream_descriptor(std::string_view path) {
    if (path == "-" || path == "/dev/stdin") {
        return 0;
    }
    for (const std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
        if (!path.starts_with(prefix) || path.size() == prefix.size()) {
            continue;
        }
        const std::string_view digits = path.substr(prefix.size());
        int fd = -1;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), fd);
        if (ec == std::errc{} && end == digits.data() + digits.size() && fd >= 0) {
            return fd;
        }
    }
    return std::nullopt;
}

namespace {

std::string stream_name(std::string_view path) {
    return path == "-" ? std::string("standard input (-)") : std::string(path);
}

// Waits until a descriptor left non-blocking by whoever opened it has data
// or its writer is gone.
bool wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, -1) < 0) {
        if (errno != EINTR) {
            return false;
        }
    }
    return true;
}

} // namespace

Expected<std::string> read_stream(std::string_view path, std::uint64_t max_bytes,
                                  std::string_view cap_words) {
    const auto fd = stream_descriptor(path);
    const std::string name = stream_name(path);
    if (!fd) {
        return fail(ErrorKind::Usage,
                    fmt::format("{}: not standard input or a /dev/fd path", name));
    }
    // The descriptor is read as inherited, not reopened: a pipe has no
    // place on disk to reopen, and no link is followed.
    struct stat st {};
    if (::fstat(*fd, &st) != 0) {
        return fail(ErrorKind::Io, fmt::format("cannot read {}: {}", name, std::strerror(errno)));
    }
    if (!S_ISFIFO(st.st_mode) && !S_ISREG(st.st_mode)) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("refusing {}: not a pipe or a regular file (a terminal, device, "
                                "socket or directory; pipe the patch in, or name its file)",
                                name));
    }
    if (S_ISREG(st.st_mode)) {
        note_input(st);
    }
    std::string data;
    std::array<char, 1 << 16> buf{};
    while (true) {
        const ssize_t n = ::read(*fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN && wait_readable(*fd)) {
            continue;
        }
        if (n < 0) {
            return fail(ErrorKind::Io,
                        fmt::format("cannot read {}: {}", name, std::strerror(errno)));
        }
        if (n == 0) {
            return data;
        }
        if (data.size() + static_cast<std::uint64_t>(n) > max_bytes) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("refusing {}: it passes the {}", name, cap_words));
        }
        data.append(buf.data(), static_cast<std::size_t>(n));
    }
}

} // namespace kseries
