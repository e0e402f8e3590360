#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include <kseries/series/scenario.hpp>
#include <kseries/series/series_file.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/toml.hpp>

namespace kseries::series {

namespace fs = std::filesystem;
using toml_read::where;

namespace {

constexpr std::string_view scenarios_dir = "scenarios";
constexpr std::string_view scenario_file = "scenario.toml";
// STORE/scenarios/lib: the shell files scenarios share (`uses`); the one
// entry of scenarios/ that is not a scenario.
constexpr std::string_view lib_dir = "lib";
constexpr std::string_view symptom_marker = "KSERIES-SYMPTOM:";
constexpr std::string_view evidence_marker = "KSERIES-EVIDENCE:";
constexpr std::size_t max_name = 64;
constexpr std::size_t tail_lines = 20;

// Names end up in an initramfs and on the VM's command line: only what a
// module, program or file name needs, so nothing can be read as a shell
// word, an option or a path that leaves its directory.
bool safe_name(std::string_view s, std::string_view extra) {
    return !s.empty() && s.size() <= max_name && s.front() != '-' && s.front() != '.' &&
           std::all_of(s.begin(), s.end(), [&](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                      extra.find(c) != std::string_view::npos;
           });
}

// An absolute path of safe names: no "..", ".", empty part or odd byte.
bool safe_absolute(std::string_view s) {
    if (s.size() < 2 || s.front() != '/' || s.back() == '/' || s.size() > 4096) {
        return false;
    }
    std::size_t start = 1;
    while (start <= s.size()) {
        std::size_t end = s.find('/', start);
        if (end == std::string_view::npos) {
            end = s.size();
        }
        if (!safe_name(s.substr(start, end - start), "._+-")) {
            return false;
        }
        start = end + 1;
    }
    return true;
}

Expected<std::uint32_t> bounded_at(const std::string& file, const toml::table& t,
                                   std::string_view key, std::uint32_t fallback, std::uint32_t low,
                                   std::uint32_t high) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return fallback;
    }
    const auto* i = n->as_integer();
    if (i == nullptr || i->get() < low || i->get() > high) {
        return fail(ErrorKind::Parse,
                    fmt::format("'{}' must be a whole number from {} to {}", key, low, high),
                    where(file, *n));
    }
    return static_cast<std::uint32_t>(i->get());
}

// The checked list at `key`: each entry passes `ok`, or the error says `rule`.
Expected<std::vector<std::string>> names_at(const std::string& file, const toml::table& t,
                                            std::string_view key, bool (*ok)(std::string_view),
                                            std::string_view rule) {
    auto list = KSERIES_TRY(toml_read::strings_at(file, t, key));
    for (const auto& s : list) {
        if (!ok(s)) {
            return fail(ErrorKind::Unsafe, fmt::format("{} '{}': {}", key, s, rule),
                        where(file, *t.get(key)));
        }
    }
    return list;
}

bool module_ok(std::string_view s) {
    return safe_name(s, "_-");
}
bool tool_ok(std::string_view s) {
    return safe_name(s, "._+-") || safe_absolute(s);
}
bool file_ok(std::string_view s) {
    return safe_absolute(s);
}
bool lib_name_ok(std::string_view s) {
    return safe_name(s, "._+-");
}
bool patch_ok(std::string_view s) {
    return safe_name(s, "._+-") && s.size() <= 255;
}

// Every patch name the store knows: carried, dropped or skipped by a version.
Expected<std::vector<std::string>> store_patches(const fs::path& store_dir) {
    auto store = KSERIES_TRY(Store::open(store_dir));
    std::vector<std::string> out;
    for (const auto& v : store.versions()) {
        for (const auto& p : KSERIES_TRY(load_series(v.dir)).patches) {
            out.push_back(p.entry.patch);
        }
        for (const auto* list : {&v.dropped, &v.skipped}) {
            for (const auto& d : *list) {
                out.push_back(d.name);
            }
        }
    }
    return out;
}

