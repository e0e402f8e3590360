// What every subcommand shares: global options and the way to load the
// patches a command works on.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <kseries/check/check.hpp>
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
    [[nodiscard]] Expected<series::LoadedSeries> load() const;
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
    PolicyChoice policy;

    struct Loaded {
        check::Options options;
        series::LoadedSeries series;
        std::unique_ptr<source::DirectoryTree> tree;
    };

    void add_to(CLI::App& command);
    // Resolves the policy, loads the patches and opens the tree.
    [[nodiscard]] Expected<Loaded> load() const;
};

// A subcommand's body: returns the exit code, or an Error for the one
// handler in main() to print.
using CommandBody = std::function<Expected<int>()>;

CommandBody add_check(CLI::App& app, const GlobalOptions& global);
CommandBody add_apply(CLI::App& app, const GlobalOptions& global);
CommandBody add_matrix(CLI::App& app, const GlobalOptions& global);

} // namespace kseries::cli
