#include <kseries/kernel/catalog.hpp>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace kseries::kernel {

namespace {

const std::set<std::string, std::less<>> entry_keys{
    "name", "minor", "date", "srpm", "url", "git_tag", "policy", "unverified"};
const std::set<std::string, std::less<>> file_keys{"lineage", "release"};

Location where(const std::string& file, const toml::node& node) {
    return {file, static_cast<std::size_t>(node.source().begin.line)};
}

Expected<std::string> string_of(const std::string& file, const toml::table& t,
                                std::string_view key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return std::string{};
    }
    if (const auto* s = n->as_string()) {
        return s->get();
    }
    if (const auto* d = n->as_date()) {
        return fmt::format("{:04}-{:02}-{:02}", d->get().year, d->get().month, d->get().day);
    }
    return fail(ErrorKind::Parse, fmt::format("'{}' must be a string", key), where(file, *n));
}

Expected<CatalogEntry> read_entry(const std::string& file, const std::string& lineage,
                                  const toml::table& t) {
    for (const auto& [key, node] : t) {
        if (!entry_keys.contains(key.str())) {
            return fail(ErrorKind::Parse,
                        fmt::format("unknown key '{}' in a release (known: name, minor, date, "
                                    "srpm, url, git_tag, policy, unverified)",
                                    key.str()),
                        where(file, node));
        }
    }
    CatalogEntry e;
    e.lineage = lineage;
    e.location = where(file, t);
    auto name = string_of(file, t, "name");
    if (!name) {
        return std::unexpected(name.error());
    }
    auto release = parse_release(*name);
    if (!release) {
        return fail(ErrorKind::Parse,
                    fmt::format("release needs a 'name' like \"4.18.0-147.el8\"{}",
                                name->empty() ? "" : fmt::format(", not \"{}\"", *name)),
                    e.location);
    }
    e.release = std::move(*release);
    for (auto [key, field] : {std::pair{"minor", &e.minor}, std::pair{"date", &e.date},
                              std::pair{"srpm", &e.srpm}, std::pair{"url", &e.url},
                              std::pair{"git_tag", &e.git_tag}}) {
        auto value = string_of(file, t, key);
        if (!value) {
            return std::unexpected(value.error());
        }
        *field = std::move(*value);
    }
    auto policy = string_of(file, t, "policy");
    if (!policy) {
        return std::unexpected(policy.error());
    }
    if (!policy->empty()) {
        const check::Policy* p = check::find_policy(*policy);
        if (p == nullptr) {
            return fail(ErrorKind::Parse,
                        fmt::format("unknown policy '{}' (one of: {})", *policy,
                                    check::policy_keys()),
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
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail(ErrorKind::NotFound, fmt::format("cannot read catalog file {}", path.string()));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string file = path.string();
    toml::table doc;
    try {
        doc = toml::parse(ss.str(), file);
    } catch (const toml::parse_error& e) {
        return fail(ErrorKind::Parse, std::string(e.description()),
                    Location{file, static_cast<std::size_t>(e.source().begin.line)});
    }
    for (const auto& [key, node] : doc) {
        if (!file_keys.contains(key.str())) {
            return fail(ErrorKind::Parse,
                        fmt::format("unknown key '{}' (a catalog file has 'lineage' and "
                                    "[[release]] tables)",
                                    key.str()),
                        where(file, node));
        }
    }
    auto lineage = string_of(file, doc, "lineage");
    if (!lineage) {
        return std::unexpected(lineage.error());
    }
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
        auto entry = read_entry(file, *lineage, *t);
        if (!entry) {
            return std::unexpected(entry.error());
        }
        out.push_back(std::move(*entry));
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
            if (auto ok = read_file(f, catalog.m_entries); !ok) {
                return std::unexpected(ok.error());
            }
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

} // namespace kseries::kernel
