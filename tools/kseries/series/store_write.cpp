#include <kseries/series/store_write.hpp>

#include <fmt/format.h>

#include <kseries/util/fd.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/lock.hpp>
#include <kseries/util/temp_dir.hpp>

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

namespace {

// A name a store can hold and patch files that stay inside the version
// directory, checked before anything is touched.
Expected<void> check_new_version(const NewVersion& v) {
    if (!version_number(v.meta.name)) {
        return fail(ErrorKind::Usage,
                    fmt::format("'{}' is not a version name (v1, v2, ...)", v.meta.name));
    }
    for (const auto& [file, text] : v.patches) {
        if (file.empty() || file.find('/') != std::string::npos || file.front() == '.' ||
            file == "series" || file == "version.toml") {
            return fail(ErrorKind::Unsafe,
                        fmt::format("'{}' cannot be a patch file name in a version", file));
        }
    }
    return {};
}

// What killed runs left: never a version, always safe to remove.
void remove_leftovers(const fs::path& store_dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(store_dir, ec)) {
        const std::string n = entry.path().filename().string();
        if (n.starts_with(".v") && n.find(".tmp-") != std::string::npos &&
            !entry.is_symlink(ec)) {
            fs::remove_all(entry.path(), ec);
        }
    }
}

// The name to write under the lock: the asked one, or - when it was only
// "the next one" and a concurrent run took it - the next free one.
Expected<std::string> final_name(const fs::path& store_dir, const NewVersion& v) {
    std::error_code ec;
    if (v.next_free_name && fs::exists(fs::symlink_status(store_dir / v.meta.name, ec))) {
        return next_free_version(store_dir);
    }
    return v.meta.name;
}

// The version's files in the temporary directory, synced, then the
// directory renamed into place: a reader sees all of it or nothing.
Expected<void> write_and_rename(const Store& store, const NewVersion& v, const Version& meta,
                                const std::string& temp, const fs::path& final_dir, int dir_fd) {
    const UniqueFd tmp_fd(::open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!tmp_fd.valid()) {
        return std::unexpected(errno_error("cannot open " + temp));
    }
    std::string series = fmt::format("# {} {}{}\n", store.name(), meta.name,
                                     v.meta.base ? ", made for " + v.meta.base->name() : "");
    for (const auto& [file, text] : v.patches) {
        KSERIES_TRY(write_new_file_synced(tmp_fd.get(), file, text));
        series += file + " -p1\n";
    }
    KSERIES_TRY(write_new_file_synced(tmp_fd.get(), "series", series));
    KSERIES_TRY(write_new_file_synced(tmp_fd.get(), "version.toml", version_toml(meta)));
    if (::fsync(tmp_fd.get()) != 0) {
        return std::unexpected(errno_error("cannot sync " + temp));
    }
    if (::rename(temp.c_str(), final_dir.c_str()) != 0) {
        return std::unexpected(errno_error("cannot rename " + temp + " to " + final_dir.string()));
    }
    if (::fsync(dir_fd) != 0) {
        return std::unexpected(errno_error("cannot sync " + store.dir().string()));
    }
    return {};
}

} // namespace

Expected<fs::path> write_version(const Store& store, const NewVersion& v) {
    const fs::path& store_dir = store.dir();
    KSERIES_TRY(check_new_version(v));
    const UniqueFd dir_fd(::open(store_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) {
        return std::unexpected(errno_error("cannot open the series store " + store_dir.string()));
    }
    auto lock = KSERIES_TRY(
        lock_in(dir_fd.get(), ".lock", LockWait::Wait, "the series store " + store_dir.string()));
    remove_leftovers(store_dir);
    Version meta = v.meta;
    meta.name = KSERIES_TRY(final_name(store_dir, v));
    const fs::path final_dir = store_dir / meta.name;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(final_dir, ec))) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} already exists; a version is never replaced (choose another "
                                "with --as)",
                                final_dir.string()));
    }
    auto temp = KSERIES_TRY(TempDir::create(store_dir, fmt::format(".{}.tmp-", meta.name)));
    KSERIES_TRY(write_and_rename(store, v, meta, temp.path().string(), final_dir, dir_fd.get()));
    temp.keep(); // renamed: it is final_dir now
    return final_dir;
}

} // namespace kseries::series
