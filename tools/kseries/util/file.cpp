#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>

#include <fmt/format.h>

#include <kseries/util/fd.hpp>
#include <kseries/util/file.hpp>

namespace kseries {

namespace {

Error io_error(const std::filesystem::path& path, std::string_view what) {
    return Error{
        ErrorKind::Io, fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno)), {}};
}

} // namespace

Expected<void> write_file_atomic(const std::filesystem::path& path, std::string_view content) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const std::string name = path.filename().string();
    if (name.empty() || name == "." || name == "..") {
        return fail(ErrorKind::Usage, fmt::format("{}: not a file name", path.string()));
    }
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) {
        return std::unexpected(io_error(dir, "cannot open the directory"));
    }
    std::random_device rd;
    std::string temp;
    UniqueFd fd;
    for (int attempt = 0; attempt < 100 && !fd.valid(); ++attempt) {
        temp = fmt::format(".{}.kseries-{:08x}", name, rd());
        fd.reset(::openat(dir_fd.get(), temp.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
        if (!fd.valid() && errno != EEXIST) {
            break;
        }
    }
    if (!fd.valid()) {
        return std::unexpected(io_error(path, "cannot create a temporary file"));
    }
    std::string_view rest = content;
    while (!rest.empty()) {
        const ssize_t n = ::write(fd.get(), rest.data(), rest.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            auto err = io_error(path, "cannot write");
            ::unlinkat(dir_fd.get(), temp.c_str(), 0);
            return std::unexpected(err);
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0 ||
        ::renameat(dir_fd.get(), temp.c_str(), dir_fd.get(), name.c_str()) != 0) {
        auto err = io_error(path, "cannot write");
        ::unlinkat(dir_fd.get(), temp.c_str(), 0);
        return std::unexpected(err);
    }
    ::fsync(dir_fd.get());
    return {};
}

Expected<void> move_file_durably(const std::filesystem::path& from, const std::filesystem::path& to) {
    UniqueFd fd(::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid() || ::fsync(fd.get()) != 0) {
        return std::unexpected(io_error(from, "cannot sync"));
    }
    if (::rename(from.c_str(), to.c_str()) != 0) {
        return std::unexpected(io_error(to, "cannot move into place"));
    }
    const auto dir = to.has_parent_path() ? to.parent_path() : std::filesystem::path(".");
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.valid()) {
        ::fsync(dir_fd.get());
    }
    return {};
}

} // namespace kseries
