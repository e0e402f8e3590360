#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/source/directory_tree.hpp>
#include <kseries/source/journal.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/path.hpp>

namespace kseries::source {

namespace {

using journal::errno_text;

bool is_symlink_at(int dirfd, const std::string& name) {
    struct stat st {};
    return ::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// The umask can only be read by setting it; it is restored at once. Only
// writers call this, and no kseries writer creates files on another thread.
mode_t process_umask() {
    const mode_t mask = ::umask(022);
    ::umask(mask);
    return mask;
}

} // namespace

Expected<std::unique_ptr<DirectoryTree>> DirectoryTree::open(const std::filesystem::path& root) {
    const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return fail(err == ENOENT ? ErrorKind::NotFound : ErrorKind::Io,
                    fmt::format("cannot open tree {}: {}", root.string(), errno_text(err)));
    }
    auto tree = std::make_unique<DirectoryTree>(UniqueFd(fd), root);
    // Reading never recovers: a journal is only reported.
    if (auto journal = tree->read_journal(); !journal) {
        spdlog::warn("{} (left alone)", journal.error().message());
    } else if (*journal) {
        spdlog::warn("{}/{}: a kseries write to this tree was interrupted; this command changes "
                     "nothing, `kseries apply` on the tree will finish or undo it",
                     tree->describe(), journal_name);
    }
    return tree;
}

Expected<void> DirectoryTree::lock_for_write() {
    if (m_locked) {
        return {};
    }
    if (::flock(m_fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (const int err = errno; err != EWOULDBLOCK) {
            return fail(ErrorKind::Io,
                        fmt::format("cannot lock {}: {}", describe(), errno_text(err)));
        }
        spdlog::warn("{}: another kseries run is writing this tree; waiting for it", describe());
        while (::flock(m_fd.get(), LOCK_EX) != 0) {
            if (const int err = errno; err != EINTR) {
                return fail(ErrorKind::Io,
                            fmt::format("cannot lock {}: {}", describe(), errno_text(err)));
            }
        }
    }
    m_locked = true;
    return recover();
}

Expected<std::optional<DirectoryTree::Parent>> DirectoryTree::open_parent(std::string_view path,
                                                                          Create create) {
    const auto parts = util::path_components(path);
    if (parts.empty()) {
        return fail(ErrorKind::Unsafe, fmt::format("'{}' names no file", path));
    }
    // Callers refuse such paths long before; this is the last line.
    if (std::find(parts.begin(), parts.end(), "..") != parts.end() || path.starts_with('/')) {
        return fail(ErrorKind::Unsafe, fmt::format("refusing '{}': it leaves {}", path, describe()));
    }
    Parent parent;
    parent.leaf = parts.back();
    parent.fd = UniqueFd(::dup(m_fd.get()));
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const std::string& part = parts[i];
        walked += walked.empty() ? part : "/" + part;
        int fd = ::openat(parent.fd.get(), part.c_str(),
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && create == Create::Yes) {
            if (::mkdirat(parent.fd.get(), part.c_str(), 0777) != 0) {
                if (const int err = errno; err != EEXIST) {
                    return fail(ErrorKind::Io, fmt::format("cannot create directory {} in {}: {}",
                                                           walked, describe(), errno_text(err)));
                }
            }
            parent.created.push_back(walked);
            fd = ::openat(parent.fd.get(), part.c_str(),
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0) {
            const int err = errno;
            if (is_symlink_at(parent.fd.get(), part)) {
                return fail(ErrorKind::Unsafe,
                            fmt::format("refusing '{}' in {}: {} is a symbolic link (kseries "
                                        "never follows a link, in or out of the tree)",
                                        path, describe(), walked));
            }
            if (err == ENOENT || err == ENOTDIR) {
                return std::optional<Parent>{};
            }
            return fail(ErrorKind::Io, fmt::format("cannot open directory {} in {}: {}", walked,
                                                   describe(), errno_text(err)));
        }
        parent.fd = UniqueFd(fd);
    }
    return std::optional<Parent>(std::move(parent));
}

Expected<Content> DirectoryTree::load(std::string_view path) {
    auto parent = KSERIES_TRY(open_parent(path, Create::No));
    const std::optional<Parent>& found = parent;
    if (!found) {
        return Content{};
    }
    const Parent& p = *found;
    // Non-blocking: a FIFO must not hang the open before fstat refuses it.
    const UniqueFd fd(
        ::openat(p.fd.get(), p.leaf.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) {
        const int err = errno;
        if (err == ELOOP || is_symlink_at(p.fd.get(), p.leaf)) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("refusing '{}' in {}: it is a symbolic link (kseries never "
                                    "follows a link, in or out of the tree)",
                                    path, describe()));
        }
        if (err == ENOENT) {
            return Content{};
        }
        return fail(ErrorKind::Io,
                    fmt::format("cannot read {} in {}: {}", path, describe(), errno_text(err)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return fail(ErrorKind::Unsafe, fmt::format("refusing '{}' in {}: not a regular file", path, describe()));
    }
    note_input(st);
    // One read of the size fstat gave plus a byte, so that a file that grew
    // meanwhile is seen and read whole; the buffer is never zero-filled.
    std::string data;
    std::size_t want = static_cast<std::size_t>(st.st_size) + 1;
    std::size_t got = 0;
    int err = 0;
    bool eof = false;
    while (!eof) {
        data.resize_and_overwrite(want, [&](char* buf, std::size_t room) {
            while (got < room) {
                const ssize_t n = ::read(fd.get(), buf + got, room - got);
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                if (n <= 0) {
                    err = n < 0 ? errno : 0;
                    eof = true;
                    break;
                }
                got += static_cast<std::size_t>(n);
            }
            return got;
        });
        want *= 2;
    }
    if (err != 0) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot read {} in {}: {}", path, describe(), errno_text(err)));
    }
    return make_content(std::move(data));
}

// One commit's staging. begin() names every temporary in a "staging"
// journal before any exists; stage() puts each change beside its target
// (a temporary file, or for a deletion a hard link). Until place() passes
// the point of no return, destroying it undoes everything it made (each
// temporary, each directory made for one, the journal), so every failure
// before that point takes this one rollback path.
class DirectoryTree::Staging {
public:
    explicit Staging(DirectoryTree& tree) : m_tree(tree), m_token(journal::new_token()) {}
    Staging(const Staging&) = delete;
    Staging& operator=(const Staging&) = delete;
    ~Staging() {
        if (!m_placing) {
            discard();
        }
    }

    [[nodiscard]] Expected<void> begin(const std::vector<FileChange>& changes);
    // Stages `change`, the one begin() listed `index`th.
    [[nodiscard]] Expected<void> stage(const FileChange& change, std::size_t index, mode_t mask);
    // Marks the journal "commit", renames every temporary into place (or
    // deletes), and removes the journal.
    [[nodiscard]] Expected<void> place();

private:
    struct Staged {
        const FileChange* change;
        Parent parent;
        std::string temp; // empty until made: only what this commit made is removed
    };
    [[nodiscard]] Expected<void> stage_deletion(Staged& s, bool exists, const std::string& temp);
    [[nodiscard]] Expected<void> stage_content(Staged& s, mode_t mode, const std::string& temp);
    void discard();

    DirectoryTree& m_tree;
    std::string m_token;
    std::vector<JournalOp> m_ops;
    std::vector<Staged> m_staged;
    bool m_journal = false; // a journal of this commit may be on disk
    bool m_placing = false; // past the point of no return: a recovery finishes it
};

Expected<void> DirectoryTree::Staging::begin(const std::vector<FileChange>& changes) {
    for (const auto& change : changes) {
        const auto parts = util::path_components(change.path);
        if (parts.empty()) {
            return fail(ErrorKind::Unsafe, fmt::format("'{}' names no file", change.path));
        }
        m_ops.push_back({change.path, journal::temp_name(parts.back(), m_token), !change.content});
    }
    m_journal = true;
    return m_tree.write_journal("staging", m_token, m_ops);
}

Expected<void> DirectoryTree::Staging::stage(const FileChange& change, std::size_t index,
                                             mode_t mask) {
    auto parent =
        KSERIES_TRY(m_tree.open_parent(change.path, change.content ? Create::Yes : Create::No));
    if (!parent) {
        return fail(ErrorKind::NotFound, fmt::format("cannot delete {}: no such file in {}",
                                                     change.path, m_tree.describe()));
    }
    Staged& s = m_staged.emplace_back(Staged{&change, std::move(*parent), {}});
    struct stat st {};
    const bool exists =
        ::fstatat(s.parent.fd.get(), s.parent.leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("refusing to change '{}': not a regular file", change.path));
    }
    const std::string& temp = m_ops[index].temp;
    if (!change.content) {
        return stage_deletion(s, exists, temp);
    }
    mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~mask);
    if (change.mode) {
        mode = static_cast<mode_t>(change.mode->bits) & (change.mode->umask ? ~mask : 07777);
    }
    return stage_content(s, mode, temp);
}

