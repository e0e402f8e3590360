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

std::string PatchSource::label() const {
    return !series.empty() ? series : text::join(patches, ", ");
}

} // namespace kseries::cli
