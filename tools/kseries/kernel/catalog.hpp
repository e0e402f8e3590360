// The release catalog: kernels/*.toml (format in docs/formats/catalog.md).
// Per RHEL/CentOS release: its GA kernel, SRPM name, where it is published,
// the patch policy of its kernel.spec, its date, and which of those facts
// are not verified. Users add their own releases and z-streams in files of
// the same format.
#pragma once

#include <kseries/check/policy.hpp>
#include <kseries/kernel/release.hpp>
#include <kseries/util/error.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

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
    std::optional<check::PolicyId> policy;
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

} // namespace kseries::kernel