// A deletion is staged as a hard link: a recovery deletes the file only
// while it still is this one.
Expected<void> DirectoryTree::Staging::stage_deletion(Staged& s, bool exists,
                                                      const std::string& temp) {
    int err = ENOENT;
    if (exists) {
        if (::linkat(s.parent.fd.get(), s.parent.leaf.c_str(), s.parent.fd.get(), temp.c_str(),
                     0) == 0) {
            s.temp = temp;
            return {};
        }
        err = errno;
    }
    return fail(ErrorKind::Io, fmt::format("cannot delete {} in {}: {}", s.change->path,
                                           m_tree.describe(), errno_text(err)));
}

Expected<void> DirectoryTree::Staging::stage_content(Staged& s, mode_t mode,
                                                     const std::string& temp) {
    const UniqueFd fd(::openat(s.parent.fd.get(), temp.c_str(),
                               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) {
        const int err = errno;
        return fail(ErrorKind::Io, fmt::format("cannot write {} in {}: {}", s.change->path,
                                               m_tree.describe(), errno_text(err)));
    }
    s.temp = temp;
    if (auto ok = journal::write_all(fd.get(), *s.change->content, s.change->path); !ok) {
        return ok;
    }
    if (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0) {
        const int err = errno;
        return fail(ErrorKind::Io,
                    fmt::format("cannot write {}: {}", s.change->path, errno_text(err)));
    }
    return {};
}

Expected<void> DirectoryTree::Staging::place() {
    // Point of no return: every new content is on disk beside its target,
    // and the journal says so.
    if (auto ok = m_tree.write_journal("commit", m_token, m_ops); !ok) {
        return ok;
    }
    // From here a failure leaves all as it is: the journal tells the next
    // lock_for_write() to finish the renames.
    m_placing = true;
    for (const auto& s : m_staged) {
        const Parent& p = s.parent;
        const int rc = s.change->content
                           ? ::renameat(p.fd.get(), s.temp.c_str(), p.fd.get(), p.leaf.c_str())
                           : ::unlinkat(p.fd.get(), p.leaf.c_str(), 0);
        if (rc != 0) {
            const int err = errno;
            return fail(ErrorKind::Io, fmt::format("cannot update {} in {}: {}", s.change->path,
                                                   m_tree.describe(), errno_text(err)));
        }
        if (!s.change->content) {
            ::unlinkat(p.fd.get(), s.temp.c_str(), 0);
        }
    }
    for (const auto& s : m_staged) {
        ::fsync(s.parent.fd.get());
    }
    m_tree.remove_journal(m_token);
    // After the journal: a run killed here leaves an empty directory, not
    // a journal whose recovery would have to remove directories.
    for (const auto& s : m_staged) {
        if (!s.change->content) {
            m_tree.remove_empty_directories_of(s.change->path);
        }
    }
    return {};
}

void DirectoryTree::Staging::discard() {
    for (auto it = m_staged.rbegin(); it != m_staged.rend(); ++it) {
        if (!it->temp.empty()) {
            ::unlinkat(it->parent.fd.get(), it->temp.c_str(), 0);
        }
        for (auto d = it->parent.created.rbegin(); d != it->parent.created.rend(); ++d) {
            ::unlinkat(m_tree.m_fd.get(), d->c_str(), AT_REMOVEDIR);
        }
    }
    if (m_journal) {
        m_tree.remove_journal(m_token);
    }
}

void DirectoryTree::remove_empty_directories_of(std::string_view path) {
    auto parts = util::path_components(path);
    if (parts.size() < 2) {
        return;
    }
    parts.pop_back(); // the file: what is left are its directories
    // fds[i] is the directory holding parts[i]: fds[0] the top, each next
    // one opened from the one before, never through a link.
    std::vector<UniqueFd> fds;
    fds.emplace_back(::dup(m_fd.get()));
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const int fd = ::openat(fds.back().get(), parts[i].c_str(),
                                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            return;
        }
        fds.emplace_back(fd);
    }
    for (std::size_t i = parts.size(); i-- > 0;) {
        // Fails (ENOTEMPTY, ENOTDIR) on anything but an empty directory.
        if (::unlinkat(fds[i].get(), parts[i].c_str(), AT_REMOVEDIR) != 0) {
            return;
        }
        ::fsync(fds[i].get());
    }
}

Expected<void> DirectoryTree::commit(const std::vector<FileChange>& changes) {
    if (auto ok = lock_for_write(); !ok) {
        return ok;
    }
    Staging staging(*this);
    if (auto ok = staging.begin(changes); !ok) {
        return ok;
    }
    const mode_t mask = process_umask();
    for (std::size_t index = 0; index < changes.size(); ++index) {
        if (auto ok = staging.stage(changes[index], index, mask); !ok) {
            return ok;
        }
    }
    return staging.place();
}

} // namespace kseries::source
