#include <algorithm>
#include <archive.h>
#include <cstring>
#include <elf.h>
#include <map>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include <kseries/boot/elf_read.hpp>
#include <kseries/boot/kernel_modules.hpp>
#include <kseries/util/file.hpp>

namespace kseries::boot {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view module_suffixes[] = {".ko.xz", ".ko.zst", ".ko.gz", ".ko"};

// "kernel/fs/nfs/nfs_acl.ko.xz" -> "nfs_acl": the kernel's name for a module
// file ('-' and '_' are the same to it, so both are read as '_').
std::optional<std::string> module_name(std::string_view path) {
    const auto slash = path.rfind('/');
    std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    for (const auto suffix : module_suffixes) {
        if (base.size() > suffix.size() && base.ends_with(suffix)) {
            base.remove_suffix(suffix.size());
            std::string name(base);
            std::replace(name.begin(), name.end(), '-', '_');
            return name;
        }
    }
    return std::nullopt;
}

struct DepLine {
    std::string path;              // relative to the modules directory
    std::vector<std::string> deps; // module names, as modules.dep lists them
    std::size_t line = 0;
};

std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
            ++i;
        }
        const auto start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') {
            ++i;
        }
        if (i > start) {
            out.emplace_back(s.substr(start, i - start));
        }
    }
    return out;
}

// A module path as modules.dep writes it: relative, plain parts only. A
// ".." or an absolute path would name a file outside the directory.
Expected<void> check_module_path(const std::string& dep_file, std::size_t line,
                                 std::string_view path) {
    bool plain = !path.empty() && !path.starts_with('/');
    for (std::size_t start = 0; plain && start <= path.size();) {
        const auto end = std::min(path.find('/', start), path.size());
        const auto part = path.substr(start, end - start);
        plain = !part.empty() && part != "." && part != "..";
        start = end + 1;
    }
    if (!plain) {
        return fail(
            ErrorKind::Unsafe,
            fmt::format("module path \"{}\" is not a plain path inside the directory", path),
            {dep_file, line});
    }
    return {};
}

// modules.dep by module name.
Expected<std::map<std::string, DepLine>> parse_modules_dep(const fs::path& file,
                                                           std::string_view text) {
    const auto label = file.string();
    std::map<std::string, DepLine> out;
    std::size_t number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find('\n', start), text.size());
        const auto line = text.substr(start, end - start);
        start = end + 1;
        ++number;
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            continue;
        }
        const auto colon = line.find(':');
        const auto head = split_words(line.substr(0, colon));
        if (colon == std::string_view::npos || head.size() != 1) {
            return fail(ErrorKind::Parse, "expected \"MODULE: DEPENDENCY ...\"", {label, number});
        }
        DepLine entry{head.front(), {}, number};
        const auto name = module_name(entry.path);
        if (!name) {
            return fail(ErrorKind::Parse, fmt::format("{} is not a module file name", entry.path),
                        {label, number});
        }
        KSERIES_TRY(check_module_path(label, number, entry.path));
        for (const auto& dep : split_words(line.substr(colon + 1))) {
            const auto dep_name = module_name(dep);
            if (!dep_name) {
                return fail(ErrorKind::Parse, fmt::format("{} is not a module file name", dep),
                            {label, number});
            }
            KSERIES_TRY(check_module_path(label, number, dep));
            entry.deps.push_back(*dep_name);
        }
        if (!out.emplace(*name, std::move(entry)).second) {
            return fail(ErrorKind::Parse, fmt::format("module {} has a second line", *name),
                        {label, number});
        }
    }
    return out;
}

