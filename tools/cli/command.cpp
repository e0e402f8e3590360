#include "command.hpp"

#include <fmt/format.h>

namespace kseries::cli {

void PatchSource::add_to(CLI::App& command) {
    auto* series_opt =
        command.add_option("--series", series,
                       "series store (series/NAME: each release gets the version its mapping "
                       "picks), one version (series/NAME/vN) or a quilt directory");
    auto* patch_opt = command.add_option("--patch", patches, "a patch file (repeatable)");
    series_opt->excludes(patch_opt);
    command.add_option("-p,--strip", strip, "strip count for --patch files (patch -pN)")
        ->check(CLI::Range(0, 99));
}

void PolicyChoice::add_to(CLI::App& command) {
    command
        .add_option("--policy", policy, "policy every patch is judged by: " + flow::policy_keys())
        ->capture_default_str();
    command.add_option("--fuzz", fuzz, "use plain `patch -p1 -F N` instead of a policy")
        ->check(CLI::Range(0L, 100L));
}

void SeriesJob::add_to(CLI::App& command) {
    source.add_to(command);
    command.add_option("--tree", tree, "kernel source tree directory")->required();
    command.add_option("--release", release,
                       "the tree's kernel release (e.g. 4.18.0-193.el8), for a series store's "
                       "mapping when the tree's Makefiles do not tell");
    policy.add_to(command);
}

Expected<std::vector<std::pair<std::string, std::string>>>
parse_defines(const std::vector<std::string>& given) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& d : given) {
        const auto space = d.find(' ');
        if (space == std::string::npos || space == 0) {
            return fail(ErrorKind::Usage,
                        fmt::format("--define '{}': give 'NAME VALUE', as for rpmbuild", d));
        }
        out.emplace_back(d.substr(0, space), d.substr(space + 1));
    }
    return out;
}

void add_archive_limits(CLI::App& app) {
    // K, M and G (and KiB ...) are all powers of 1024, as the messages give them.
    app.add_option_function<std::uint64_t>(
           "--max-expanded-size", flow::set_max_expanded_size,
           "cap on what one tarball or SRPM expands to, e.g. 8G (default 4G)")
        ->transform(CLI::AsSizeValue(false));
    app.add_option_function<std::uint64_t>(
           "--max-member-size", flow::set_max_member_size,
           "cap on one file inside a tarball or SRPM, or one patch read from a pipe, e.g. 2G "
           "(default 1G)")
        ->transform(CLI::AsSizeValue(false));
}

} // namespace kseries::cli
