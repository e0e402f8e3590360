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

#include <kseries/flow/inputs.hpp>
#include <kseries/util/error.hpp>

#include "terminal.hpp"

namespace kseries::cli {

// --series DIR or --patch FILE... (with -p N): the options that fill a
// flow::SeriesSpec.
struct PatchSource : flow::SeriesSpec {
    void add_to(CLI::App& command);
};

// --policy KEY and --fuzz N.
struct PolicyChoice : flow::PolicySpec {
    void add_to(CLI::App& command);
};

// What check and apply share: the patches, the tree and the policy.
struct SeriesJob {
    PatchSource source;
    std::string tree;
    std::string release; // --release: the tree's kernel release, when its Makefiles do not tell
    PolicyChoice policy;

    using Loaded = flow::Job;

    void add_to(CLI::App& command);
    [[nodiscard]] flow::JobRequest request() const { return {source, tree, release, policy}; }
    [[nodiscard]] Expected<Loaded> load() const { return flow::load_job(request()); }
};

using flow::detect_named;
using flow::load_catalog;
using flow::matches_any;

// --define 'NAME VALUE' options (srpm, build), as rpmbuild takes them.
[[nodiscard]] Expected<std::vector<std::pair<std::string, std::string>>>
parse_defines(const std::vector<std::string>& given);

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