// The file, checked to be a regular file that stays inside the directory
// when every link on its way is followed.
Expected<fs::path> module_file(const fs::path& modules_dir, const fs::path& canonical_dir,
                               const DepLine& entry, const std::string& dep_file) {
    const auto file = modules_dir / entry.path;
    std::error_code ec;
    const auto real = fs::canonical(file, ec);
    if (ec) {
        return fail(ErrorKind::NotFound, fmt::format("{}: {}", file.string(), ec.message()),
                    {dep_file, entry.line});
    }
    const auto rel = real.lexically_relative(canonical_dir);
    if (rel.empty() || *rel.begin() == "..") {
        return fail(ErrorKind::Unsafe,
                    fmt::format("{} leads out of {} (to {})", file.string(), modules_dir.string(),
                                real.string()),
                    {dep_file, entry.line});
    }
    if (!fs::is_regular_file(real, ec)) {
        return fail(ErrorKind::Unsafe, fmt::format("{} is not a regular file", file.string()),
                    {dep_file, entry.line});
    }
    return file;
}

class LoadOrder {
public:
    LoadOrder(const fs::path& modules_dir, fs::path canonical_dir, std::string dep_file,
              const std::map<std::string, DepLine>& lines)
        : m_dir(modules_dir), m_canonical(std::move(canonical_dir)),
          m_dep_file(std::move(dep_file)), m_lines(lines) {}

    // Post-order: a module after everything it depends on. modules.dep
    // lists a module's dependencies with the nearest first; modprobe loads
    // them from the end of the list, and so do we.
    Expected<void> visit(const std::string& name, std::size_t from_line) {
        const auto state = m_state.find(name);
        if (state != m_state.end()) {
            if (!state->second) {
                return fail(ErrorKind::Parse,
                            fmt::format("dependency cycle through module {}", name),
                            {m_dep_file, from_line});
            }
            return {};
        }
        const auto it = m_lines.find(name);
        if (it == m_lines.end()) {
            return fail(ErrorKind::Parse, fmt::format("module {} has no line of its own", name),
                        {m_dep_file, from_line});
        }
        m_state[name] = false;
        for (auto dep = it->second.deps.rbegin(); dep != it->second.deps.rend(); ++dep) {
            KSERIES_TRY(visit(*dep, it->second.line));
        }
        m_state[name] = true;
        m_order.push_back(
            {name, KSERIES_TRY(module_file(m_dir, m_canonical, it->second, m_dep_file))});
        return {};
    }

    std::vector<ModuleFile> take() { return std::move(m_order); }

private:
    const fs::path& m_dir;
    fs::path m_canonical;
    std::string m_dep_file;
    const std::map<std::string, DepLine>& m_lines;
    std::map<std::string, bool> m_state; // false while its dependencies are walked
    std::vector<ModuleFile> m_order;
};

} // namespace

Expected<std::vector<ModuleFile>> module_load_order(const fs::path& modules_dir,
                                                    const std::vector<std::string>& wanted) {
    const auto dep_path = modules_dir / "modules.dep";
    const auto text = KSERIES_TRY(read_regular_file(dep_path));
    const auto lines = KSERIES_TRY(parse_modules_dep(dep_path, text));
    std::error_code ec;
    auto canonical_dir = fs::canonical(modules_dir, ec);
    if (ec) {
        return fail(ErrorKind::NotFound, fmt::format("{}: {}", modules_dir.string(), ec.message()));
    }
    LoadOrder order(modules_dir, std::move(canonical_dir), dep_path.string(), lines);
    for (const auto& want : wanted) {
        std::string name = want;
        std::replace(name.begin(), name.end(), '-', '_');
        if (!lines.contains(name)) {
            return fail(ErrorKind::NotFound,
                        fmt::format("{}: no module {}", dep_path.string(), want));
        }
        KSERIES_TRY(order.visit(name, 0));
    }
    return order.take();
}

