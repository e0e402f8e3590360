#include "command.hpp"

#include <fmt/format.h>

#include <kseries/util/text.hpp>

namespace kseries::cli {

void PatchSource::add_to(CLI::App& command) {
    auto* series_opt =
        command.add_option("--series", series, "quilt series directory (holds a 'series' file)");
    auto* patch_opt = command.add_option("--patch", patches, "a patch file (repeatable)");
    series_opt->excludes(patch_opt);
    command.add_option("-p,--strip", strip, "strip count for --patch files (patch -pN)")
        ->check(CLI::Range(0, 99));
}

Expected<series::LoadedSeries> PatchSource::load() const {
    if (!series.empty()) {
        return series::load_series(series);
    }
    if (patches.empty()) {
        return fail(ErrorKind::Usage, "give --series DIR or --patch FILE");
    }
    series::LoadedSeries all;
    for (const auto& file : patches) {
        auto one = series::load_patch_file(file, strip);
        if (!one) {
            return std::unexpected(one.error());
        }
        all.dir = one->dir;
        for (auto& p : one->patches) {
            all.patches.push_back(std::move(p));
        }
    }
    return all;
}

void PolicyChoice::add_to(CLI::App& command) {
    command
        .add_option("--policy", policy, "policy every patch is judged by: " + check::policy_keys())
        ->capture_default_str();
    command.add_option("--fuzz", fuzz, "use plain `patch -p1 -F N` instead of a policy")
        ->check(CLI::Range(0L, 100L));
}

Expected<check::Options> PolicyChoice::resolve() const {
    const check::Policy* p = check::find_policy(policy);
    if (p == nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("unknown policy '{}' (one of: {})", policy, check::policy_keys()));
    }
    return check::Options{p->id, fuzz};
}

void SeriesJob::add_to(CLI::App& command) {
    source.add_to(command);
    command.add_option("--tree", tree, "kernel source tree directory")->required();
    policy.add_to(command);
}

Expected<SeriesJob::Loaded> SeriesJob::load() const {
    auto options = policy.resolve();
    if (!options) {
        return std::unexpected(options.error());
    }
    auto series = source.load();
    if (!series) {
        return std::unexpected(series.error());
    }
    auto dir = source::DirectoryTree::open(tree);
    if (!dir) {
        return std::unexpected(dir.error());
    }
    return Loaded{*options, std::move(*series), std::move(*dir)};
}

std::string PatchSource::label() const {
    return !series.empty() ? series : text::join(patches, ", ");
}

} // namespace kseries::cli
