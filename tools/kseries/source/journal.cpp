// The commit journal of a DirectoryTree (`.kseries-commit` at the top of
// the tree): writing it, reading it back (trusting nothing in it: a tree's
// contents are untrusted), and finishing or undoing what a killed commit
// left (recover). Apart from directory_tree.cpp so that the reading and
// writing of trees stays readable on its own; the on-disk protocol is
// described at DirectoryTree::commit().
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <kseries/source/directory_tree.hpp>
#include <kseries/source/journal.hpp>
#include <kseries/util/path.hpp>

namespace kseries::source {

namespace journal {

std::string errno_text(int err) {
    return std::strerror(err);
}

Expected<void> write_all(int fd, std::string_view data, const std::string& what) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            const int err = errno;
            if (err == EINTR) {
                continue;
            }
            return fail(ErrorKind::Io, fmt::format("cannot write {}: {}", what, errno_text(err)));
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

std::string new_token() {
    std::random_device rd;
    std::string token;
    for (int i = 0; i < 4; ++i) {
        token += fmt::format("{:08x}", rd());
    }
    return token;
}

std::string temp_name(std::string_view leaf, std::string_view token) {
    return fmt::format(".{}.kseries-{}", leaf, token);
}

} // namespace journal

namespace {

using journal::errno_text;
using journal::temp_name;
using journal::write_all;

bool is_token(std::string_view token) {
    return token.size() == 32 &&
           token.find_first_not_of("0123456789abcdef") == std::string_view::npos;
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

// The refusal of a journal kseries did not write (or not for this tree).
std::unexpected<Error> not_ours(const std::string& label, std::string_view why) {
    return fail(ErrorKind::Unsafe,
                fmt::format("{}: not a journal kseries wrote for this tree ({}); kseries "
                            "acts on none of it: remove it by hand",
                            label, why));
}

// The text of the journal file `name` in `dir`, nullopt when there is
// none: opened without following a link or blocking on a FIFO, and only a
// regular file of bounded size, since the tree's contents are untrusted.
Expected<std::optional<std::string>> read_journal_text(int dir, const char* name,
                                                       const std::string& label) {
    const UniqueFd fd(::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) {
        const int err = errno;
        if (err == ENOENT) {
            return std::optional<std::string>{};
        }
        if (err == ELOOP) {
            return not_ours(label, "a symbolic link");
        }
        return fail(ErrorKind::Unsafe, fmt::format("cannot open {}: {}", label, errno_text(err)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return not_ours(label, "not a regular file");
    }
    if (st.st_size > (1 << 24)) {
        return not_ours(label, "too large");
    }
    std::string text;
    char buf[4096];
    for (ssize_t n = 0; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
        if (n < 0) {
            const int err = errno;
            if (err == EINTR) {
                continue;
            }
            return fail(ErrorKind::Io, fmt::format("cannot read {}: {}", label, errno_text(err)));
        }
        text.append(buf, static_cast<std::size_t>(n));
    }
    return std::optional<std::string>(std::move(text));
}

// Why the parsed journal `j` is not one this kseries wrote for the
// directory `root` (format, fields, identity, token, state), or nullopt:
// checked before anything in it is believed.
std::optional<std::string> header_fault(const nlohmann::json& j, const struct stat& root) {
    const bool v2 = j.is_object() && j.value("journal", nlohmann::json()) == "kseries-commit 2";
    if (j.is_discarded() || !j.is_object() ||
        (!v2 && j.value("journal", nlohmann::json()) != DirectoryTree::journal_format) ||
        !j.contains("token") || !j["token"].is_string() || !j.contains("state") ||
        !j["state"].is_string() || !j.contains("ops") || !j["ops"].is_array() ||
        !j.contains("device") || !j["device"].is_number_unsigned() || !j.contains("inode") ||
        !j["inode"].is_number_unsigned()) {
        return "not in its format";
    }
    if (j["device"].get<std::uint64_t>() != static_cast<std::uint64_t>(root.st_dev) ||
        j["inode"].get<std::uint64_t>() != static_cast<std::uint64_t>(root.st_ino)) {
        return "it names another directory";
    }
    if (!is_token(j["token"].get<std::string>())) {
        return "its token is malformed";
    }
    const auto state = j["state"].get<std::string>();
    if (state != "staging" && state != "commit") {
        return "unknown state";
    }
    return std::nullopt;
}

// One entry of a journal, decoded.
struct OpFields {
    std::string path;
    std::string temp;
    bool remove = false;
};

// The entry `op` of a journal with `token`: refused unless its path stays
// inside the tree and its temporary is the very name the commit would have
// made, so that settling it can touch nothing else.
Expected<OpFields> op_fields(const nlohmann::json& op, bool v2, std::string_view token,
                             const std::string& label) {
    if (!op.is_object() || !op.contains("path") || !op["path"].is_string() ||
        !op.contains("temp") || !op["temp"].is_string() || !op.contains("remove") ||
        !op["remove"].is_boolean()) {
        return not_ours(label, "an entry without path, temp and remove");
    }
    const auto path = v2 ? std::optional(op["path"].get<std::string>())
                         : decode_path(op["path"].get<std::string>());
    const auto temp = v2 ? std::optional(op["temp"].get<std::string>())
                         : decode_path(op["temp"].get<std::string>());
    if (!path || !temp) {
        return not_ours(label, "a path not in its encoding");
    }
    OpFields o{*path, *temp, op["remove"].get<bool>()};
    const auto parts = util::path_components(o.path);
    if (parts.empty() || std::find(parts.begin(), parts.end(), "..") != parts.end() ||
        o.path.starts_with('/') || o.temp != temp_name(parts.back(), token)) {
        return not_ours(label, fmt::format("'{}' is not a temporary name of its write", o.temp));
    }
    return o;
}

} // namespace

Expected<void> DirectoryTree::write_journal(std::string_view state, const std::string& token,
                                            const std::vector<JournalOp>& ops) {
    struct stat root {};
    if (::fstat(m_fd.get(), &root) != 0) {
        const int err = errno;
        return fail(ErrorKind::Io, fmt::format("cannot stat {}: {}", describe(), errno_text(err)));
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
        const int err = errno;
        return fail(ErrorKind::Io,
                    fmt::format("cannot write {}/{}: {}", describe(), temp, errno_text(err)));
    }
    if (auto ok = write_all(fd.get(), text, temp); !ok) {
        return ok;
    }
    if (::fsync(fd.get()) != 0) {
        const int err = errno;
        return fail(ErrorKind::Io,
                    fmt::format("cannot write {}/{}: {}", describe(), temp, errno_text(err)));
    }
    if (unnamed) {
        const std::string self = fmt::format("/proc/self/fd/{}", fd.get());
        if (::linkat(AT_FDCWD, self.c_str(), m_fd.get(), temp.c_str(), AT_SYMLINK_FOLLOW) != 0 &&
            ::linkat(fd.get(), "", m_fd.get(), temp.c_str(), AT_EMPTY_PATH) != 0) {
            const int err = errno;
            return fail(ErrorKind::Io,
                        fmt::format("cannot write {}/{}: {}", describe(), temp, errno_text(err)));
        }
    }
    if (::renameat(m_fd.get(), temp.c_str(), m_fd.get(), journal_name) != 0 ||
        ::fsync(m_fd.get()) != 0) {
        const int err = errno;
        return fail(ErrorKind::Io, fmt::format("cannot write {}/{}: {}", describe(), journal_name,
                                               errno_text(err)));
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
    const auto text = KSERIES_TRY(read_journal_text(m_fd.get(), name, label));
    if (!text) {
        return std::optional<Journal>{};
    }
    struct stat root {};
    if (::fstat(m_fd.get(), &root) != 0) {
        const int err = errno;
        return fail(ErrorKind::Io, fmt::format("cannot stat {}: {}", describe(), errno_text(err)));
    }
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (const auto why = header_fault(j, root)) {
        return not_ours(label, *why);
    }
    // Version 2 (before paths were encoded) is still read: an interrupted
    // write of an older kseries is finished or undone all the same.
    const bool v2 = j.value("journal", nlohmann::json()) == "kseries-commit 2";
    Journal journal{j["state"].get<std::string>(), j["token"].get<std::string>(), {}};
    for (const auto& op : j["ops"]) {
        auto o = KSERIES_TRY(op_fields(op, v2, journal.token, label));
        journal.ops.push_back({std::move(o.path), std::move(o.temp), o.remove});
    }
    return std::optional<Journal>(std::move(journal));
}

Expected<void> DirectoryTree::recover() {
    const std::string label = fmt::format("{}/{}", describe(), journal_name);
    const auto read = KSERIES_TRY(read_journal());
    if (!read) {
        remove_unplaced_journals();
        return {};
    }
    KSERIES_TRY(settle(*read, label));
    remove_journal(read->token);
    spdlog::warn("{}: a kseries run was killed while writing this tree; its change was {}",
                 describe(), read->state == "commit" ? "finished" : "undone");
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
                const int err = errno;
                return fail(ErrorKind::Io, fmt::format("{}: cannot finish {}: {}", label, op.path,
                                                       errno_text(err)));
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

} // namespace kseries::source