Expected<Scenario> read_scenario(const fs::path& dir, const std::vector<std::string>& known) {
    Scenario s;
    s.dir = dir;
    s.name = dir.filename().string();
    const fs::path meta = dir / scenario_file;
    const std::string file = meta.string();
    s.location = {file, 0};
    std::error_code ec;
    const auto st = fs::symlink_status(meta, ec);
    if (!fs::exists(st)) {
        return fail(ErrorKind::NotFound, "a scenario directory without scenario.toml", {file, 0});
    }
    if (fs::is_symlink(st)) {
        return fail(ErrorKind::Unsafe, "a symbolic link; refusing to follow it", {file, 0});
    }
    auto doc = KSERIES_TRY(toml_read::parse_file(meta, "scenario file"));
    KSERIES_TRY(toml_read::known_keys(file, doc,
                                      {"name", "summary", "proves", "modules", "tools", "files",
                                       "memory_mib", "timeout_seconds", "script", "uses"},
                                      "a scenario file"));
    const auto name = KSERIES_TRY(toml_read::string_at(file, doc, "name"));
    if (!name.empty() && name != s.name) {
        return fail(ErrorKind::Parse,
                    fmt::format("'name' says \"{}\" but the directory is {}", name, s.name),
                    where(file, *doc.get("name")));
    }
    s.summary = KSERIES_TRY(toml_read::string_at(file, doc, "summary"));
    s.proves = KSERIES_TRY(names_at(file, doc, "proves", patch_ok, "not a patch file name"));
    if (s.proves.empty()) {
        return fail(ErrorKind::Parse, "a scenario needs 'proves': the patch it proves", {file, 0});
    }
    for (const auto& p : s.proves) {
        if (std::find(known.begin(), known.end(), p) == known.end()) {
            return fail(
                ErrorKind::Parse,
                fmt::format("proves '{}': no version of the store carries or records it", p),
                where(file, *doc.get("proves")));
        }
    }
    s.modules = KSERIES_TRY(
        names_at(file, doc, "modules", module_ok, "a module name is letters, digits, '_' and '-'"));
    s.tools = KSERIES_TRY(
        names_at(file, doc, "tools", tool_ok, "a program is a bare name or an absolute path"));
    s.files = KSERIES_TRY(
        names_at(file, doc, "files", file_ok, "a file is an absolute path without '..'"));
    s.memory_mib = KSERIES_TRY(bounded_at(file, doc, "memory_mib", 1024, 128, 16384));
    s.timeout_seconds = KSERIES_TRY(bounded_at(file, doc, "timeout_seconds", 300, 1, 3600));
    s.script_name = KSERIES_TRY(toml_read::string_at(file, doc, "script"));
    if (s.script_name.empty()) {
        s.script_name = "run.sh";
    } else if (!safe_name(s.script_name, "._+-")) {
        return fail(
            ErrorKind::Unsafe,
            fmt::format("script '{}': a file name in the scenario's directory", s.script_name),
            where(file, *doc.get("script")));
    }
    auto script = read_regular_file(dir / s.script_name, Follow::No);
    if (!script) {
        return std::unexpected(
            script.error().with_context(fmt::format("{}: script {}", file, s.script_name)));
    }
    s.script = std::move(*script);
    const auto uses = KSERIES_TRY(
        names_at(file, doc, "uses", lib_name_ok, "a file name in the store's scenarios/lib/"));
    for (const auto& u : uses) {
        if (std::any_of(s.uses.begin(), s.uses.end(),
                        [&](const auto& l) { return l.first == u; })) {
            return fail(ErrorKind::Parse, fmt::format("uses '{}' twice", u),
                        where(file, *doc.get("uses")));
        }
        auto bytes = read_regular_file(dir.parent_path() / lib_dir / u, Follow::No);
        if (!bytes) {
            return std::unexpected(bytes.error().with_context(
                fmt::format("{}:{}: uses {}", file, where(file, *doc.get("uses")).line, u)));
        }
        s.uses.emplace_back(u, std::move(*bytes));
    }
    return s;
}

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
        s.remove_suffix(1);
    }
    return s;
}

// What follows position `at`, without the blanks around it.
std::string_view words_after(std::string_view s, std::size_t at) {
    s.remove_prefix(std::min(at, s.size()));
    s.remove_prefix(std::min(s.find_first_not_of(' '), s.size()));
    return trim_right(s);
}

// Where a line's text starts after the terminal escapes a console puts
// before the first output (qemu's "\x1bc\x1b[?7l\x1b[2J").
std::size_t after_escapes(std::string_view line) {
    std::size_t i = 0;
    while (i + 1 < line.size() && line[i] == '\x1b') {
        if (line[i + 1] != '[') {
            i += 2;
            continue;
        }
        i += 2;
        while (i < line.size() && (line[i] < '@' || line[i] > '~')) {
            ++i;
        }
        ++i;
    }
    return std::min(i, line.size());
}

// Where `marker` starts on a console line: at its start, right after the
// console's escapes (SeaBIOS's "Booting from ROM.." can stay in front of
// them, without a line break, when the first output comes), or anywhere on
// a line a kernel message began (printk output cuts into the script's). A
// shell trace ("+ echo KSERIES-...") is none of these.
std::size_t marker_at(std::string_view line, std::string_view marker) {
    for (std::size_t from : {std::size_t{0}, std::min(line.find('\x1b'), line.size())}) {
        const std::size_t text = from + after_escapes(line.substr(from));
        if (line.substr(text).starts_with(marker)) {
            return text;
        }
    }
    return line.starts_with('[') ? line.find(marker) : std::string_view::npos;
}

} // namespace

