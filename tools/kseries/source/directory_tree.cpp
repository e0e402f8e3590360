#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

// A fresh random token for one commit: its journal and temporary names
// carry it, so a recovery can tell them from anything else in the tree.
std::string new_token() {
    std::random_device rd;
    std::string token;
    for (int i = 0; i < 4; ++i) {
        token += fmt::format("{:08x}", rd());
    }
    return token;
}

bool is_token(std::string_view token) {
    return token.size() == 32 &&
           token.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The one temporary name a commit with `token` uses for `leaf`.
std::string temp_name(std::string_view leaf, std::string_view token) {
    return fmt::format(".{}.kseries-{}", leaf, token);
}

// Paths in the journal are percent-encoded: a path is bytes (a patch may
// name one that is not UTF-8, or holds a newline), JSON strings are UTF-8.
// Every byte outside printable ASCII, and '%' itself, becomes %XX.
std::string encode_path(std::string_view path) {
    std::string out;
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f || c == '%') {
            out += fmt::format("%{:02X}", byte);
        } else {
            out += c;
        }
    }
    return out;
}

// The inverse; nullopt for text encode_path() never writes (a stray '%',
// a bad digit, a byte it escapes left raw, a NUL).
std::optional<std::string> decode_path(std::string_view text) {
    const auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte <= 0x20 || byte >= 0x7f) {
            return std::nullopt;
        }
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) {
            return std::nullopt;
        }
        const int hi = digit(text[i + 1]);
        const int lo = digit(text[i + 2]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            return std::nullopt;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::string journal_temp(std::string_view token) {
    return fmt::format("{}.{}", DirectoryTree::journal_name, token);
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
        if (errno != EWOULDBLOCK) {
            return fail(ErrorKind::Io,
                        fmt::format("cannot lock {}: {}", describe(), errno_text(errno)));
        }
        spdlog::warn("{}: another kseries run is writing this tree; waiting for it", describe());
        while (::flock(m_fd.get(), LOCK_EX) != 0) {
            if (errno != EINTR) {
                return fail(ErrorKind::Io,
                            fmt::format("cannot lock {}: {}", describe(), errno_text(errno)));
            }
        }
    }
    m_locked = true;
    return recover();
}

Expected<void> DirectoryTree::write_journal(std::string_view state, const std::string& token,
                                            const std::vector<JournalOp>& ops) {
    struct stat root {};
    if (::fstat(m_fd.get(), &root) != 0) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot stat {}: {}", describe(), errno_text(errno)));
    }
    nlohmann::json j;
    j["journal"] = journal_format;
    j["token"] = token;
    j["device"] = static_cast<std::uint64_t>(root.st_dev);
    j["inode"] = static_cast<std::uint64_t>(root.st_ino);
    j["state"] = state;
    j["ops"] = nlohmann::json::array();
    for (const auto& op : ops) {
        j["ops"].push_back({{"path", encode_path(op.path)},
                            {"temp", encode_path(op.temp)},
                            {"remove", op.remove}});
    }
    const std::string text = j.dump(1) + "\n";
    const std::string temp = journal_temp(token);
    // Written unnamed (O_TMPFILE) and named only once complete and synced:
    // a kill leaves no partial journal under any name, so a temporary that
    // is there is whole and provably kseries' (remove_unplaced_journals).
    // A filesystem without O_TMPFILE gets the temporary name at once.
    UniqueFd fd(::openat(m_fd.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644));
    const bool unnamed = fd.valid();
    if (!unnamed) {
        fd = UniqueFd(::openat(m_fd.get(), temp.c_str(),
                               O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    }
    if (!fd.valid()) {
        return fail(ErrorKind::Io, fmt::format("cannot write {}/{}: {}", describe(), temp,
                                               errno_text(errno)));
    }
    if (auto ok = write_all(fd.get(), text, temp); !ok) {
        return ok;
    }
    if (::fsync(fd.get()) != 0) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot write {}/{}: {}", describe(), temp, errno_text(errno)));
    }
    if (unnamed) {
        const std::string self = fmt::format("/proc/self/fd/{}", fd.get());
        if (::linkat(AT_FDCWD, self.c_str(), m_fd.get(), temp.c_str(), AT_SYMLINK_FOLLOW) != 0 &&
            ::linkat(fd.get(), "", m_fd.get(), temp.c_str(), AT_EMPTY_PATH) != 0) {
            return fail(ErrorKind::Io,
                        fmt::format("cannot write {}/{}: {}", describe(), temp, errno_text(errno)));
        }
    }
    if (::renameat(m_fd.get(), temp.c_str(), m_fd.get(), journal_name) != 0 ||
        ::fsync(m_fd.get()) != 0) {
        return fail(ErrorKind::Io, fmt::format("cannot write {}/{}: {}", describe(), journal_name,
                                               errno_text(errno)));
    }
    return {};
}

