#include <algorithm>
#include <cctype>
#include <fnmatch.h>

#include <fmt/format.h>

#include <kseries/patch/names.hpp>
#include <kseries/series/store.hpp>
#include <kseries/util/toml.hpp>

namespace kseries::series {

namespace fs = std::filesystem;
using toml_read::where;

namespace {

constexpr std::string_view index_file = "index.toml";
constexpr std::string_view version_file = "version.toml";

// A release bound: a full release ("4.18.0-240.el8") or a bare version
// ("4.18.0", below every 4.18.0-<release>).
std::optional<kernel::Release> release_bound(std::string_view text) {
    if (auto r = kernel::parse_release(text); r && r->name() == text) {
        return r;
    }
    const bool bare = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.';
    });
    if (bare) {
        return kernel::Release{std::string(text), {}};
    }
    return std::nullopt;
}

Expected<std::optional<kernel::Release>> release_at(const std::string& file, const toml::table& t,
                                                    std::string_view key) {
    auto text = KSERIES_TRY(toml_read::string_at(file, t, key));
    if (text.empty()) {
        return std::optional<kernel::Release>{};
    }
    auto r = release_bound(text);
    if (!r) {
        return fail(ErrorKind::Parse,
                    fmt::format("'{}' must be a kernel release like \"4.18.0-240.el8\" or a "
                                "version like \"4.18.0\", not \"{}\"",
                                key, text),
                    where(file, *t.get(key)));
    }
    return r;
}

Expected<std::optional<DetectRule>> detect_at(const std::string& file, const toml::table& t) {
    auto tables = KSERIES_TRY(toml_read::tables_at(file, t, "detect"));
    if (tables.empty()) {
        return std::optional<DetectRule>{};
    }
    DetectRule rule;
    rule.location = where(file, *t.get("detect"));
    for (const auto* c : tables) {
        KSERIES_TRY(
            toml_read::known_keys(file, *c, {"file", "contains", "lacks"}, "a detect condition"));
        DetectCondition cond;
        auto path = toml_read::string_at(file, *c, "file");
        auto contains = toml_read::strings_at(file, *c, "contains");
        auto lacks = toml_read::strings_at(file, *c, "lacks");
        if (!path || !contains || !lacks) {
            return std::unexpected(!path       ? path.error()
                                   : !contains ? contains.error()
                                               : lacks.error());
        }
        if (path->empty() || (contains->empty() && lacks->empty())) {
            return fail(ErrorKind::Parse,
                        "a detect condition needs 'file' and 'contains' or 'lacks'",
                        where(file, *c));
        }
        if (const auto why = patch::unsafe_path_reason(*path)) {
            return fail(ErrorKind::Unsafe, fmt::format("detect file '{}': {}", *path, *why),
                        where(file, *c));
        }
        cond.file = patch::normalize_path(*path);
        cond.contains = std::move(*contains);
        cond.lacks = std::move(*lacks);
        rule.all.push_back(std::move(cond));
    }
    return std::optional<DetectRule>{std::move(rule)};
}

// [[dropped]] or [[skipped]]: a parent's patch this version does not carry,
// with the reason and, optionally, the rule that tells a tree has its fix.
Expected<void> read_not_carried(const std::string& file, const toml::table& doc,
                                std::string_view key, std::vector<DroppedPatch>& out) {
    auto tables = KSERIES_TRY(toml_read::tables_at(file, doc, key));
    const std::string what = fmt::format("a [[{}]]", key);
    for (const auto* t : tables) {
        KSERIES_TRY(toml_read::known_keys(file, *t, {"name", "reason", "detect"}, what));
        DroppedPatch d;
        auto name = toml_read::string_at(file, *t, "name");
        auto reason = toml_read::string_at(file, *t, "reason");
        auto detect = detect_at(file, *t);
        if (!name || !reason || !detect) {
            return std::unexpected(!name     ? name.error()
                                   : !reason ? reason.error()
                                             : detect.error());
        }
        if (name->empty() || reason->empty()) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} patch needs its 'name' and the 'reason'", what),
                        where(file, *t));
        }
        d.location = where(file, *t);
        d.name = std::move(*name);
        d.reason = std::move(*reason);
        d.detect = std::move(*detect);
        out.push_back(std::move(d));
    }
    return {};
}