namespace {

struct ArchiveFree {
    void operator()(archive* a) const { archive_read_free(a); }
};

Expected<std::string> decompress(const fs::path& file, std::size_t max_bytes) {
    const auto label = file.string();
    auto fd = KSERIES_TRY(open_regular_file(file));
    std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_raw(a.get());
    const auto broken = [&](std::string_view what) {
        const char* why = archive_error_string(a.get());
        return fail(ErrorKind::Usage, fmt::format("{}: {}: {}", label, what,
                                                  why != nullptr ? why : "not compressed data"));
    };
    archive_entry* entry = nullptr;
    if (archive_read_open_fd(a.get(), fd.get(), 1 << 16) != ARCHIVE_OK ||
        archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) {
        return broken("does not decompress");
    }
    // The raw format passes plain bytes through: a ".ko.xz" that is not
    // compressed at all is as broken as a truncated one.
    if (archive_filter_code(a.get(), 0) == ARCHIVE_FILTER_NONE) {
        return broken("is not compressed");
    }
    std::string out;
    char buf[1 << 16];
    for (;;) {
        const la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
        if (n < 0) {
            return broken("does not decompress");
        }
        if (n == 0) {
            break;
        }
        if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
            return fail(ErrorKind::Usage,
                        fmt::format("{}: decompresses to more than {} bytes", label, max_bytes));
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

} // namespace

Expected<std::string> read_module(const fs::path& file, std::size_t max_bytes) {
    const auto name = file.filename().string();
    if (name.ends_with(".ko")) {
        auto bytes = KSERIES_TRY(read_regular_file(file));
        if (bytes.size() > max_bytes) {
            return fail(ErrorKind::Usage,
                        fmt::format("{}: more than {} bytes", file.string(), max_bytes));
        }
        return bytes;
    }
    if (name.ends_with(".ko.xz") || name.ends_with(".ko.zst") || name.ends_with(".ko.gz")) {
        return decompress(file, max_bytes);
    }
    return fail(ErrorKind::Usage,
                fmt::format("{}: not a .ko, .ko.xz, .ko.zst or .ko.gz file", file.string()));
}

namespace {

using detail::read_at;

std::optional<std::string_view> section_bytes(std::string_view ko, const Elf64_Shdr& sh) {
    if (sh.sh_type == SHT_NOBITS || sh.sh_offset > ko.size() ||
        ko.size() - sh.sh_offset < sh.sh_size) {
        return std::nullopt;
    }
    return ko.substr(sh.sh_offset, sh.sh_size);
}

} // namespace

Expected<std::string> module_info(std::string_view ko, std::string_view field) {
    const auto bad = [](std::string_view why) {
        return fail(ErrorKind::Usage, fmt::format("not a kernel module: {}", why));
    };
    if (ko.size() < SELFMAG || std::memcmp(ko.data(), ELFMAG, SELFMAG) != 0) {
        return bad("no ELF magic");
    }
    const auto eh = read_at<Elf64_Ehdr>(ko, 0);
    if (!eh || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_type != ET_REL || eh->e_shentsize != sizeof(Elf64_Shdr)) {
        return bad("not a 64-bit little-endian ELF relocatable file");
    }
    const auto header = [&](std::uint64_t i) {
        return i < eh->e_shnum ? read_at<Elf64_Shdr>(ko, eh->e_shoff + i * sizeof(Elf64_Shdr))
                               : std::nullopt;
    };
    const auto shstr_header = header(eh->e_shstrndx);
    const auto shstrtab = shstr_header ? section_bytes(ko, *shstr_header) : std::nullopt;
    if (!shstrtab) {
        return bad("no section name table");
    }
    for (std::uint64_t i = 0; i < eh->e_shnum; ++i) {
        const auto sh = header(i);
        if (!sh) {
            return bad("section headers past the end of the file");
        }
        if (sh->sh_name >= shstrtab->size()) {
            continue;
        }
        const auto rest = shstrtab->substr(sh->sh_name);
        if (rest.substr(0, rest.find('\0')) != ".modinfo") {
            continue;
        }
        const auto info = section_bytes(ko, *sh);
        if (!info) {
            return bad(".modinfo past the end of the file");
        }
        // NUL-separated "key=value" entries, with NUL padding between some.
        for (std::size_t start = 0; start < info->size();) {
            const auto end = std::min(info->find('\0', start), info->size());
            const auto entry = info->substr(start, end - start);
            start = end + 1;
            if (entry.size() > field.size() && entry.starts_with(field) &&
                entry[field.size()] == '=') {
                return std::string(entry.substr(field.size() + 1));
            }
        }
        return std::string();
    }
    return bad("no .modinfo section");
}

} // namespace kseries::boot
