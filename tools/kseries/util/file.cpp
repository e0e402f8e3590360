#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <pthread.h>
#include <random>
#include <unistd.h>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <kseries/util/fd.hpp>
#include <kseries/util/file.hpp>

namespace kseries {

namespace {

Error io_error(const std::filesystem::path& path, std::string_view what) {
    return Error{
        ErrorKind::Io, fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno)), {}};
}

// The inputs this run has read, by device and inode.
std::mutex inputs_mutex;
std::vector<std::pair<dev_t, ino_t>> inputs;

// The temporaries write_file_atomic has created and not yet renamed or
// removed. Fixed storage and sig_atomic_t flags: the signal handler reads
// them without locks or allocation.
struct TempSlot {
    volatile std::sig_atomic_t used = 0;
    int dir_fd = -1;
    std::array<char, NAME_MAX + 1> name{};
};
std::array<TempSlot, 32> temp_slots;
std::mutex temp_slots_mutex;

// Blocks SIGINT and SIGTERM in this thread for its lifetime, so a temporary
// is never created without being registered, nor unregistered while it
// still exists.
class BlockTermination {
public:
    BlockTermination() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set, &m_old);
    }
    BlockTermination(const BlockTermination&) = delete;
    BlockTermination& operator=(const BlockTermination&) = delete;
    ~BlockTermination() { pthread_sigmask(SIG_SETMASK, &m_old, nullptr); }

private:
    sigset_t m_old{};
};

// One registered temporary; unregistered when it goes out of scope.
class TempRegistration {
public:
    TempRegistration() = default;
    TempRegistration(const TempRegistration&) = delete;
    TempRegistration& operator=(const TempRegistration&) = delete;
    ~TempRegistration() { clear(); }

    void set(int dir_fd, const std::string& name) {
        if (name.size() > NAME_MAX) {
            return; // openat refuses such a name; nothing to remove
        }
        const std::lock_guard lock(temp_slots_mutex);
        for (auto& slot : temp_slots) {
            if (slot.used == 0) {
                std::copy(name.begin(), name.end(), slot.name.begin());
                slot.name[name.size()] = '\0';
                slot.dir_fd = dir_fd;
                std::atomic_signal_fence(std::memory_order_seq_cst);
                slot.used = 1;
                m_slot = &slot;
                return;
            }
        }
    }
    void clear() {
        if (m_slot != nullptr) {
            const std::lock_guard lock(temp_slots_mutex);
            m_slot->used = 0;
            m_slot = nullptr;
        }
    }

private:
    TempSlot* m_slot = nullptr;
};

extern "C" void remove_temporaries(int sig) {
    const int saved = errno;
    for (auto& slot : temp_slots) {
        if (slot.used != 0) {
            ::unlinkat(slot.dir_fd, slot.name.data(), 0);
        }
    }
    errno = saved;
    // SA_RESETHAND restored the default action; the signal, blocked while
    // this handler runs, ends the process as soon as it returns.
    ::raise(sig);
}

} // namespace

void note_input(const struct stat& st) {
    const std::lock_guard lock(inputs_mutex);
    inputs.emplace_back(st.st_dev, st.st_ino);
}

bool is_input_of_run(const struct stat& st) {
    const std::lock_guard lock(inputs_mutex);
    return std::find(inputs.begin(), inputs.end(), std::pair{st.st_dev, st.st_ino}) != inputs.end();
}

Expected<UniqueFd> open_regular_file(const std::filesystem::path& path, Follow follow) {
    const int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow == Follow::No ? O_NOFOLLOW : 0);
    UniqueFd fd(::open(path.c_str(), flags));
    if (!fd.valid()) {
        const int err = errno;
        if (err == ELOOP && follow == Follow::No) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("refusing {}: it is a symbolic link (kseries never follows "
                                    "a link)",
                                    path.string()));
        }
        return fail(err == ENOENT ? ErrorKind::NotFound : ErrorKind::Io,
                    fmt::format("cannot read {}: {}", path.string(), std::strerror(err)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return std::unexpected(io_error(path, "cannot read"));
    }
    if (!S_ISREG(st.st_mode)) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("refusing {}: not a regular file (a FIFO, device, socket or "
                                "directory; kseries reads only regular files)",
                                path.string()));
    }
    note_input(st);
    return fd;
}

