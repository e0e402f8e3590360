// The versioned series store (docs/formats/store.md):
//
//   series/<name>/index.toml     the store: which version each release gets
//   series/<name>/v1/            a quilt directory (series + patches) ...
//   series/<name>/v1/version.toml  ... and its metadata
//
// A version records its base kernel release, its parent version, the git
// blob id of each base file its patches were made against, a changelog
// line, per patch an upstream status and a rule that tells when a tree
// already has the fix, and the parent's patches it no longer carries (with
// the reason). The index maps kernel releases to versions by rpm version
// ranges and glob patterns.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <kseries/kernel/release.hpp>
#include <kseries/series/series_file.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::series {

// The tree already has a patch's effect when every condition holds: the
// file exists and holds each `contains` text (and none of `lacks`).
struct DetectCondition {
    std::string file;
    std::vector<std::string> contains;
    std::vector<std::string> lacks;
};

struct DetectRule {
    std::vector<DetectCondition> all;
    Location location;

    // Whether the rule holds on `tree`; read errors are errors.
    [[nodiscard]] Expected<bool> holds(source::SourceTree& tree) const;
    // The files the rule reads.
    [[nodiscard]] std::vector<std::string> files() const;
};

struct PatchRecord {
    std::string name;     // the patch file, as in the series file
    std::string upstream; // upstream status in words, or empty
    std::optional<DetectRule> detect;
    Location location;
};

// A patch of the parent version that this version does not carry.
struct DroppedPatch {
    std::string name;
    std::string reason; // "superseded upstream by ...", "already in the tree"
    std::optional<DetectRule> detect;
    Location location;
};

struct Version {
    std::string name; // "v1"
    std::filesystem::path dir;
    std::string parent; // empty for the first version
    std::optional<kernel::Release> base;
    std::string changelog;
    std::string created;                           // "2026-11-24" or empty
    std::map<std::string, std::string> base_blobs; // path -> git blob id (hex)
    std::vector<PatchRecord> patches;              // only patches with a record
    std::vector<DroppedPatch> dropped;
    // A parent's patch the maintainer skipped in a rebase (`reason` says
    // why): not carried, and not known to be unneeded, so a release of this
    // version lacks the fix unless the detect rule holds on its tree.
    std::vector<DroppedPatch> skipped;

    [[nodiscard]] const PatchRecord* record(std::string_view patch) const;
};

// "v12" -> 12; nullopt for anything else ("v0", "v", "12", "v1a", over 9
// digits). The one reading of a version directory's name.
[[nodiscard]] std::optional<unsigned long> version_number(std::string_view name);

// "vN+1" for the highest vN in `store_dir` (any entry so named, directory or
// not, so the name is free), "v1" when there is none.
[[nodiscard]] Expected<std::string> next_free_version(const std::filesystem::path& store_dir);

// Reads `dir`/version.toml; a version without one has only its name.
[[nodiscard]] Expected<Version> read_version(const std::filesystem::path& dir);

// One rule of the mapping: a release gets `version` when it lies in
// [from, until) (either end may be open) and, when patterns are given,
// its name matches one of them.
struct MapRule {
    std::string version;
    std::optional<kernel::Release> from;
    std::optional<kernel::Release> until;
    std::vector<std::string> patterns;
    Location location;

    [[nodiscard]] bool matches(const kernel::Release& r) const;
    [[nodiscard]] std::string describe() const; // "4.18.0-147 <= r < 4.18.0-240.el8"
};

class Store {
public:
    // Whether `dir` is a store (holds index.toml) rather than a version.
    [[nodiscard]] static bool is_store(const std::filesystem::path& dir);
    // Reads index.toml and every version it names.
    [[nodiscard]] static Expected<Store> open(const std::filesystem::path& dir);

    [[nodiscard]] const std::filesystem::path& dir() const { return m_dir; }
    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] const std::vector<Version>& versions() const { return m_versions; }
    [[nodiscard]] const std::vector<MapRule>& mapping() const { return m_mapping; }
    [[nodiscard]] const Version* find(std::string_view version) const;
    // The rule that picks the version for `release` (the first that
    // matches), or nullptr when no version maps to it.
    [[nodiscard]] const MapRule* select(const kernel::Release& release) const;

private:
    std::filesystem::path m_dir;
    std::string m_name;
    std::vector<Version> m_versions; // in the order of version numbers
    std::vector<MapRule> m_mapping;
};

} // namespace kseries::series
