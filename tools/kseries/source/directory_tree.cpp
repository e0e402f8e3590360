#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/file.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <kseries/source/directory_tree.hpp>
#include <kseries/util/file.hpp>

namespace kseries::source {

namespace {

std::string errno_text(int err) {
    return std::strerror(err);
}

std::vector<std::string> components(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        const std::string_view part = path.substr(start, end - start);
        if (!part.empty() && part != ".") {
            parts.emplace_back(part);
        }
        start = end + 1;
    }
    return parts;
}

bool is_symlink_at(int dirfd, const std::string& name) {
    struct stat st {};
    return ::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

Expected<void> write_all(int fd, std::string_view data, const std::string& what) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(ErrorKind::Io, fmt::format("cannot write {}: {}", what, errno_text(errno)));
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

std::string temp_name(const std::string& leaf) {
    static std::mt19937_64 rng{std::random_device{}()};
    return fmt::format(".{}.kseries-{:016x}", leaf, rng());
}

// A temporary name commit() could have made for `leaf`, and no other: a
// journal can only ever make kseries rename or remove its own files.
bool is_temp_name_for(std::string_view temp, std::string_view leaf) {
    const std::string prefix = fmt::format(".{}.kseries-", leaf);
    if (!temp.starts_with(prefix) || temp.size() != prefix.size() + 16) {
        return false;
    }
    return temp.substr(prefix.size()).find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Holds flock on the tree's directory while a commit or a recovery runs.
class TreeLock {
public:
    explicit TreeLock(int fd) : m_fd(fd) {
        while (::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    TreeLock(const TreeLock&) = delete;
    TreeLock& operator=(const TreeLock&) = delete;
    ~TreeLock() { ::flock(m_fd, LOCK_UN); }

private:
    int m_fd;
};

} // namespace

Expected<std::unique_ptr<DirectoryTree>> DirectoryTree::open(const std::filesystem::path& root) {
    const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return fail(err == ENOENT ? ErrorKind::NotFound : ErrorKind::Io,
                    fmt::format("cannot open tree {}: {}", root.string(), errno_text(err)));
    }
    auto tree = std::make_unique<DirectoryTree>(UniqueFd(fd), root);
    const TreeLock lock(tree->m_fd.get());
    if (auto ok = tree->recover(); !ok) {
        return std::unexpected(ok.error());
    }
    return tree;
}

Expected<void> DirectoryTree::write_journal(std::string_view state, const std::vector<JournalOp>& ops) {
    nlohmann::json j;
    j["state"] = state;
    j["ops"] = nlohmann::json::array();
    for (const auto& op : ops) {
        j["ops"].push_back({{"path", op.path}, {"temp", op.temp}});
    }
    const std::string text = j.dump(1) + "\n";
    const std::string temp = std::string(journal_name) + ".new";
    ::unlinkat(m_fd.get(), temp.c_str(), 0);
    const UniqueFd fd(::openat(m_fd.get(), temp.c_str(),
                               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.valid()) {
        return fail(ErrorKind::Io, fmt::format("cannot write {}/{}: {}", describe(), temp,
                                               errno_text(errno)));
    }
    if (auto ok = write_all(fd.get(), text, temp); !ok) {
        return ok;
    }
    if (::fsync(fd.get()) != 0 ||
        ::renameat(m_fd.get(), temp.c_str(), m_fd.get(), journal_name) != 0 ||
        ::fsync(m_fd.get()) != 0) {
        return fail(ErrorKind::Io, fmt::format("cannot write {}/{}: {}", describe(), journal_name,
                                               errno_text(errno)));
    }
    return {};
}

void DirectoryTree::remove_journal() {
    ::unlinkat(m_fd.get(), journal_name, 0);
    ::unlinkat(m_fd.get(), (std::string(journal_name) + ".new").c_str(), 0);
    ::fsync(m_fd.get());
}

Expected<void> DirectoryTree::recover() {
    const std::string label = fmt::format("{}/{}", describe(), journal_name);
    const UniqueFd fd(::openat(m_fd.get(), journal_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT) {
            // A journal being replaced when the run died: the old one was
            // still in place, so a lone ".new" holds nothing to finish.
            ::unlinkat(m_fd.get(), (std::string(journal_name) + ".new").c_str(), 0);
            return {};
        }
        return fail(ErrorKind::Unsafe, fmt::format("cannot open {}: {}", label, errno_text(errno)));
    }
    std::string text;
    char buf[4096];
    for (ssize_t n = 0; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(ErrorKind::Io, fmt::format("cannot read {}: {}", label, errno_text(errno)));
        }
        text.append(buf, static_cast<std::size_t>(n));
    }
    const auto damaged = [&](std::string_view why) {
        return fail(ErrorKind::Parse,
                    fmt::format("{}: an interrupted kseries run left this journal, and it is "
                                "damaged ({}); check the files it names by hand, then remove it",
                                label, why));
    };
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("state") || !j["state"].is_string() ||
        !j.contains("ops") || !j["ops"].is_array()) {
        return damaged("not a journal");
    }
    const std::string state = j["state"].get<std::string>();
    if (state != "staging" && state != "commit") {
        return damaged("unknown state");
    }
    std::vector<JournalOp> ops;
    for (const auto& op : j["ops"]) {
        if (!op.is_object() || !op.contains("path") || !op["path"].is_string() ||
            !op.contains("temp") || !op["temp"].is_string()) {
            return damaged("an entry without path and temp");
        }
        ops.push_back({op["path"].get<std::string>(), op["temp"].get<std::string>()});
    }
    for (const auto& op : ops) {
        auto parent = open_parent(op.path, Create::No);
        if (!parent) {
            return std::unexpected(parent.error().with_context(label));
        }
        if (!*parent) {
            continue; // its directory is gone: nothing of it to finish
        }
        const Parent& p = **parent;
        if (!op.temp.empty() && !is_temp_name_for(op.temp, p.leaf)) {
            return damaged(fmt::format("'{}' is not a temporary file of kseries", op.temp));
        }
        if (state == "staging") {
            if (!op.temp.empty()) {
                ::unlinkat(p.fd.get(), op.temp.c_str(), 0);
            }
        } else if (op.temp.empty()) {
            ::unlinkat(p.fd.get(), p.leaf.c_str(), 0);
        } else if (::renameat(p.fd.get(), op.temp.c_str(), p.fd.get(), p.leaf.c_str()) != 0 &&
                   errno != ENOENT) {
            return fail(ErrorKind::Io, fmt::format("{}: cannot finish {}: {}", label, op.path,
                                                   errno_text(errno)));
        }
        ::fsync(p.fd.get());
    }
    remove_journal();
    spdlog::warn("{}: a kseries run was killed while writing this tree; its change was {}", describe(),
                 state == "commit" ? "finished" : "undone");
    return {};
}

Expected<std::optional<DirectoryTree::Parent>> DirectoryTree::open_parent(std::string_view path,
                                                                          Create create) {
    const auto parts = components(path);
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
            if (::mkdirat(parent.fd.get(), part.c_str(), 0777) != 0 && errno != EEXIST) {
                return fail(ErrorKind::Io, fmt::format("cannot create directory {} in {}: {}",
                                                       walked, describe(), errno_text(errno)));
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

Expected<std::optional<std::string>> DirectoryTree::read(std::string_view path) {
    auto parent = open_parent(path, Create::No);
    if (!parent) {
        return std::unexpected(parent.error());
    }
    const std::optional<Parent>& found = *parent;
    if (!found) {
        return std::optional<std::string>{};
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
            return std::optional<std::string>{};
        }
        return fail(ErrorKind::Io,
                    fmt::format("cannot read {} in {}: {}", path, describe(), errno_text(err)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return fail(ErrorKind::Unsafe, fmt::format("refusing '{}' in {}: not a regular file", path, describe()));
    }
    note_input(st);
    std::string data;
    data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (true) {
        if (got == data.size()) {
            data.resize(data.size() + 4096);
        }
        const ssize_t n = ::read(fd.get(), data.data() + got, data.size() - got);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(ErrorKind::Io, fmt::format("cannot read {} in {}: {}", path, describe(),
                                                   errno_text(errno)));
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    data.resize(got);
    return std::optional<std::string>(std::move(data));
}

Expected<void> DirectoryTree::commit(const std::vector<FileChange>& changes) {
    const TreeLock lock(m_fd.get());
    if (auto ok = recover(); !ok) {
        return ok;
    }
    struct Staged {
        const FileChange* change;
        Parent parent;
        std::string temp; // empty for deletions
    };
    std::vector<Staged> staged;
    // Every temporary name is in the journal before the file exists.
    std::vector<JournalOp> ops;
    std::vector<std::string> temps;
    for (const auto& change : changes) {
        const auto parts = components(change.path);
        temps.push_back(change.content && !parts.empty() ? temp_name(parts.back()) : std::string());
        ops.push_back({change.path, temps.back()});
    }
    if (auto ok = write_journal("staging", ops); !ok) {
        return ok;
    }
    auto discard = [&] {
        struct Done {
            DirectoryTree& tree;
            ~Done() { tree.remove_journal(); }
        } done{*this};
        for (auto it = staged.rbegin(); it != staged.rend(); ++it) {
            if (!it->temp.empty()) {
                ::unlinkat(it->parent.fd.get(), it->temp.c_str(), 0);
            }
            for (auto d = it->parent.created.rbegin(); d != it->parent.created.rend(); ++d) {
                ::unlinkat(m_fd.get(), d->c_str(), AT_REMOVEDIR);
            }
        }
    };

    for (std::size_t index = 0; index < changes.size(); ++index) {
        const FileChange& change = changes[index];
        auto parent = open_parent(change.path, change.content ? Create::Yes : Create::No);
        if (!parent) {
            discard();
            return std::unexpected(parent.error());
        }
        std::optional<Parent>& found = *parent;
        if (!found) {
            discard();
            return fail(ErrorKind::NotFound, fmt::format("cannot delete {}: no such file in {}",
                                                         change.path, describe()));
        }
        Staged s{&change, std::move(*found), {}};
        if (change.content) {
            mode_t mode = 0666;
            struct stat st {};
            if (::fstatat(s.parent.fd.get(), s.parent.leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) ==
                0) {
                if (!S_ISREG(st.st_mode)) {
                    staged.push_back(std::move(s));
                    discard();
                    return fail(
                        ErrorKind::Unsafe,
                        fmt::format("refusing to write '{}': not a regular file", change.path));
                }
                mode = st.st_mode & 07777;
            }
            s.temp = temps[index];
            const UniqueFd fd(::openat(s.parent.fd.get(), s.temp.c_str(),
                                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
            if (!fd.valid()) {
                const int err = errno;
                s.temp.clear();
                staged.push_back(std::move(s));
                discard();
                return fail(ErrorKind::Io, fmt::format("cannot write {} in {}: {}", change.path,
                                                       describe(), errno_text(err)));
            }
            auto ok = write_all(fd.get(), *change.content, change.path);
            if (ok && ::fchmod(fd.get(), mode) == 0 && ::fsync(fd.get()) == 0) {
                staged.push_back(std::move(s));
                continue;
            }
            staged.push_back(std::move(s));
            discard();
            return ok ? fail(ErrorKind::Io,
                             fmt::format("cannot write {}: {}", change.path, errno_text(errno)))
                      : std::unexpected(ok.error());
        }
        staged.push_back(std::move(s));
    }

    // Point of no return: every new content is on disk beside its target,
    // and the journal says so.
    if (auto ok = write_journal("commit", ops); !ok) {
        discard();
        return ok;
    }
    for (const auto& s : staged) {
        const int rc = s.temp.empty() ? ::unlinkat(s.parent.fd.get(), s.parent.leaf.c_str(), 0)
                                      : ::renameat(s.parent.fd.get(), s.temp.c_str(),
                                                   s.parent.fd.get(), s.parent.leaf.c_str());
        if (rc != 0) {
            return fail(ErrorKind::Io, fmt::format("cannot update {} in {}: {}", s.change->path,
                                                   describe(), errno_text(errno)));
        }
    }
    for (const auto& s : staged) {
        ::fsync(s.parent.fd.get());
    }
    remove_journal();
    return {};
}

} // namespace kseries::source
