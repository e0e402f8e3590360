// A quilt series: the `series` file naming the patches in order, each with
// optional -pN / -R options, and the patches it names, read from the same
// directory. Patch names may not leave the directory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/patch/model.hpp>
#include <kseries/util/error.hpp>

namespace kseries::series {

struct SeriesEntry {
    std::string patch;    // path relative to the series directory
    int strip = 1;        // -pN (quilt's default is 1)
    bool reverse = false; // -R
    std::size_t line = 0; // line in the series file
};

// Parses the text of a quilt `series` file; `name` is used in messages.
[[nodiscard]] Expected<std::vector<SeriesEntry>> parse_series(std::string_view text,
                                                              const std::string& name);

struct SeriesPatch {
    SeriesEntry entry;
    patch::Patch patch;
    // Newlines in the file, as `wc -l` counts them: kernel.spec's
    // ApplyOptionalPatch silently skips a patch file of 9 lines or fewer.
    std::size_t line_count = 0;
};

struct LoadedSeries {
    std::filesystem::path dir;
    std::vector<SeriesPatch> patches;
};

// Every path the series' patches name (after their -pN), refused when one
// would leave a tree: the files a check reads, so archive sources need read
// nothing else.
[[nodiscard]] Expected<std::set<std::string, std::less<>>> touched_paths(const LoadedSeries& series);

// Reads `dir`/series and every patch it names.
[[nodiscard]] Expected<LoadedSeries> load_series(const std::filesystem::path& dir);

// A series of one patch file given on the command line (`--patch FILE`).
[[nodiscard]] Expected<LoadedSeries> load_patch_file(const std::filesystem::path& file, int strip);

} // namespace kseries::series
