// One patch of a series from its text, wherever the text was read: a file
// of a quilt directory, or a pipe (`--patch -`).
#pragma once

#include <string>

#include <kseries/series/series_file.hpp>
#include <kseries/util/error.hpp>

namespace kseries::series {

// Parses `text` as the patch `entry` names (`shown_name` names it in
// messages); refused when it patches one file in two sections.
[[nodiscard]] Expected<SeriesPatch> parse_series_patch(const std::string& text,
                                                       const SeriesEntry& entry,
                                                       const std::string& shown_name);

// A series of one patch read from a pipe: `name` is the patch's name in
// reports, as given ("-", "/dev/fd/63"); its directory is the working
// directory.
[[nodiscard]] Expected<LoadedSeries> load_patch_text(const std::string& text,
                                                     const std::string& name, int strip);

} // namespace kseries::series