Expected<std::vector<Scenario>> load_scenarios(const fs::path& store_dir) {
    const fs::path dir = store_dir / scenarios_dir;
    std::error_code ec;
    const auto st = fs::symlink_status(dir, ec);
    if (!fs::exists(st)) {
        return std::vector<Scenario>{};
    }
    if (!fs::is_directory(st)) {
        return fail(ErrorKind::Unsafe, "not a directory (a symbolic link is refused)",
                    {dir.string(), 0});
    }
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string n = entry.path().filename().string();
        if (entry.is_symlink(ec) || !entry.is_directory(ec)) {
            return fail(ErrorKind::Unsafe,
                        n == lib_dir ? "scenarios/lib holds the scenarios' shared files: a "
                                       "directory, not a link or a file"
                                     : "every entry of scenarios/ is a scenario's directory "
                                       "(no links or files)",
                        {entry.path().string(), 0});
        }
        if (n == lib_dir) {
            continue;
        }
        if (!safe_name(n, "._-")) {
            return fail(ErrorKind::Unsafe, "a scenario's name is letters, digits, '.', '_' and '-'",
                        {entry.path().string(), 0});
        }
        dirs.push_back(entry.path());
    }
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot list {}: {}", dir.string(), ec.message()));
    }
    std::sort(dirs.begin(), dirs.end());
    std::vector<Scenario> out;
    if (dirs.empty()) {
        return out;
    }
    const auto known = KSERIES_TRY(store_patches(store_dir));
    for (const auto& d : dirs) {
        out.push_back(KSERIES_TRY(read_scenario(d, known)));
    }
    return out;
}

Expected<std::vector<Proof>> proofs_for(const Version& version,
                                        const std::vector<Scenario>& scenarios) {
    std::vector<std::string> carried;
    for (const auto& p : KSERIES_TRY(load_series(version.dir)).patches) {
        carried.push_back(p.entry.patch);
    }
    const auto has = [](const std::vector<std::string>& names, const std::string& n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    };
    std::vector<Proof> out;
    for (const auto& s : scenarios) {
        std::vector<Proof> found;
        for (const auto& p : s.proves) {
            if (has(carried, p)) {
                found.push_back({&s, p, Expect::Fixed});
            } else if (std::any_of(version.dropped.begin(), version.dropped.end(),
                                   [&](const DroppedPatch& d) { return d.name == p; })) {
                found.push_back({&s, p, Expect::NotReproducible});
            }
        }
        if (found.size() > 1) {
            return fail(ErrorKind::Parse,
                        fmt::format("scenario {} proves both '{}' and '{}' of {}: a version "
                                    "carries one name of a patch",
                                    s.name, found[0].patch, found[1].patch, version.name),
                        s.location);
        }
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

std::vector<ConsolePiece> console_pieces(std::string_view log) {
    std::vector<ConsolePiece> out;
    std::size_t number = 0;
    std::size_t start = 0;
    while (start < log.size()) {
        std::size_t end = log.find('\n', start);
        if (end == std::string_view::npos) {
            end = log.size();
        }
        ++number;
        std::string_view line = log.substr(start, end - start);
        start = end + 1;
        // A serial console ends lines with "\r\n"; a bare \r inside one
        // (a program redrawing its line) starts a new piece of output.
        while (!line.empty()) {
            const std::size_t cr = std::min(line.find('\r'), line.size());
            const std::string_view piece = trim_right(line.substr(0, cr));
            line.remove_prefix(std::min(cr + 1, line.size()));
            if (!piece.empty()) {
                out.push_back({piece, number});
            }
        }
    }
    return out;
}

std::optional<std::string_view> console_marker(std::string_view piece, std::string_view marker) {
    const std::size_t at = marker_at(piece, marker);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    return words_after(piece, at + marker.size());
}

Expected<SymptomReport> parse_serial_log(std::string_view log, const Scenario& scenario) {
    SymptomReport report;
    const auto pieces = console_pieces(log);
    std::size_t verdict_line = 0;
    for (const auto& [piece, number] : pieces) {
        if (const auto evidence = console_marker(piece, evidence_marker)) {
            report.evidence.emplace_back(*evidence);
            continue;
        }
        const auto rest = console_marker(piece, symptom_marker);
        if (!rest) {
            continue;
        }
        const std::string_view word = rest->substr(0, rest->find(' '));
        const Location here{"serial log of scenario " + scenario.name, number};
        if (word != "yes" && word != "no") {
            return fail(ErrorKind::Parse,
                        fmt::format("KSERIES-SYMPTOM must say yes or no, not \"{}\"", word), here);
        }
        if (verdict_line != 0) {
            return fail(ErrorKind::Parse,
                        fmt::format("a second KSERIES-SYMPTOM line (the first is line {}): "
                                    "a scenario gives one verdict",
                                    verdict_line),
                        here);
        }
        verdict_line = number;
        report.symptom = word == "yes" ? Symptom::Yes : Symptom::No;
        report.detail = std::string(words_after(*rest, word.size()));
    }
    if (report.symptom == Symptom::NoVerdict) {
        const std::size_t from = pieces.size() > tail_lines ? pieces.size() - tail_lines : 0;
        report.evidence.clear();
        for (std::size_t i = from; i < pieces.size(); ++i) {
            report.evidence.emplace_back(pieces[i].text);
        }
    }
    return report;
}

} // namespace kseries::series
