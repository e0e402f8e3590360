#include <algorithm>
#include <kseries/series/store_write.hpp>

#include <fmt/format.h>

#include <kseries/util/fd.hpp>
#include <kseries/util/lock.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kseries::series {

namespace fs = std::filesystem;

namespace {

// A TOML basic string.
std::string toml_string(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            out += fmt::format("\\u{:04X}", u);
        } else {
            out += c;
        }
    }
    return out + '"';
}

std::string string_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : ", ") + toml_string(items[i]);
    }
    return out + "]";
}

std::string detect_toml(const std::optional<DetectRule>& rule, std::string_view table) {
    std::string out;
    if (!rule) {
        return out;
    }
    for (const auto& c : rule->all) {
        out += fmt::format("[[{}.detect]]\nfile = {}\n", table, toml_string(c.file));
        if (!c.contains.empty()) {
            out += fmt::format("contains = {}\n", string_list(c.contains));
        }
        if (!c.lacks.empty()) {
            out += fmt::format("lacks = {}\n", string_list(c.lacks));
        }
    }
    return out;
}

Error errno_error(const std::string& what) {
    return {ErrorKind::Io, fmt::format("{}: {}", what, std::strerror(errno))};
}

Expected<void> write_synced(int dir_fd, const std::string& name, std::string_view text) {
    const UniqueFd fd(::openat(dir_fd, name.c_str(),
                               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.valid()) {
        return std::unexpected(errno_error("cannot create " + name));
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return std::unexpected(errno_error("cannot write " + name));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
        return std::unexpected(errno_error("cannot sync " + name));
    }
    return {};
}

} // namespace

std::string version_toml(const Version& v) {
    std::string out = fmt::format("# {}: written by kseries (docs/formats/store.md).\n", v.name);
    out += fmt::format("version = {}\n", toml_string(v.name));
    if (!v.parent.empty()) {
        out += fmt::format("parent = {}\n", toml_string(v.parent));
    }
    if (v.base) {
        out += fmt::format("base = {}\n", toml_string(v.base->name()));
    }
    if (!v.changelog.empty()) {
        out += fmt::format("changelog = {}\n", toml_string(v.changelog));
    }
    if (!v.created.empty()) {
        out += fmt::format("created = {}\n", toml_string(v.created));
    }
    if (!v.base_blobs.empty()) {
        out += "\n[base_blobs]\n";
        for (const auto& [path, id] : v.base_blobs) {
            out += fmt::format("{} = {}\n", toml_string(path), toml_string(id));
        }
    }
    for (const auto& p : v.patches) {
        out += fmt::format("\n[[patch]]\nname = {}\n", toml_string(p.name));
        if (!p.upstream.empty()) {
            out += fmt::format("upstream = {}\n", toml_string(p.upstream));
        }
        out += detect_toml(p.detect, "patch");
    }
    for (const auto& d : v.dropped) {
        out += fmt::format("\n[[dropped]]\nname = {}\nreason = {}\n", toml_string(d.name),
                           toml_string(d.reason));
        out += detect_toml(d.detect, "dropped");
    }
    for (const auto& s : v.skipped) {
        out += fmt::format("\n[[skipped]]\nname = {}\nreason = {}\n", toml_string(s.name),
                           toml_string(s.reason));
        out += detect_toml(s.detect, "skipped");
    }
    return out;
}

Expected<fs::path> write_version(const Store& store, const NewVersion& v) {
    const fs::path& store_dir = store.dir();
    std::string name = v.meta.name;
    if (name.size() < 2 || name[0] != 'v' ||
        name.find_first_not_of("0123456789", 1) != std::string::npos) {
        return fail(ErrorKind::Usage, fmt::format("'{}' is not a version name (v1, v2, ...)", name));
    }
    for (const auto& [file, text] : v.patches) {
        if (file.empty() || file.find('/') != std::string::npos || file.front() == '.' ||
            file == "series" || file == "version.toml") {
            return fail(ErrorKind::Unsafe,
                        fmt::format("'{}' cannot be a patch file name in a version", file));
        }
    }
    const UniqueFd dir_fd(::open(store_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) {
        return std::unexpected(errno_error("cannot open the series store " + store_dir.string()));
    }
    auto lock = lock_in(dir_fd.get(), ".lock", LockWait::Wait,
                        "the series store " + store_dir.string());
    if (!lock) {
        return std::unexpected(lock.error());
    }
    // What killed runs left: never a version, always safe to remove.
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(store_dir, ec)) {
        const std::string n = entry.path().filename().string();
        if (n.starts_with(".v") && n.find(".tmp-") != std::string::npos &&
            !entry.is_symlink(ec)) {
            fs::remove_all(entry.path(), ec);
        }
    }
    if (v.next_free_name && fs::exists(fs::symlink_status(store_dir / name, ec))) {
        unsigned long highest = 0;
        for (const auto& entry : fs::directory_iterator(store_dir, ec)) {
            const std::string n = entry.path().filename().string();
            if (n.size() >= 2 && n.size() <= 10 && n[0] == 'v' &&
                n.find_first_not_of("0123456789", 1) == std::string::npos) {
                highest = std::max(highest, std::stoul(n.substr(1)));
            }
        }
        name = fmt::format("v{}", highest + 1);
    }
    Version meta = v.meta;
    meta.name = name;
    const fs::path final_dir = store_dir / name;
    if (fs::exists(fs::symlink_status(final_dir, ec))) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} already exists; a version is never replaced (choose another "
                                "with --as)",
                                final_dir.string()));
    }
    std::string temp = (store_dir / fmt::format(".{}.tmp-XXXXXX", name)).string();
    if (::mkdtemp(temp.data()) == nullptr) {
        return std::unexpected(errno_error("cannot create a temporary directory in " +
                                           store_dir.string()));
    }
    const auto written = [&]() -> Expected<void> {
        const UniqueFd tmp_fd(::open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!tmp_fd.valid()) {
            return std::unexpected(errno_error("cannot open " + temp));
        }
        std::string series = fmt::format("# {} {}{}\n", store.name(), name,
                                         v.meta.base ? ", made for " + v.meta.base->name() : "");
        for (const auto& [file, text] : v.patches) {
            if (auto ok = write_synced(tmp_fd.get(), file, text); !ok) {
                return ok;
            }
            series += file + " -p1\n";
        }
        if (auto ok = write_synced(tmp_fd.get(), "series", series); !ok) {
            return ok;
        }
        if (auto ok = write_synced(tmp_fd.get(), "version.toml", version_toml(meta)); !ok) {
            return ok;
        }
        if (::fsync(tmp_fd.get()) != 0) {
            return std::unexpected(errno_error("cannot sync " + temp));
        }
        if (::rename(temp.c_str(), final_dir.c_str()) != 0) {
            return std::unexpected(errno_error("cannot rename " + temp + " to " +
                                               final_dir.string()));
        }
        if (::fsync(dir_fd.get()) != 0) {
            return std::unexpected(errno_error("cannot sync " + store_dir.string()));
        }
        return {};
    }();
    if (!written) {
        fs::remove_all(temp, ec);
        return std::unexpected(written.error());
    }
    return final_dir;
}

} // namespace kseries::series
