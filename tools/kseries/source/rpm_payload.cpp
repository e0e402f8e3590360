#include <cerrno>
#include <cstring>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

#include <kseries/source/archive_internal.hpp>
#include <kseries/source/rpm_payload.hpp>
#include <kseries/util/path.hpp>

namespace kseries::source {

namespace {

namespace fs = std::filesystem;

// A member name's components, without the payload's leading "./"; false
// for an absolute name or one with a ".." anywhere.
bool member_components(std::string_view name, std::vector<std::string>& parts) {
    if (name.starts_with('/')) {
        return false;
    }
    for (auto& part : util::path_components(name)) {
        if (part == "..") {
            return false;
        }
        if (part != ".") {
            parts.push_back(std::move(part));
        }
    }
    return true;
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        out += i == 0 ? parts[i] : "/" + parts[i];
    }
    return out;
}

// Makes root/parts[0..count) one directory at a time; an existing one must
// be a directory, never a symbolic link (links are made last, so none of
// ours is on the way; this keeps it so).
Expected<void> make_dirs(const fs::path& root, const std::vector<std::string>& parts,
                         std::size_t count, const std::string& label) {
    fs::path at = root;
    for (std::size_t i = 0; i < count; ++i) {
        at /= parts[i];
        if (::mkdir(at.c_str(), 0755) == 0) {
            continue;
        }
        struct stat st {};
        if (errno != EEXIST || ::lstat(at.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            return fail(ErrorKind::Unsafe, fmt::format("{}: cannot make the directory {}: it "
                                                       "exists and is not a directory",
                                                       label, at.string()));
        }
    }
    return {};
}

// libarchive reads any archive; only an RPM's payload (a "newc" cpio
// behind the rpm lead and header) is one here.
bool is_rpm_payload(archive* a) {
    bool rpm = false;
    for (int i = 0; i < archive_filter_count(a); ++i) {
        rpm = rpm || archive_filter_code(a, i) == ARCHIVE_FILTER_RPM;
    }
    return rpm && archive_format(a) == ARCHIVE_FORMAT_CPIO_SVR4_NOCRC;
}

struct Link {
    std::vector<std::string> parts; // the link's own path
    std::string target;             // as the payload gives it
};

// The link's target as components from the root, or nothing when it climbs
// above the root.
std::optional<std::vector<std::string>> resolve(const Link& link) {
    std::vector<std::string> at;
    if (!link.target.starts_with('/')) {
        at.assign(link.parts.begin(), link.parts.end() - 1);
    }
    for (auto& part : util::path_components(link.target)) {
        if (part == "..") {
            if (at.empty()) {
                return std::nullopt;
            }
            at.pop_back();
        } else if (part != ".") {
            at.push_back(std::move(part));
        }
    }
    return at;
}

Expected<void> make_link(const fs::path& root, const Link& link, const std::string& label) {
    const std::string name = join(link.parts, link.parts.size());
    const auto to = resolve(link);
    if (!to) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("{} holds a symbolic link '{}' pointing outside the package "
                                "(to '{}')",
                                label, name, link.target));
    }
    struct stat st {};
    if (link.target.starts_with('/') && ::lstat((root / join(*to, to->size())).c_str(), &st) != 0) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("{} holds a symbolic link '{}' to '{}', which the unpacked "
                                "packages do not hold: kseries makes no link onto the host's "
                                "files",
                                label, name, link.target));
    }
    // Relative from the link's directory, so the tree stays whole wherever it is moved.
    std::size_t common = 0;
    while (common + 1 < link.parts.size() && common < to->size() &&
           link.parts[common] == (*to)[common]) {
        ++common;
    }
    std::string relative;
    for (std::size_t i = common; i + 1 < link.parts.size(); ++i) {
        relative += "../";
    }
    for (std::size_t i = common; i < to->size(); ++i) {
        relative += (*to)[i] + (i + 1 < to->size() ? "/" : "");
    }
    if (relative.empty()) {
        relative = ".";
    }
    KSERIES_TRY(make_dirs(root, link.parts, link.parts.size() - 1, label));
    if (::symlink(relative.c_str(), (root / name).c_str()) != 0) {
        return fail(ErrorKind::Io, fmt::format("{}: cannot make the link {}: {}", label,
                                               (root / name).string(), std::strerror(errno)));
    }
    return {};
}

} // namespace

Expected<std::vector<std::string>> extract_rpm_payload(const fs::path& file, const fs::path& root,
                                                       const ArchiveLimits& caps) {
    const std::string label = "RPM " + file.string();
    auto rpm = KSERIES_TRY(detail::open_rpm(file, label));
    archive* const a = rpm.archive.get();
    std::vector<std::string> made;
    std::vector<Link> links;
    std::uint64_t expanded = 0;
    archive_entry* entry = nullptr;
    while (KSERIES_TRY(detail::next_rpm_member(a, entry, label))) {
        if (made.empty() && links.empty() && !is_rpm_payload(a)) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} is not an RPM package (libarchive reads it as {})", label,
                                    archive_format_name(a)));
        }
        const char* raw = archive_entry_pathname(entry);
        const std::string name = raw != nullptr ? raw : "";
        std::vector<std::string> parts;
        if (!member_components(name, parts)) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} holds a member named '{}' that leaves the package's root",
                                    label, name));
        }
        if (parts.empty()) {
            continue;
        }
        if ((archive_entry_perm(entry) & 07000) != 0) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} holds '{}' with mode {:04o} (setuid, setgid or sticky); "
                                    "kseries unpacks none",
                                    label, name, archive_entry_perm(entry) & 07777));
        }
        if (archive_entry_hardlink(entry) != nullptr) {
            return fail(
                ErrorKind::Unsafe,
                fmt::format("{} holds '{}', a hard link; kseries unpacks none", label, name));
        }
        const auto type = archive_entry_filetype(entry);
        if (type == AE_IFDIR) {
            KSERIES_TRY(make_dirs(root, parts, parts.size(), label));
        } else if (type == AE_IFREG) {
            KSERIES_TRY(make_dirs(root, parts, parts.size() - 1, label));
            KSERIES_TRY(detail::write_member(a, entry, root / join(parts, parts.size()), label,
                                             name, caps, expanded));
            made.push_back(join(parts, parts.size()));
        } else if (type == AE_IFLNK) {
            const char* target = archive_entry_symlink(entry);
            links.push_back({parts, target != nullptr ? target : ""});
        } else {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} holds '{}', which is neither a file, a directory nor a "
                                    "symbolic link; kseries unpacks nothing else",
                                    label, name));
        }
    }
    if (made.empty() && links.empty()) {
        return fail(ErrorKind::Parse,
                    fmt::format("{} is not an RPM package with files (libarchive reads it as {})",
                                label, archive_format_name(a)));
    }
    for (const Link& link : links) {
        KSERIES_TRY(make_link(root, link, label));
        made.push_back(join(link.parts, link.parts.size()));
    }
    return made;
}

} // namespace kseries::source
