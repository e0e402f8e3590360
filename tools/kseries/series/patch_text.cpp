#include <algorithm>
#include <map>

#include <fmt/format.h>

#include <kseries/patch/names.hpp>
#include <kseries/patch/parser.hpp>
#include <kseries/series/patch_text.hpp>

namespace kseries::series {

Expected<SeriesPatch> parse_series_patch(const std::string& text, const SeriesEntry& entry,
                                         const std::string& shown_name) {
    auto parsed = KSERIES_TRY(patch::parse(text, shown_name));
    // One section per file: GNU patch would apply a second section for the
    // same file to what the first one wrote, so what a reviewer reads in
    // each section is not what lands. Concatenated patches are split first.
    std::map<std::string, std::size_t, std::less<>> sections;
    for (const auto& file : parsed.files) {
        const std::string& name = file.new_name != patch::dev_null ? file.new_name : file.old_name;
        auto stripped = patch::strip_components(name, entry.strip);
        if (!stripped) {
            continue; // resolve_targets reports this when the patch is applied
        }
        const std::string key = patch::normalize_path(*stripped);
        if (const auto [it, fresh] = sections.emplace(key, file.line); !fresh) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} is patched a second time (first at line {}); kseries "
                                    "takes one section per file: split the patch, or merge "
                                    "the two sections",
                                    key, it->second),
                        Location{shown_name, file.line});
        }
    }
    SeriesPatch out;
    out.entry = entry;
    out.patch = std::move(parsed);
    out.line_count = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    return out;
}

Expected<LoadedSeries> load_patch_text(const std::string& text, const std::string& name,
                                       int strip) {
    SeriesEntry entry;
    entry.patch = name;
    entry.strip = strip;
    auto loaded = KSERIES_TRY(parse_series_patch(text, entry, name));
    LoadedSeries out;
    out.dir = ".";
    out.patches.push_back(std::move(loaded));
    return out;
}

} // namespace kseries::series
