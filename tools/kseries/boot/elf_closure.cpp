#include <cerrno>
#include <cstring>
#include <deque>
#include <elf.h>
#include <optional>
#include <set>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include <kseries/boot/elf_read.hpp>
#include <kseries/boot/elf_closure.hpp>
#include <kseries/util/file.hpp>

namespace kseries::boot {

namespace {

namespace fs = std::filesystem;

// What the loader reads of one ELF file.
struct ElfDeps {
    std::optional<std::string> interp;
    std::vector<std::string> needed;
    std::optional<std::string> rpath;
    std::optional<std::string> runpath;
};

std::unexpected<Error> bad_elf(const fs::path& file, std::string_view why) {
    return fail(ErrorKind::Usage, fmt::format("{}: not a usable ELF file: {}", file.string(), why));
}

using detail::read_at;

// The NUL-terminated string at `offset` of `table`, or nothing.
std::optional<std::string> string_at(std::string_view table, std::uint64_t offset) {
    if (offset >= table.size()) {
        return std::nullopt;
    }
    const auto rest = table.substr(offset);
    const auto end = rest.find('\0');
    if (end == std::string_view::npos) {
        return std::nullopt;
    }
    return std::string(rest.substr(0, end));
}

// Whether the bytes start as an ELF file at all (any class or machine).
bool has_elf_magic(std::string_view bytes) {
    return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

Expected<Elf64_Ehdr> x86_64_header(const fs::path& file, std::string_view bytes) {
    if (!has_elf_magic(bytes)) {
        return bad_elf(file, "no ELF magic");
    }
    const auto eh = read_at<Elf64_Ehdr>(bytes, 0);
    if (!eh || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_X86_64) {
        return bad_elf(file, "not a 64-bit little-endian x86-64 file");
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        return bad_elf(file, "not an executable or shared object");
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
        return bad_elf(file, "unexpected program header size");
    }
    return *eh;
}

Expected<std::vector<Elf64_Phdr>> program_headers(const fs::path& file, std::string_view bytes,
                                                  const Elf64_Ehdr& eh) {
    std::vector<Elf64_Phdr> out;
    for (std::uint64_t i = 0; i < eh.e_phnum; ++i) {
        const auto ph = read_at<Elf64_Phdr>(bytes, eh.e_phoff + i * sizeof(Elf64_Phdr));
        if (!ph) {
            return bad_elf(file, "program headers past the end of the file");
        }
        out.push_back(*ph);
    }
    return out;
}

// The file bytes of a segment, bounds-checked.
std::optional<std::string_view> segment(std::string_view bytes, const Elf64_Phdr& ph) {
    if (ph.p_offset > bytes.size() || bytes.size() - ph.p_offset < ph.p_filesz) {
        return std::nullopt;
    }
    return bytes.substr(ph.p_offset, ph.p_filesz);
}

// DT_STRTAB holds an address; the PT_LOAD segment holding it says where
// that address is in the file.
std::optional<std::string_view> at_address(std::string_view bytes,
                                           const std::vector<Elf64_Phdr>& phdrs,
                                           std::uint64_t vaddr, std::uint64_t size) {
    for (const auto& ph : phdrs) {
        if (ph.p_type != PT_LOAD || vaddr < ph.p_vaddr || vaddr - ph.p_vaddr >= ph.p_filesz) {
            continue;
        }
        const auto seg = segment(bytes, ph);
        if (!seg) {
            return std::nullopt;
        }
        const auto rest = seg->substr(vaddr - ph.p_vaddr);
        return rest.substr(0, std::min<std::uint64_t>(size, rest.size()));
    }
    return std::nullopt;
}

// The dynamic section's entries the closure needs, as offsets into its
// string table (DT_STRTAB, DT_STRSZ), up to DT_NULL or the section's end.
struct DynamicEntries {
    std::optional<std::uint64_t> strtab;
    std::uint64_t strsz = 0;
    std::vector<std::uint64_t> needed;
    std::optional<std::uint64_t> rpath;
    std::optional<std::uint64_t> runpath;
};

DynamicEntries dynamic_entries(std::string_view dynamic) {
    DynamicEntries e;
    for (std::uint64_t off = 0;; off += sizeof(Elf64_Dyn)) {
        const auto d = read_at<Elf64_Dyn>(dynamic, off);
        if (!d || d->d_tag == DT_NULL) {
            return e;
        }
        const std::uint64_t v = d->d_un.d_val;
        switch (d->d_tag) {
        case DT_NEEDED:
            e.needed.push_back(v);
            break;
        case DT_RPATH:
            e.rpath = v;
            break;
        case DT_RUNPATH:
            e.runpath = v;
            break;
        case DT_STRTAB:
            e.strtab = v;
            break;
        case DT_STRSZ:
            e.strsz = v;
            break;
        default:
            break;
        }
    }
}

Expected<ElfDeps> dynamic_deps(const fs::path& file, std::string_view bytes) {
    const auto eh = KSERIES_TRY(x86_64_header(file, bytes));
    const auto phdrs = KSERIES_TRY(program_headers(file, bytes, eh));
    ElfDeps deps;
    std::optional<std::string_view> dynamic;
    for (const auto& ph : phdrs) {
        if (ph.p_type == PT_INTERP) {
            const auto seg = segment(bytes, ph);
            const auto name = seg ? string_at(*seg, 0) : std::nullopt;
            if (!name || name->empty()) {
                return bad_elf(file, "a broken PT_INTERP");
            }
            deps.interp = *name;
        } else if (ph.p_type == PT_DYNAMIC) {
            dynamic = segment(bytes, ph);
            if (!dynamic) {
                return bad_elf(file, "PT_DYNAMIC past the end of the file");
            }
        }
    }
    if (!dynamic) {
        return deps;
    }
    const auto e = dynamic_entries(*dynamic);
    if (e.needed.empty() && !e.rpath && !e.runpath) {
        return deps;
    }
    const auto table = e.strtab ? at_address(bytes, phdrs, *e.strtab, e.strsz) : std::nullopt;
    if (!table) {
        return bad_elf(file, "DT_STRTAB outside the file's loaded segments");
    }
    const auto str = [&](std::uint64_t at) -> Expected<std::string> {
        auto s = string_at(*table, at);
        if (!s) {
            return bad_elf(file, "a dynamic entry's name outside DT_STRTAB");
        }
        return std::move(*s);
    };
    for (const auto at : e.needed) {
        deps.needed.push_back(KSERIES_TRY(str(at)));
    }
    if (e.rpath) {
        deps.rpath = KSERIES_TRY(str(*e.rpath));
    }
    if (e.runpath) {
        deps.runpath = KSERIES_TRY(str(*e.runpath));
    }
    return deps;
}

// A path inside `root`, symbolic links followed the way the VM would follow
// them: a link's target, absolute or relative, is taken inside `root`.
// Returns the resolved path relative to root ("usr/lib/x/libc.so.6"), an
// empty optional when a part does not exist, Unsafe when ".." or a link
// would leave root.
Expected<std::optional<std::string>> resolve_in_root(const fs::path& root, std::string_view path) {
    constexpr int max_links = 40; // the kernel's own limit (MAXSYMLINKS)
    std::deque<std::string> pending;
    const auto push_front_parts = [&](std::string_view p) {
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (start <= p.size()) {
            const auto end = std::min(p.find('/', start), p.size());
            if (end > start) {
                parts.emplace_back(p.substr(start, end - start));
            }
            start = end + 1;
        }
        pending.insert(pending.begin(), parts.begin(), parts.end());
    };
    push_front_parts(path);
    std::vector<std::string> done;
    int links = 0;
    const auto joined = [&] {
        std::string s;
        for (const auto& part : done) {
            s += s.empty() ? part : "/" + part;
        }
        return s;
    };
    while (!pending.empty()) {
        std::string part = std::move(pending.front());
        pending.pop_front();
        if (part == ".") {
            continue;
        }
        if (part == "..") {
            if (done.empty()) {
                return fail(ErrorKind::Unsafe,
                            fmt::format("{}: \"..\" leads out of {}", path, root.string()));
            }
            done.pop_back();
            continue;
        }
        done.push_back(std::move(part));
        const auto host = root / joined();
        struct stat st {};
        if (::lstat(host.c_str(), &st) != 0) {
            if (errno == ENOENT || errno == ENOTDIR) {
                return std::optional<std::string>{};
            }
            return fail(ErrorKind::Io, fmt::format("{}: {}", host.string(),
                                                   std::generic_category().message(errno)));
        }
        if (!S_ISLNK(st.st_mode)) {
            continue;
        }
        if (++links > max_links) {
            return fail(ErrorKind::Unsafe, fmt::format("{}: too many symbolic links", path));
        }
        std::error_code ec;
        const auto target = fs::read_symlink(host, ec).string();
        if (ec) {
            return fail(ErrorKind::Io, fmt::format("{}: {}", host.string(), ec.message()));
        }
        done.pop_back();
        if (target.starts_with('/')) {
            // An absolute target means the VM's "/", which is root: leaving
            // root would then be a ".." above it, refused above.
            done.clear();
        }
        push_front_parts(target);
    }
    return joined();
}

struct Found {
    std::string image_path; // "/lib/x86_64-linux-gnu/libc.so.6"
    std::string resolved;   // relative to root, links followed
};

Expected<std::optional<Found>> find_in_root(const fs::path& root, const std::string& image_path) {
    auto resolved = KSERIES_TRY(resolve_in_root(root, image_path));
    if (!resolved) {
        return std::optional<Found>{};
    }
    struct stat st {};
    const auto host = root / *resolved;
    if (::stat(host.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return std::optional<Found>{};
    }
    // The place the loader looked, as a plain path the image can hold:
    // "$ORIGIN/../lib" gives "/opt/app/bin/../lib/x", in the image "/opt/app/lib/x".
    return Found{fs::path(image_path).lexically_normal().string(), std::move(*resolved)};
}

// "$ORIGIN/../lib:/opt/x" with $ORIGIN as `origin`; ${ORIGIN} too.
Expected<std::vector<std::string>> search_list(const fs::path& file, const std::string& list,
                                               const std::string& origin) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto end = std::min(list.find(':', start), list.size());
        std::string dir = list.substr(start, end - start);
        start = end + 1;
        if (origin.empty() && dir.find("ORIGIN") != std::string::npos) {
            return bad_elf(
                file, fmt::format("$ORIGIN in \"{}\", but the file is not under the root", list));
        }
        for (const std::string_view token : {"${ORIGIN}", "$ORIGIN"}) {
            for (auto at = dir.find(token); at != std::string::npos; at = dir.find(token)) {
                dir.replace(at, token.size(), origin);
            }
        }
        if (dir.find('$') != std::string::npos) {
            return bad_elf(file, fmt::format("unsupported search path \"{}\"", list));
        }
        if (!dir.empty()) {
            out.push_back(std::move(dir));
        }
    }
    return out;
}

constexpr std::string_view default_dirs[] = {"/lib/x86_64-linux-gnu",
                                             "/usr/lib/x86_64-linux-gnu",
                                             "/lib64",
                                             "/usr/lib64",
                                             "/lib",
                                             "/usr/lib"};

std::string dirname_of(std::string_view image_path) {
    const auto slash = image_path.rfind('/');
    return slash == 0 || slash == std::string_view::npos ? "/"
                                                         : std::string(image_path.substr(0, slash));
}

Expected<Found> find_library(const fs::path& root, const fs::path& program, const fs::path& object,
                             const std::string& object_image_path, const ElfDeps& deps,
                             const std::string& name) {
    if (name.find('/') != std::string::npos) {
        if (!name.starts_with('/')) {
            return bad_elf(object, fmt::format("relative library path \"{}\"", name));
        }
        auto found = KSERIES_TRY(find_in_root(root, name));
        if (found) {
            return std::move(*found);
        }
    } else {
        const auto origin = object_image_path.empty() ? "" : dirname_of(object_image_path);
        std::vector<std::string> dirs;
        if (deps.rpath && !deps.runpath) {
            dirs = KSERIES_TRY(search_list(object, *deps.rpath, origin));
        }
        if (deps.runpath) {
            auto more = KSERIES_TRY(search_list(object, *deps.runpath, origin));
            dirs.insert(dirs.end(), more.begin(), more.end());
        }
        dirs.insert(dirs.end(), std::begin(default_dirs), std::end(default_dirs));
        for (const auto& dir : dirs) {
            auto found = KSERIES_TRY(find_in_root(root, dir + "/" + name));
            if (found) {
                return std::move(*found);
            }
        }
    }
    return fail(ErrorKind::NotFound,
                fmt::format("{}: library {} (needed by {}) not found under {}", program.string(),
                            name, object.string(), root.string()));
}

// The program's own path as the VM sees it, for its $ORIGIN: only a
// program under `root` has one ("" otherwise, and a $ORIGIN in its search
// paths is then refused).
std::string image_path_of(const fs::path& program, const fs::path& root) {
    const auto rel = program.lexically_normal().lexically_relative(root.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") {
        return {};
    }
    return "/" + rel.string();
}

} // namespace

Expected<std::vector<ImageFile>> shared_library_closure(const fs::path& program,
                                                        const fs::path& root) {
    const auto bytes = KSERIES_TRY(read_regular_file(program));
    const auto deps = KSERIES_TRY(dynamic_deps(program, bytes));
    if (!deps.interp) {
        return std::vector<ImageFile>{};
    }
    std::vector<ImageFile> out;
    std::set<std::string> seen; // resolved paths: one file, one entry
    struct Pending {
        fs::path host;
        std::string image_path;
    };
    std::deque<Pending> queue;
    const auto interp = KSERIES_TRY(find_in_root(root, *deps.interp));
    if (!interp) {
        return fail(ErrorKind::NotFound,
                    fmt::format("{}: its loader {} not found under {}", program.string(),
                                *deps.interp, root.string()));
    }
    seen.insert(interp->resolved);
    out.push_back({interp->image_path, root / interp->resolved});
    queue.push_back({root / interp->resolved, interp->image_path});

    const auto add_needs = [&](const fs::path& object, const std::string& object_image_path,
                               const ElfDeps& d) -> Expected<void> {
        for (const auto& name : d.needed) {
            auto found =
                KSERIES_TRY(find_library(root, program, object, object_image_path, d, name));
            if (seen.insert(found.resolved).second) {
                out.push_back({found.image_path, root / found.resolved});
                queue.push_back({root / found.resolved, found.image_path});
            }
        }
        return {};
    };
    KSERIES_TRY(add_needs(program, image_path_of(program, root), deps));
    while (!queue.empty()) {
        const auto next = std::move(queue.front());
        queue.pop_front();
        const auto lib_bytes = KSERIES_TRY(read_regular_file(next.host));
        const auto lib_deps = KSERIES_TRY(dynamic_deps(next.host, lib_bytes));
        KSERIES_TRY(add_needs(next.host, next.image_path, lib_deps));
    }
    return out;
}

Expected<bool> is_static_executable(const fs::path& program) {
    const auto bytes = KSERIES_TRY(read_regular_file(program));
    const auto eh = KSERIES_TRY(x86_64_header(program, bytes));
    const auto phdrs = KSERIES_TRY(program_headers(program, bytes, eh));
    for (const auto& ph : phdrs) {
        if (ph.p_type == PT_INTERP) {
            return false;
        }
    }
    return true;
}

} // namespace kseries::boot
