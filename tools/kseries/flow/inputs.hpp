// What the commands' requests name, opened: the patches (a store, one of its
// versions, a quilt directory or loose patch files), the policy they are
// judged by, the release catalog, a tree's release, and a series job (the
// patches, a directory tree and the version a store's mapping picks for it).
// The CLI fills these from its options; the flows open them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <kseries/check/check.hpp>
#include <kseries/kernel/catalog.hpp>
#include <kseries/kernel/detect.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/series/series_file.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

// --series DIR or --patch FILE... (with -p N), as given.
struct SeriesSpec {
    std::string series;
    std::vector<std::string> patches;
    int strip = 1;

    // The store, store version or quilt directory `series` names, or the
    // patch files as a series of their own.
    [[nodiscard]] Expected<series::Selection> select() const;
    // The series as reports name it: the directory without a trailing
    // slash, or the patch files joined.
    [[nodiscard]] std::string label() const;
};

// --policy KEY and --fuzz N, as given.
struct PolicySpec {
    std::string policy = "kernel-spec";
    std::optional<long> fuzz;

    [[nodiscard]] Expected<check::Options> resolve() const;
};

// What check, apply and refresh share: the patches, a directory tree and the
// policy.
struct JobRequest {
    SeriesSpec source;
    std::string tree;
    std::string release; // the tree's kernel release, when its Makefiles do not tell
    PolicySpec policy;
};

struct Job {
    check::Options options;
    series::LoadedSeries series; // the version picked for the tree
    std::string label;           // the series as reports name it
    std::unique_ptr<source::DirectoryTree> tree;
    // Which release the tree was taken for and the version the store's
    // mapping picked; nullopt when the series is not a store.
    std::optional<report::ReleaseNote> release;
    std::shared_ptr<const series::Version> meta; // the version's records, if any
};

// Resolves the policy, loads the patches and opens the tree. A store gives
// the version its mapping picks for the tree's release.
[[nodiscard]] Expected<Job> load_job(const JobRequest& request);

// Which kernel a tree holds (kernel::detect), named as the release catalog's
// release of that build when the tree's RHEL_* numbers match one
// (kernel::name_by_catalog); nullopt when it has no kernel Makefile.
[[nodiscard]] Expected<std::optional<kernel::Detected>> detect_named(source::SourceTree& tree);

// The release catalog from the given paths, else $KSERIES_CATALOG, else the
// one kseries was installed or built with (kernel/catalog_paths.hpp); logs a
// warning when there is none, and which it read at info level.
[[nodiscard]] Expected<kernel::Catalog> load_catalog(const std::vector<std::string>& given);

// What a tree must give for the series: the files it patches, and the
// Makefiles that tell the release (all that is kept of an SRPM or tarball).
[[nodiscard]] Expected<source::WantedPaths> wanted_paths_for(const series::Selection& selection);

// The policies' keys, as --policy takes them ("kernel-spec, ...").
[[nodiscard]] std::string policy_keys();

// `name` matches one of the glob patterns, or a pattern is "all".
[[nodiscard]] bool matches_any(const std::string& name, const std::vector<std::string>& patterns);

// --max-expanded-size and --max-member-size: the caps on what reading a
// tarball or SRPM may expand to (source/archive.hpp), for the whole process.
void set_max_expanded_size(std::uint64_t bytes);
void set_max_member_size(std::uint64_t bytes);

} // namespace kseries::flow
