// The release catalog: kernels/*.toml (format in docs/formats/catalog.md).
// Per RHEL/CentOS release: its GA kernel, SRPM name, where it is published,
// the patch policy of its kernel.spec, its date, and which of those facts
// are not verified. Users add their own releases and z-streams in files of
// the same format.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <kseries/kernel/detect.hpp>
#include <kseries/kernel/policy.hpp>
#include <kseries/kernel/release.hpp>
#include <kseries/util/error.hpp>

namespace kseries::kernel {

struct CatalogEntry {
    Release release;
    std::string lineage;  // "RHEL 8"
    std::string minor;    // "8.1"; empty for a z-stream entry that does not say
    std::string date;     // "2019-11-05" or empty
    std::string srpm;     // "kernel-4.18.0-147.el8.src.rpm" or empty
    std::string url;      // where the SRPM is published, or empty
    std::string sha256;   // the SRPM's SHA-256, 64 lowercase hex digits, or empty
    std::optional<std::uint64_t> size; // the SRPM's size in bytes
    std::string git_tag;  // e.g. "kernel-5.14.0-427.el9" on CentOS Stream, or empty
    std::optional<PolicyId> policy;
    std::vector<std::string> unverified; // keys whose value is not verified
    Location location;                   // file and line of the entry

    [[nodiscard]] bool verified(std::string_view key) const;
};

class Catalog {
public:
    // Reads every *.toml file in each directory, and each file named.
    [[nodiscard]] static Expected<Catalog> load(const std::vector<std::filesystem::path>& paths);

    // All entries, in rpm version order.
    [[nodiscard]] const std::vector<CatalogEntry>& entries() const { return m_entries; }
    [[nodiscard]] const CatalogEntry* find(const Release& release) const;

    // The entry whose kernel.spec policy a release follows: its own, else
    // the GA release of its minor (same RHEL major and build), else the
    // nearest earlier release of the same RHEL major that states a policy.
    [[nodiscard]] const CatalogEntry* policy_source(const Release& release) const;

private:
    std::vector<CatalogEntry> m_entries;
};

// A release told from a tree's RHEL_* numbers, named as the catalog's
// release of that build when exactly one entry has the same version, RHEL
// major and numbers (Makefile.rhelver's 553 of RHEL 8 ->
// 4.18.0-553.el8_10): the dist tag of a shipped name is not a function of
// the numbers, and the catalog records the name that shipped. Numbers that
// lag the package (552 for the 553 kernel) match no entry, and any other
// release is returned as it is.
[[nodiscard]] Detected name_by_catalog(Detected detected, const Catalog& catalog);

} // namespace kseries::kernel
