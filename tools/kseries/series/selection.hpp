// What `--series PATH` names, loaded: a store (series/<name>: each kernel
// release gets the version the store's mapping picks), one version of a
// store (series/<name>/vN: forced, with the store's records), or a plain
// quilt directory.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <kseries/kernel/release.hpp>
#include <kseries/series/series_file.hpp>
#include <kseries/series/store.hpp>
#include <kseries/util/error.hpp>

namespace kseries::series {

struct LoadedVersion {
    std::string name; // "v1", or the directory's name for a plain quilt directory
    LoadedSeries series;
    // The version's records (shared with the store they belong to), or
    // nullptr for a series without any.
    std::shared_ptr<const Version> meta;
};

class Selection {
public:
    // Opens a store, a version of a store, or a plain quilt directory.
    [[nodiscard]] static Expected<Selection> open(const std::filesystem::path& path);
    // A series that is not on disk as a directory (`--patch FILE...`).
    [[nodiscard]] static Selection single(LoadedSeries series, std::string name);

    // The store, when the path is a store or one of its versions.
    [[nodiscard]] const Store* store() const { return m_store.get(); }
    // True when each release gets its version from the mapping.
    [[nodiscard]] bool mapped() const { return m_mapped; }
    [[nodiscard]] const std::vector<LoadedVersion>& versions() const { return m_versions; }
    // One of versions(), moved out (a patch of many hunks is not copied);
    // the selection is spent.
    [[nodiscard]] LoadedVersion take(const LoadedVersion& chosen) &&;

    struct Pick {
        const LoadedVersion* version = nullptr; // nullptr: no version maps the release
        const MapRule* rule = nullptr;          // the rule that picked it, when mapped
    };
    [[nodiscard]] Pick pick(const kernel::Release& release) const;
    // The version a pick names and why, for people: "v2 (index.toml rule 2:
    // from 4.18.0-240.el8)"; "no version (no rule of index.toml matches)".
    [[nodiscard]] std::string pick_words(const Pick& pick) const;

    // Every patch name of every version, once, in version then series
    // order, and the patches versions record as dropped: the matrix's
    // columns.
    [[nodiscard]] std::vector<std::string> patch_names() const;

    // Every path any version's patches or detect rules read.
    [[nodiscard]] Expected<std::set<std::string, std::less<>>> touched_paths() const;

private:
    std::shared_ptr<const Store> m_store;
    std::vector<LoadedVersion> m_versions;
    bool m_mapped = false;
};

} // namespace kseries::series