void DirectoryTree::remove_journal(const std::string& token) {
    ::unlinkat(m_fd.get(), journal_name, 0);
    ::unlinkat(m_fd.get(), journal_temp(token).c_str(), 0);
    ::fsync(m_fd.get());
}

Expected<std::optional<DirectoryTree::Journal>> DirectoryTree::read_journal(const char* name) {
    const std::string label = fmt::format("{}/{}", describe(), name);
    const UniqueFd fd(::openat(m_fd.get(), name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    const auto foreign = [&](std::string_view why) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("{}: not a journal kseries wrote for this tree ({}); kseries "
                                "acts on none of it: remove it by hand",
                                label, why));
    };
    if (!fd.valid()) {
        if (errno == ENOENT) {
            return std::optional<Journal>{};
        }
        if (errno == ELOOP) {
            return foreign("a symbolic link");
        }
        return fail(ErrorKind::Unsafe, fmt::format("cannot open {}: {}", label, errno_text(errno)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return foreign("not a regular file");
    }
    if (st.st_size > (1 << 24)) {
        return foreign("too large");
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
    struct stat root {};
    if (::fstat(m_fd.get(), &root) != 0) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot stat {}: {}", describe(), errno_text(errno)));
    }
    const auto j = nlohmann::json::parse(text, nullptr, false);
    // Version 2 (before paths were encoded) is still read: an interrupted
    // write of an older kseries is finished or undone all the same.
    const bool v2 = j.is_object() && j.value("journal", nlohmann::json()) == "kseries-commit 2";
    if (j.is_discarded() || !j.is_object() ||
        (!v2 && j.value("journal", nlohmann::json()) != journal_format) || !j.contains("token") ||
        !j["token"].is_string() || !j.contains("state") || !j["state"].is_string() ||
        !j.contains("ops") || !j["ops"].is_array() || !j.contains("device") ||
        !j["device"].is_number_unsigned() || !j.contains("inode") ||
        !j["inode"].is_number_unsigned()) {
        return foreign("not in its format");
    }
    if (j["device"].get<std::uint64_t>() != static_cast<std::uint64_t>(root.st_dev) ||
        j["inode"].get<std::uint64_t>() != static_cast<std::uint64_t>(root.st_ino)) {
        return foreign("it names another directory");
    }
    Journal journal{j["state"].get<std::string>(), j["token"].get<std::string>(), {}};
    if (!is_token(journal.token)) {
        return foreign("its token is malformed");
    }
    if (journal.state != "staging" && journal.state != "commit") {
        return foreign("unknown state");
    }
    for (const auto& op : j["ops"]) {
        if (!op.is_object() || !op.contains("path") || !op["path"].is_string() ||
            !op.contains("temp") || !op["temp"].is_string() || !op.contains("remove") ||
            !op["remove"].is_boolean()) {
            return foreign("an entry without path, temp and remove");
        }
        const auto path = v2 ? std::optional(op["path"].get<std::string>())
                             : decode_path(op["path"].get<std::string>());
        const auto temp = v2 ? std::optional(op["temp"].get<std::string>())
                             : decode_path(op["temp"].get<std::string>());
        if (!path || !temp) {
            return foreign("a path not in its encoding");
        }
        JournalOp o{*path, *temp, op["remove"].get<bool>()};
        const auto parts = components(o.path);
        if (parts.empty() || std::find(parts.begin(), parts.end(), "..") != parts.end() ||
            o.path.starts_with('/') || o.temp != temp_name(parts.back(), journal.token)) {
            return foreign(fmt::format("'{}' is not a temporary name of its write", o.temp));
        }
        journal.ops.push_back(std::move(o));
    }
    return std::optional<Journal>(std::move(journal));
}

Expected<void> DirectoryTree::recover() {
    const std::string label = fmt::format("{}/{}", describe(), journal_name);
    auto read = read_journal();
    if (!read) {
        return std::unexpected(read.error());
    }
    if (!*read) {
        remove_unplaced_journals();
        return {};
    }
    if (auto ok = settle(**read, label); !ok) {
        return ok;
    }
    remove_journal((*read)->token);
    spdlog::warn("{}: a kseries run was killed while writing this tree; its change was {}",
                 describe(), (*read)->state == "commit" ? "finished" : "undone");
    remove_unplaced_journals();
    return {};
}

Expected<void> DirectoryTree::settle(const Journal& journal, const std::string& label) {
    const bool finish = journal.state == "commit";
    for (const auto& op : journal.ops) {
        auto parent = open_parent(op.path, Create::No);
        if (!parent) {
            return std::unexpected(parent.error().with_context(label));
        }
        if (!*parent) {
            continue; // its directory is gone: nothing of it to finish
        }
        const Parent& p = **parent;
        struct stat temp {};
        if (::fstatat(p.fd.get(), op.temp.c_str(), &temp, AT_SYMLINK_NOFOLLOW) != 0) {
            continue; // done already, or never made
        }
        if (!S_ISREG(temp.st_mode)) {
            return fail(ErrorKind::Unsafe, fmt::format("{}: {} is not a regular file; kseries "
                                                       "leaves it alone",
                                                       label, op.temp));
        }
        if (finish && op.remove) {
            // Delete the file only if it is the one the link holds.
            struct stat target {};
            if (::fstatat(p.fd.get(), p.leaf.c_str(), &target, AT_SYMLINK_NOFOLLOW) == 0 &&
                target.st_dev == temp.st_dev && target.st_ino == temp.st_ino) {
                ::unlinkat(p.fd.get(), p.leaf.c_str(), 0);
            }
            ::unlinkat(p.fd.get(), op.temp.c_str(), 0);
        } else if (finish) {
            if (::renameat(p.fd.get(), op.temp.c_str(), p.fd.get(), p.leaf.c_str()) != 0) {
                return fail(ErrorKind::Io, fmt::format("{}: cannot finish {}: {}", label, op.path,
                                                       errno_text(errno)));
            }
        } else {
            ::unlinkat(p.fd.get(), op.temp.c_str(), 0);
        }
        ::fsync(p.fd.get());
    }
    return {};
}

void DirectoryTree::remove_unplaced_journals() {
    const std::string prefix = std::string(journal_name) + ".";
    std::vector<std::string> names;
    const int dir_fd = ::openat(m_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
        return;
    }
    DIR* dir = ::fdopendir(dir_fd);
    if (dir == nullptr) {
        ::close(dir_fd);
        return;
    }
    while (const dirent* e = ::readdir(dir)) {
        const std::string_view name(e->d_name);
        if (name.starts_with(prefix) && is_token(name.substr(prefix.size()))) {
            names.emplace_back(name);
        }
    }
    ::closedir(dir);
    for (const auto& name : names) {
        const std::string label = fmt::format("{}/{}", describe(), name);
        auto read = read_journal(name.c_str());
        if (!read || !*read || (*read)->state != "staging" ||
            (*read)->token != std::string_view(name).substr(prefix.size())) {
            spdlog::warn("{}: named like a journal of kseries but not provably one; left alone",
                         label);
            continue;
        }
        if (auto ok = settle(**read, label); !ok) {
            spdlog::warn("{} (left alone)", ok.error().message());
            continue;
        }
        ::unlinkat(m_fd.get(), name.c_str(), 0);
        ::fsync(m_fd.get());
        spdlog::warn("{}: a kseries run was killed before it changed this tree; its journal "
                     "was removed",
                     describe());
    }
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

Expected<Content> DirectoryTree::load(std::string_view path) {
    auto parent = open_parent(path, Create::No);
    if (!parent) {
        return std::unexpected(parent.error());
    }
    const std::optional<Parent>& found = *parent;
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

Expected<void> DirectoryTree::commit(const std::vector<FileChange>& changes) {
    if (auto ok = lock_for_write(); !ok) {
        return ok;
    }
    struct Staged {
        const FileChange* change;
        Parent parent;
        std::string temp; // empty until made
    };
    std::vector<Staged> staged;
    const std::string token = new_token();
    // Every temporary name is in the journal before the file exists.
    std::vector<JournalOp> ops;
    for (const auto& change : changes) {
        const auto parts = components(change.path);
        if (parts.empty()) {
            return fail(ErrorKind::Unsafe, fmt::format("'{}' names no file", change.path));
        }
        ops.push_back({change.path, temp_name(parts.back(), token), !change.content});
    }
    if (auto ok = write_journal("staging", token, ops); !ok) {
        remove_journal(token);
        return ok;
    }
    auto discard = [&] {
        for (auto it = staged.rbegin(); it != staged.rend(); ++it) {
            if (!it->temp.empty()) {
                ::unlinkat(it->parent.fd.get(), it->temp.c_str(), 0);
            }
            for (auto d = it->parent.created.rbegin(); d != it->parent.created.rend(); ++d) {
                ::unlinkat(m_fd.get(), d->c_str(), AT_REMOVEDIR);
            }
        }
        remove_journal(token);
    };
    const mode_t mask = process_umask();

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
        const std::string& temp = ops[index].temp;
        struct stat st {};
        const bool exists =
            ::fstatat(s.parent.fd.get(), s.parent.leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (exists && !S_ISREG(st.st_mode)) {
            staged.push_back(std::move(s));
            discard();
            return fail(ErrorKind::Unsafe,
                        fmt::format("refusing to change '{}': not a regular file", change.path));
        }
        if (!change.content) {
            // A deletion is staged as a hard link: a recovery deletes the
            // file only while it still is this one.
            if (!exists || ::linkat(s.parent.fd.get(), s.parent.leaf.c_str(), s.parent.fd.get(),
                                    temp.c_str(), 0) != 0) {
                const int err = exists ? errno : ENOENT;
                staged.push_back(std::move(s));
                discard();
                return fail(ErrorKind::Io, fmt::format("cannot delete {} in {}: {}", change.path,
                                                       describe(), errno_text(err)));
            }
            s.temp = temp;
            staged.push_back(std::move(s));
            continue;
        }
        mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~mask);
        if (change.mode) {
            mode = static_cast<mode_t>(change.mode->bits) & (change.mode->umask ? ~mask : 07777);
        }
        const UniqueFd fd(::openat(s.parent.fd.get(), temp.c_str(),
                                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd.valid()) {
            const int err = errno;
            staged.push_back(std::move(s));
            discard();
            return fail(ErrorKind::Io, fmt::format("cannot write {} in {}: {}", change.path,
                                                   describe(), errno_text(err)));
        }
        s.temp = temp;
        auto ok = write_all(fd.get(), *change.content, change.path);
        if (ok && ::fchmod(fd.get(), mode) == 0 && ::fsync(fd.get()) == 0) {
            staged.push_back(std::move(s));
            continue;
        }
        const int err = errno;
        staged.push_back(std::move(s));
        discard();
        return ok ? fail(ErrorKind::Io,
                         fmt::format("cannot write {}: {}", change.path, errno_text(err)))
                  : std::unexpected(ok.error());
    }

    // Point of no return: every new content is on disk beside its target,
    // and the journal says so.
    if (auto ok = write_journal("commit", token, ops); !ok) {
        discard();
        return ok;
    }
    for (const auto& s : staged) {
        const int rc = s.change->content ? ::renameat(s.parent.fd.get(), s.temp.c_str(),
                                                      s.parent.fd.get(), s.parent.leaf.c_str())
                                         : ::unlinkat(s.parent.fd.get(), s.parent.leaf.c_str(), 0);
        if (rc != 0) {
            return fail(ErrorKind::Io, fmt::format("cannot update {} in {}: {}", s.change->path,
                                                   describe(), errno_text(errno)));
        }
        if (!s.change->content) {
            ::unlinkat(s.parent.fd.get(), s.temp.c_str(), 0);
        }
    }
    for (const auto& s : staged) {
        ::fsync(s.parent.fd.get());
    }
    remove_journal(token);
    return {};
}

} // namespace kseries::source