Expected<void> read_patch_records(const std::string& file, const toml::table& doc, Version& v) {
    auto patches = KSERIES_TRY(toml_read::tables_at(file, doc, "patch"));
    for (const auto* t : patches) {
        KSERIES_TRY(toml_read::known_keys(file, *t, {"name", "upstream", "detect"}, "a [[patch]]"));
        PatchRecord rec;
        auto name = toml_read::string_at(file, *t, "name");
        auto upstream = toml_read::string_at(file, *t, "upstream");
        auto detect = detect_at(file, *t);
        if (!name || !upstream || !detect) {
            return std::unexpected(!name       ? name.error()
                                   : !upstream ? upstream.error()
                                               : detect.error());
        }
        if (name->empty()) {
            return fail(ErrorKind::Parse, "a [[patch]] needs the patch's 'name'", where(file, *t));
        }
        rec.location = where(file, *t);
        rec.name = std::move(*name);
        rec.upstream = std::move(*upstream);
        rec.detect = std::move(*detect);
        v.patches.push_back(std::move(rec));
    }
    KSERIES_TRY(read_not_carried(file, doc, "dropped", v.dropped));
    return read_not_carried(file, doc, "skipped", v.skipped);
}

Expected<void> read_base_blobs(const std::string& file, const toml::table& doc, Version& v) {
    const toml::node* n = doc.get("base_blobs");
    if (n == nullptr) {
        return {};
    }
    const auto* t = n->as_table();
    if (t == nullptr) {
        return fail(ErrorKind::Parse, "'base_blobs' must be a table: path = \"<git blob id>\"",
                    where(file, *n));
    }
    for (const auto& [path, id] : *t) {
        const auto* s = id.as_string();
        const bool hex = s != nullptr && s->get().size() == 40 &&
                         std::all_of(s->get().begin(), s->get().end(), [](char c) {
                             return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                         });
        if (!hex) {
            return fail(ErrorKind::Parse,
                        fmt::format("base_blobs: '{}' must be a 40-digit git blob id", path.str()),
                        where(file, id));
        }
        if (const auto why = patch::unsafe_path_reason(path.str())) {
            return fail(ErrorKind::Unsafe, fmt::format("base_blobs: '{}': {}", path.str(), *why),
                        where(file, id));
        }
        v.base_blobs.emplace(patch::normalize_path(path.str()), s->get());
    }
    return {};
}

// The names the version's `series` file lists, for cross-checks.
Expected<std::vector<std::string>> series_names(const Version& v) {
    auto loaded = KSERIES_TRY(load_series(v.dir));
    std::vector<std::string> out;
    for (const auto& p : loaded.patches) {
        out.push_back(p.entry.patch);
    }
    return out;
}

Expected<void> check_records(const Version& v) {
    auto names = KSERIES_TRY(series_names(v));
    const auto listed = [&](const std::string& n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    };
    for (const auto& rec : v.patches) {
        if (!listed(rec.name)) {
            return fail(ErrorKind::Parse,
                        fmt::format("[[patch]] '{}' is not in {}/series", rec.name, v.name),
                        rec.location);
        }
    }
    for (const auto& d : v.dropped) {
        if (listed(d.name)) {
            return fail(ErrorKind::Parse,
                        fmt::format("[[dropped]] '{}' is still in {}/series", d.name, v.name),
                        d.location);
        }
    }
    for (const auto& s : v.skipped) {
        if (listed(s.name)) {
            return fail(ErrorKind::Parse,
                        fmt::format("[[skipped]] '{}' is still in {}/series", s.name, v.name),
                        s.location);
        }
        if (std::any_of(v.dropped.begin(), v.dropped.end(),
                        [&](const DroppedPatch& d) { return d.name == s.name; })) {
            return fail(
                ErrorKind::Parse,
                fmt::format("[[skipped]] '{}' is also [[dropped]]: it is one or the other", s.name),
                s.location);
        }
    }
    return {};
}

} // namespace

std::optional<unsigned long> version_number(std::string_view name) {
    if (name.size() < 2 || name[0] != 'v' || name.size() > 10) {
        return std::nullopt;
    }
    unsigned long n = 0;
    for (const char c : name.substr(1)) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
            return std::nullopt;
        }
        n = n * 10 + static_cast<unsigned long>(c - '0');
    }
    return n == 0 ? std::nullopt : std::optional(n);
}

Expected<std::string> next_free_version(const fs::path& store_dir) {
    unsigned long highest = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(store_dir, ec)) {
        highest = std::max(highest, version_number(entry.path().filename().string()).value_or(0));
    }
    if (ec) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot list {}: {}", store_dir.string(), ec.message()));
    }
    return fmt::format("v{}", highest + 1);
}