Expected<std::string> read_regular_file(const std::filesystem::path& path, Follow follow) {
    auto fd = KSERIES_TRY(open_regular_file(path, follow));
    std::string data;
    std::array<char, 1 << 16> buf{};
    while (true) {
        const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return std::unexpected(io_error(path, "cannot read"));
        }
        if (n == 0) {
            return data;
        }
        data.append(buf.data(), static_cast<std::size_t>(n));
    }
}

Expected<void> write_output_file(const std::filesystem::path& path, std::string_view content) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        // Writing through a link would replace it with a regular file, or
        // (followed) write where the user did not name: neither is asked for.
        if (S_ISLNK(st.st_mode)) {
            return fail(ErrorKind::Usage,
                        fmt::format("refusing to write {}: it is a symbolic link (a report "
                                    "replaces only a regular file; name the file itself)",
                                    path.string()));
        }
        if (!S_ISREG(st.st_mode)) {
            return fail(ErrorKind::Usage,
                        fmt::format("refusing to write {}: it exists and is not a regular file "
                                    "(a report replaces only a regular file)",
                                    path.string()));
        }
        if (S_ISREG(st.st_mode) && is_input_of_run(st)) {
            return fail(ErrorKind::Usage,
                        fmt::format("refusing to write {}: this run reads it as an input; "
                                    "name another output file",
                                    path.string()));
        }
    }
    return write_file_atomic(path, content);
}

void remove_temporaries_on_signal() {
    struct sigaction sa {};
    sa.sa_handler = remove_temporaries;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = static_cast<int>(SA_RESETHAND);
    for (const int sig : {SIGINT, SIGTERM}) {
        struct sigaction old {};
        // A shell starts background jobs with SIGINT ignored; keep it so.
        if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler != SIG_IGN) {
            ::sigaction(sig, &sa, nullptr);
        }
    }
}

Expected<void> write_new_file_synced(int dir_fd, const std::string& name, std::string_view text) {
    const auto failed = [&](const char* what) {
        return Error(ErrorKind::Io, fmt::format("cannot {} {}: {}", what, name, std::strerror(errno)));
    };
    const UniqueFd fd(
        ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.valid()) {
        return std::unexpected(failed("create"));
    }
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno != EINTR) {
            return std::unexpected(failed("write"));
        }
        done += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    if (::fsync(fd.get()) != 0) {
        return std::unexpected(failed("sync"));
    }
    return {};
}

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
    // Never replace a device, FIFO, socket or directory with a regular file.
    struct stat existing {};
    if (::fstatat(dir_fd.get(), name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISREG(existing.st_mode) && !S_ISLNK(existing.st_mode)) {
        return fail(ErrorKind::Usage,
                    fmt::format("refusing to write {}: it exists and is not a regular file",
                                path.string()));
    }
    std::random_device rd;
    std::string temp;
    UniqueFd fd;
    TempRegistration registration;
    for (int attempt = 0; attempt < 100 && !fd.valid(); ++attempt) {
        temp = fmt::format(".{}.kseries-{:08x}", name, rd());
        const BlockTermination block;
        fd.reset(::openat(dir_fd.get(), temp.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
        if (fd.valid()) {
            registration.set(dir_fd.get(), temp);
        } else if (errno != EEXIST) {
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
    if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
        auto err = io_error(path, "cannot write");
        ::unlinkat(dir_fd.get(), temp.c_str(), 0);
        return std::unexpected(err);
    }
    {
        const BlockTermination block;
        if (::renameat(dir_fd.get(), temp.c_str(), dir_fd.get(), name.c_str()) != 0) {
            auto err = io_error(path, "cannot write");
            ::unlinkat(dir_fd.get(), temp.c_str(), 0);
            return std::unexpected(err);
        }
        registration.clear();
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
