#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>
#include <toml++/toml.h>
#include <utility>

#include <fmt/format.h>

#include <kseries/kernel/catalog.hpp>
#include <kseries/util/toml.hpp>

namespace kseries::kernel {

namespace {

using toml_read::where;

const std::set<std::string, std::less<>> entry_keys{
    "name", "minor", "date", "srpm", "url", "sha256", "size", "git_tag", "policy", "unverified"};
const std::set<std::string, std::less<>> file_keys{"lineage", "release"};

// sha256 = "<64 hex digits>", kept in lowercase.
Expected<std::string> sha256_of(const std::string& file, const toml::table& t) {
    auto value = toml_read::string_at(file, t, "sha256");
    if (!value || value->empty()) {
        return value;
    }
    const bool hex = value->size() == 64 && std::all_of(value->begin(), value->end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (!hex) {
        return fail(ErrorKind::Parse, "'sha256' must be 64 hexadecimal digits",
                    where(file, *t.get("sha256")));
    }
    std::transform(value->begin(), value->end(), value->begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    return value;
}

// size = <bytes>, a positive integer.
Expected<std::optional<std::uint64_t>> size_of(const std::string& file, const toml::table& t) {
    const toml::node* n = t.get("size");
    if (n == nullptr) {
        return std::optional<std::uint64_t>{};
    }
    const auto* i = n->as_integer();
    if (i == nullptr || i->get() <= 0) {
        return fail(ErrorKind::Parse, "'size' must be the SRPM's size in bytes, a positive integer",
                    where(file, *n));
    }
    return std::optional<std::uint64_t>{static_cast<std::uint64_t>(i->get())};
}

Expected<CatalogEntry> read_entry(const std::string& file, const std::string& lineage,
                                  const toml::table& t) {
    for (const auto& [key, node] : t) {
        if (!entry_keys.contains(key.str())) {
            return fail(ErrorKind::Parse,
                        fmt::format("unknown key '{}' in a release (known: name, minor, date, "
                                    "srpm, url, sha256, size, git_tag, policy, unverified)",
                                    key.str()),
                        where(file, node));
        }
    }
    CatalogEntry e;
    e.lineage = lineage;
    e.location = where(file, t);
    auto name = KSERIES_TRY(toml_read::string_at(file, t, "name"));
    auto release = parse_release(name);
    if (!release) {
        return fail(ErrorKind::Parse,
                    fmt::format("release needs a 'name' like \"4.18.0-147.el8\"{}",
                                name.empty() ? "" : fmt::format(", not \"{}\"", name)),
                    e.location);
    }
    e.release = std::move(*release);
    for (auto [key, field] : {std::pair{"minor", &e.minor}, std::pair{"date", &e.date},
                              std::pair{"srpm", &e.srpm}, std::pair{"url", &e.url},
                              std::pair{"git_tag", &e.git_tag}}) {
        auto value = KSERIES_TRY(toml_read::string_at(file, t, key));
        *field = std::move(value);
    }
    auto sha256 = KSERIES_TRY(sha256_of(file, t));
    e.sha256 = std::move(sha256);
    auto size = KSERIES_TRY(size_of(file, t));
    e.size = size;
    auto policy = KSERIES_TRY(toml_read::string_at(file, t, "policy"));
    if (!policy.empty()) {
        const Policy* p = find_policy(policy);
        if (p == nullptr) {
            return fail(ErrorKind::Parse,
                        fmt::format("unknown policy '{}' (one of: {})", policy, policy_keys()),
                        where(file, *t.get("policy")));
        }
        e.policy = p->id;
    }
    if (const toml::node* n = t.get("unverified")) {
        const auto* list = n->as_array();
        if (list == nullptr) {
            return fail(ErrorKind::Parse, "'unverified' must be a list of key names",
                        where(file, *n));
        }
        for (const auto& item : *list) {
            const auto* s = item.as_string();
            if (s == nullptr || !entry_keys.contains(s->get())) {
                return fail(ErrorKind::Parse,
                            "'unverified' may only name keys of the release, e.g. [\"policy\"]",
                            where(file, item));
            }
            e.unverified.push_back(s->get());
        }
    }
    return e;
}

Expected<void> read_file(const std::filesystem::path& path, std::vector<CatalogEntry>& out) {
    auto parsed = KSERIES_TRY(toml_read::parse_file(path, "catalog file"));
    const toml::table& doc = parsed;
    const std::string file = path.string();
    for (const auto& [key, node] : doc) {
        if (!file_keys.contains(key.str())) {
            return fail(ErrorKind::Parse,
                        fmt::format("unknown key '{}' (a catalog file has 'lineage' and "
                                    "[[release]] tables)",
                                    key.str()),
                        where(file, node));
        }
    }
    auto lineage = KSERIES_TRY(toml_read::string_at(file, doc, "lineage"));
    const toml::node* releases = doc.get("release");
    if (releases == nullptr) {
        return {};
    }
    const auto* list = releases->as_array();
    if (list == nullptr) {
        return fail(ErrorKind::Parse, "'release' must be an array of tables: [[release]]",
                    where(file, *releases));
    }
    for (const auto& item : *list) {
        const auto* t = item.as_table();
        if (t == nullptr) {
            return fail(ErrorKind::Parse, "each release must be a table", where(file, item));
        }
        auto entry = KSERIES_TRY(read_entry(file, lineage, *t));
        out.push_back(std::move(entry));
    }
    return {};
}

} // namespace

bool CatalogEntry::verified(std::string_view key) const {
    return std::find(unverified.begin(), unverified.end(), key) == unverified.end();
}

Expected<Catalog> Catalog::load(const std::vector<std::filesystem::path>& paths) {
    Catalog catalog;
    for (const auto& path : paths) {
        std::vector<std::filesystem::path> files;
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
                if (entry.path().extension() == ".toml") {
                    files.push_back(entry.path());
                }
            }
            std::sort(files.begin(), files.end());
        } else {
            files.push_back(path);
        }
        for (const auto& f : files) {
            KSERIES_TRY(read_file(f, catalog.m_entries));
        }
    }
    std::stable_sort(catalog.m_entries.begin(), catalog.m_entries.end(),
                     [](const auto& a, const auto& b) { return compare(a.release, b.release) < 0; });
    for (std::size_t i = 1; i < catalog.m_entries.size(); ++i) {
        const auto& a = catalog.m_entries[i - 1];
        const auto& b = catalog.m_entries[i];
        if (a.release == b.release) {
            return fail(ErrorKind::Parse,
                        fmt::format("release {} is already listed at {}:{}", b.release.name(),
                                    a.location.file, a.location.line),
                        b.location);
        }
    }
    return catalog;
}

const CatalogEntry* Catalog::find(const Release& release) const {
    for (const auto& e : m_entries) {
        if (e.release == release) {
            return &e;
        }
    }
    return nullptr;
}

const CatalogEntry* Catalog::policy_source(const Release& release) const {
    if (const auto* e = find(release); e != nullptr && e->policy) {
        return e;
    }
    const int major = release.rhel_major();
    const CatalogEntry* nearest = nullptr;
    for (const auto& e : m_entries) {
        if (!e.policy || e.release.rhel_major() != major || major == 0) {
            continue;
        }
        if (e.release.version == release.version && e.release.build() == release.build()) {
            return &e; // the GA release of the same minor
        }
        if (compare(e.release, release) <= 0) {
            nearest = &e;
        }
    }
    return nearest;
}

namespace {

// "553.16.1" and "8" of "553.16.1.el8_10"; nullopt without an ".elN" part.
std::optional<std::pair<std::string_view, std::string_view>> build_and_major(std::string_view r) {
    for (auto at = r.rfind(".el"); at != std::string_view::npos && at > 0;
         at = r.rfind(".el", at - 1)) {
        const std::string_view rest = r.substr(at + 3);
        const std::size_t digits = rest.find_first_not_of("0123456789");
        const std::string_view major = rest.substr(0, digits);
        if (!major.empty() &&
            (digits == std::string_view::npos || rest[digits] == '_' || rest[digits] == '.')) {
            return std::pair{r.substr(0, at), major};
        }
    }
    return std::nullopt;
}

} // namespace

Detected name_by_catalog(Detected detected, const Catalog& catalog) {
    if (detected.origin != ReleaseOrigin::MakefileRhelver &&
        detected.origin != ReleaseOrigin::MakefileRhel) {
        return detected;
    }
    const auto want = build_and_major(detected.release.release);
    if (!want) {
        return detected;
    }
    const CatalogEntry* match = nullptr;
    for (const auto& e : catalog.entries()) {
        if (e.release.version == detected.release.version &&
            build_and_major(e.release.release) == want) {
            if (match != nullptr) {
                return detected; // two shipped names for one build: no better than the guess
            }
            match = &e;
        }
    }
    if (match != nullptr) {
        detected.release = match->release;
        detected.origin = ReleaseOrigin::MakefileCatalog;
    }
    return detected;
}

} // namespace kseries::kernel