Expected<bool> DetectRule::holds(source::SourceTree& tree) const {
    for (const auto& c : all) {
        auto text = KSERIES_TRY(tree.load(c.file));
        if (!text) {
            return false;
        }
        for (const auto& s : c.contains) {
            if (text->find(s) == std::string::npos) {
                return false;
            }
        }
        for (const auto& s : c.lacks) {
            if (text->find(s) != std::string::npos) {
                return false;
            }
        }
    }
    return true;
}

std::vector<std::string> DetectRule::files() const {
    std::vector<std::string> out;
    for (const auto& c : all) {
        out.push_back(c.file);
    }
    return out;
}

const PatchRecord* Version::record(std::string_view patch) const {
    const auto it = std::find_if(patches.begin(), patches.end(),
                                 [&](const PatchRecord& r) { return r.name == patch; });
    return it == patches.end() ? nullptr : &*it;
}

Expected<Version> read_version(const fs::path& dir) {
    Version v;
    v.dir = dir;
    v.name = dir.filename().string();
    const fs::path meta = dir / version_file;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(meta, ec))) {
        return v;
    }
    if (fs::is_symlink(fs::symlink_status(meta, ec))) {
        return fail(ErrorKind::Unsafe, "a symbolic link; refusing to follow it",
                    {meta.string(), 0});
    }
    auto doc = KSERIES_TRY(toml_read::parse_file(meta, "version file"));
    const std::string file = meta.string();
    KSERIES_TRY(toml_read::known_keys(file, doc,
                                      {"version", "parent", "base", "changelog", "created",
                                       "base_blobs", "patch", "dropped", "skipped"},
                                      "a version file"));
    auto name = toml_read::string_at(file, doc, "version");
    auto parent = toml_read::string_at(file, doc, "parent");
    auto changelog = toml_read::string_at(file, doc, "changelog");
    auto created = toml_read::string_at(file, doc, "created");
    auto base = release_at(file, doc, "base");
    if (!name || !parent || !changelog || !created || !base) {
        return std::unexpected(!name        ? name.error()
                               : !parent    ? parent.error()
                               : !changelog ? changelog.error()
                               : !created   ? created.error()
                                            : base.error());
    }
    if (!name->empty() && *name != v.name) {
        return fail(ErrorKind::Parse,
                    fmt::format("'version' says \"{}\" but the directory is {}", *name, v.name),
                    where(file, *doc.get("version")));
    }
    v.parent = std::move(*parent);
    v.changelog = std::move(*changelog);
    v.created = std::move(*created);
    v.base = std::move(*base);
    KSERIES_TRY(read_base_blobs(file, doc, v));
    KSERIES_TRY(read_patch_records(file, doc, v));
    KSERIES_TRY(check_records(v));
    return v;
}

bool MapRule::matches(const kernel::Release& r) const {
    if (from && kernel::compare(r, *from) < 0) {
        return false;
    }
    if (until && kernel::compare(r, *until) >= 0) {
        return false;
    }
    if (patterns.empty()) {
        return true;
    }
    const std::string name = r.name();
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        return ::fnmatch(p.c_str(), name.c_str(), 0) == 0;
    });
}

std::string MapRule::describe() const {
    std::string out;
    if (from) {
        out = from->name() + " <= ";
    }
    out += "r";
    if (until) {
        out += " < " + until->name();
    }
    if (!patterns.empty()) {
        std::string list;
        for (const auto& p : patterns) {
            list += list.empty() ? p : ", " + p;
        }
        out += fmt::format(" matching {}", list);
    }
    return out;
}

bool Store::is_store(const fs::path& dir) {
    // Any index.toml but a link marks a store: one that is a FIFO or a
    // device is then refused by name when Store::open reads it, not taken
    // for a quilt directory.
    std::error_code ec;
    const auto st = fs::symlink_status(dir / index_file, ec);
    return fs::exists(st) && !fs::is_symlink(st) && !fs::is_directory(st);
}

