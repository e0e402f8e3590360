#include <kseries/series/selection.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace kseries::series {

namespace fs = std::filesystem;

namespace {

// `v` lives in `owner`: the loaded version shares it.
Expected<LoadedVersion> load_version(const std::shared_ptr<const Store>& owner, const Version& v) {
    auto loaded = KSERIES_TRY(load_series(v.dir));
    return LoadedVersion{v.name, std::move(loaded), std::shared_ptr<const Version>(owner, &v)};
}

} // namespace

Expected<Selection> Selection::open(const fs::path& path) {
    Selection sel;
    const fs::path clean = path.lexically_normal();
    const fs::path dir = clean.has_filename() ? clean : clean.parent_path();
    if (Store::is_store(dir)) {
        auto store = KSERIES_TRY(Store::open(dir));
        sel.m_store = std::make_shared<const Store>(std::move(store));
        sel.m_mapped = true;
        for (const auto& v : sel.m_store->versions()) {
            auto loaded = KSERIES_TRY(load_version(sel.m_store, v));
            sel.m_versions.push_back(std::move(loaded));
        }
        return sel;
    }
    if (dir.has_parent_path() && Store::is_store(dir.parent_path())) {
        auto store = KSERIES_TRY(Store::open(dir.parent_path()));
        sel.m_store = std::make_shared<const Store>(std::move(store));
        const Version* v = sel.m_store->find(dir.filename().string());
        if (v == nullptr) {
            return fail(ErrorKind::NotFound,
                        fmt::format("{}: not a version of the store {} (versions are v1, v2, ...)",
                                    path.string(), dir.parent_path().string()));
        }
        auto loaded = KSERIES_TRY(load_version(sel.m_store, *v));
        sel.m_versions.push_back(std::move(loaded));
        return sel;
    }
    auto v = KSERIES_TRY(read_version(dir));
    auto loaded = KSERIES_TRY(load_series(dir));
    auto meta = std::make_shared<const Version>(std::move(v));
    sel.m_versions.push_back(LoadedVersion{meta->name, std::move(loaded), std::move(meta)});
    return sel;
}

Selection Selection::single(LoadedSeries series, std::string name) {
    Selection sel;
    sel.m_versions.push_back(LoadedVersion{std::move(name), std::move(series), nullptr});
    return sel;
}

LoadedVersion Selection::take(const LoadedVersion& chosen) && {
    const auto at = static_cast<std::size_t>(&chosen - m_versions.data());
    return std::move(m_versions.at(at));
}

Selection::Pick Selection::pick(const kernel::Release& release) const {
    if (!m_mapped) {
        return {&m_versions.front(), nullptr};
    }
    const MapRule* rule = m_store->select(release);
    if (rule == nullptr) {
        return {};
    }
    const auto it = std::find_if(m_versions.begin(), m_versions.end(),
                                 [&](const LoadedVersion& v) { return v.name == rule->version; });
    return {&*it, rule};
}

std::string Selection::pick_words(const Pick& pick) const {
    if (pick.version == nullptr) {
        return "no version (no rule of index.toml matches)";
    }
    if (pick.rule == nullptr) {
        return pick.version->name + " (forced: the series names one version)";
    }
    const auto& rules = m_store->mapping();
    const auto number = static_cast<std::size_t>(pick.rule - rules.data()) + 1;
    std::vector<std::string> parts;
    if (pick.rule->from) {
        parts.push_back("from " + pick.rule->from->name());
    }
    if (pick.rule->until) {
        parts.push_back("until " + pick.rule->until->name());
    }
    if (!pick.rule->patterns.empty()) {
        std::string list;
        for (const auto& p : pick.rule->patterns) {
            list += list.empty() ? p : ", " + p;
        }
        parts.push_back("releases " + list);
    }
    std::string range;
    for (const auto& p : parts) {
        range += range.empty() ? p : " " + p;
    }
    return fmt::format("{} (index.toml rule {}: {})", pick.version->name, number,
                       range.empty() ? "every release" : range);
}

std::vector<std::string> Selection::patch_names() const {
    std::vector<std::string> out;
    const auto add = [&](const std::string& name) {
        if (std::find(out.begin(), out.end(), name) == out.end()) {
            out.push_back(name);
        }
    };
    for (const auto& v : m_versions) {
        for (const auto& p : v.series.patches) {
            add(p.entry.patch);
        }
        if (v.meta != nullptr) {
            for (const auto& d : v.meta->dropped) {
                add(d.name);
            }
            for (const auto& s : v.meta->skipped) {
                add(s.name);
            }
        }
    }
    return out;
}

Expected<std::set<std::string, std::less<>>> Selection::touched_paths() const {
    std::set<std::string, std::less<>> out;
    for (const auto& v : m_versions) {
        auto paths = KSERIES_TRY(series::touched_paths(v.series));
        out.merge(paths);
        if (v.meta == nullptr) {
            continue;
        }
        for (const auto& rec : v.meta->patches) {
            if (rec.detect) {
                for (auto& f : rec.detect->files()) {
                    out.insert(std::move(f));
                }
            }
        }
        for (const auto& d : v.meta->skipped) {
            if (d.detect) {
                for (auto& f : d.detect->files()) {
                    out.insert(std::move(f));
                }
            }
        }
        for (const auto& d : v.meta->dropped) {
            if (d.detect) {
                for (auto& f : d.detect->files()) {
                    out.insert(std::move(f));
                }
            }
        }
    }
    return out;
}

} // namespace kseries::series
