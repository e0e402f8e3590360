// What every subcommand shares: global options and the way to load the
// patches a command works on.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include <kseries/check/check.hpp>
#include <kseries/kernel/catalog.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/series/series_file.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/error.hpp>

#include "terminal.hpp"

namespace kseries::cli {

struct GlobalOptions {
    ColorMode color = ColorMode::Auto;
    bool verbose = false;
    bool quiet = false;
};

// --series DIR or --patch FILE... (with -p N), as given.
struct PatchSource {
    std::string series;
    std::vector<std::string> patches;
    int strip = 1;

    void add_to(CLI::App& command);
    // The store, store version or quilt directory --series names, or the
    // --patch files as a series of their own.
    [[nodiscard]] Expected<series::Selection> select() const;
    [[nodiscard]] std::string label() const;
};

// --policy KEY and --fuzz N, as given.
struct PolicyChoice {
    std::string policy = "kernel-spec";
    std::optional<long> fuzz;

    void add_to(CLI::App& command);
    [[nodiscard]] Expected<check::Options> resolve() const;
};

// What check and apply share: the patches, the tree and the policy.
struct SeriesJob {
    PatchSource source;
    std::string tree;
    std::string release; // --release: the tree's kernel release, when its Makefiles do not tell
    PolicyChoice policy;

    struct Loaded {
        check::Options options;
        series::LoadedSeries series; // the version picked for the tree
        std::string label;           // the series as reports name it
        std::unique_ptr<source::DirectoryTree> tree;
        // Which release the tree was taken for and the version the store's
        // mapping picked; nullopt when the series is not a store.
        std::optional<report::ReleaseNote> release;
        std::shared_ptr<const series::Version> meta; // the version's records, if any
    };

    void add_to(CLI::App& command);
    // Resolves the policy, loads the patches and opens the tree. A store
    // (--series series/NAME) gives the version its mapping picks for the
    // tree's release.
    [[nodiscard]] Expected<Loaded> load() const;
};

// Which kernel a tree holds (kernel::detect), named as the release catalog's
// release of that build when the tree's RHEL_* numbers match one
// (kernel::name_by_catalog); nullopt when it has no kernel Makefile.
[[nodiscard]] Expected<std::optional<kernel::Detected>> detect_named(source::SourceTree& tree);

// The release catalog from --catalog PATH..., else $KSERIES_CATALOG, else the
// one kseries was installed or built with (kernel/catalog_paths.hpp); warns
// when there is none, and says which under --verbose.
[[nodiscard]] Expected<kernel::Catalog> load_catalog(const std::vector<std::string>& given);

// --define 'NAME VALUE' options (srpm, build), as rpmbuild takes them.
[[nodiscard]] Expected<std::vector<std::pair<std::string, std::string>>>
parse_defines(const std::vector<std::string>& given);

// `name` matches one of the glob patterns, or a pattern is "all".
[[nodiscard]] bool matches_any(const std::string& name, const std::vector<std::string>& patterns);

// --max-expanded-size and --max-member-size SIZE (K, M, G suffixes): the
// caps on what reading a tarball or SRPM may expand to (source/archive.hpp).
void add_archive_limits(CLI::App& app);

// A subcommand's body: returns the exit code, or an Error for the one
// handler in main() to print.
using CommandBody = std::function<Expected<int>()>;

CommandBody add_check(CLI::App& app, const GlobalOptions& global);
CommandBody add_apply(CLI::App& app, const GlobalOptions& global);
CommandBody add_matrix(CLI::App& app, const GlobalOptions& global);
CommandBody add_fetch(CLI::App& app, const GlobalOptions& global);
CommandBody add_rebase(CLI::App& app, const GlobalOptions& global);
CommandBody add_refresh(CLI::App& app, const GlobalOptions& global);
CommandBody add_verify(CLI::App& app, const GlobalOptions& global);
CommandBody add_srpm(CLI::App& app, const GlobalOptions& global);
CommandBody add_kmod(CLI::App& app, const GlobalOptions& global);
CommandBody add_build(CLI::App& app, const GlobalOptions& global);
CommandBody add_publish(CLI::App& app, const GlobalOptions& global);

} // namespace kseries::cli