namespace {

const Version* find_in(const std::vector<Version>& versions, std::string_view name) {
    const auto it = std::find_if(versions.begin(), versions.end(),
                                 [&](const Version& v) { return v.name == name; });
    return it == versions.end() ? nullptr : &*it;
}

// Every vN directory is a version, read in numeric order: the order every
// report and the next version's number rely on.
Expected<std::vector<Version>> read_versions(const fs::path& dir) {
    std::vector<std::pair<unsigned long, fs::path>> dirs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const auto n = version_number(entry.path().filename().string());
        if (n && entry.is_directory(ec) && !entry.is_symlink(ec)) {
            dirs.emplace_back(*n, entry.path());
        }
    }
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot list {}: {}", dir.string(), ec.message()));
    }
    std::sort(dirs.begin(), dirs.end());
    std::vector<Version> out;
    for (const auto& [n, path] : dirs) {
        out.push_back(KSERIES_TRY(read_version(path)));
    }
    return out;
}

// A parent must be an earlier version of the same store: the history is a
// chain back in time, never a loop.
Expected<void> check_parents(const std::vector<Version>& versions) {
    for (const auto& v : versions) {
        if (v.parent.empty()) {
            continue;
        }
        const auto* p = find_in(versions, v.parent);
        if (p == nullptr || *version_number(p->name) >= *version_number(v.name)) {
            return fail(ErrorKind::Parse,
                        fmt::format("{}: parent '{}' is not an earlier version of the store",
                                    v.name, v.parent),
                        Location{(v.dir / version_file).string(), 0});
        }
    }
    return {};
}

// One [[map]] rule, naming a version the store holds over a range that is
// not empty: a rule that can never match is a mistake, not a no-op.
Expected<MapRule> read_map_rule(const std::string& file, const toml::table& t,
                                const std::vector<Version>& versions, const fs::path& dir) {
    KSERIES_TRY(
        toml_read::known_keys(file, t, {"version", "from", "until", "releases"}, "a [[map]]"));
    MapRule rule;
    rule.location = where(file, t);
    auto version = toml_read::string_at(file, t, "version");
    auto from = release_at(file, t, "from");
    auto until = release_at(file, t, "until");
    auto patterns = toml_read::strings_at(file, t, "releases");
    if (!version || !from || !until || !patterns) {
        return std::unexpected(!version ? version.error()
                               : !from  ? from.error()
                               : !until ? until.error()
                                        : patterns.error());
    }
    if (find_in(versions, *version) == nullptr) {
        return fail(ErrorKind::Parse,
                    fmt::format("[[map]] names version '{}', which {} does not hold", *version,
                                dir.string()),
                    rule.location);
    }
    if (*from && *until && kernel::compare(**from, **until) >= 0) {
        return fail(ErrorKind::Parse,
                    fmt::format("[[map]] range is empty: from {} until {}", (*from)->name(),
                                (*until)->name()),
                    rule.location);
    }
    rule.version = std::move(*version);
    rule.from = std::move(*from);
    rule.until = std::move(*until);
    rule.patterns = std::move(*patterns);
    return rule;
}

} // namespace

Expected<Store> Store::open(const fs::path& dir) {
    Store store;
    store.m_dir = dir;
    const fs::path index = dir / index_file;
    auto doc = KSERIES_TRY(toml_read::parse_file(index, "series index"));
    const std::string file = index.string();
    KSERIES_TRY(toml_read::known_keys(file, doc, {"name", "summary", "map"}, "a series index"));
    auto name = KSERIES_TRY(toml_read::string_at(file, doc, "name"));
    // Without a name, the directory's ("series/NAME/" and "." included).
    const fs::path abs = fs::absolute(dir).lexically_normal();
    store.m_name = name.empty() ? (abs.has_filename() ? abs : abs.parent_path()).filename().string()
                                : std::move(name);
    store.m_versions = KSERIES_TRY(read_versions(dir));
    KSERIES_TRY(check_parents(store.m_versions));
    for (const auto* t : KSERIES_TRY(toml_read::tables_at(file, doc, "map"))) {
        store.m_mapping.push_back(KSERIES_TRY(read_map_rule(file, *t, store.m_versions, dir)));
    }
    if (store.m_versions.empty()) {
        return fail(ErrorKind::Parse, "the store holds no version directory (v1, v2, ...)",
                    Location{file, 0});
    }
    return store;
}

const Version* Store::find(std::string_view version) const {
    return find_in(m_versions, version);
}

const MapRule* Store::select(const kernel::Release& release) const {
    const auto it = std::find_if(m_mapping.begin(), m_mapping.end(),
                                 [&](const MapRule& r) { return r.matches(release); });
    return it == m_mapping.end() ? nullptr : &*it;
}

} // namespace kseries::series
