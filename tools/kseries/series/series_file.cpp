#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include <kseries/patch/names.hpp>
#include <kseries/series/patch_text.hpp>
#include <kseries/series/series_file.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/text.hpp>

namespace kseries::series {

namespace {

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
            ++i;
        }
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
            ++i;
        }
        if (i > start) {
            out.push_back(line.substr(start, i - start));
        }
    }
    return out;
}

Expected<SeriesPatch> load_one(source::DirectoryTree& dir, const SeriesEntry& entry,
                               const std::string& series_name, const std::string& shown_name) {
    auto data = dir.read(entry.patch);
    if (!data) {
        return std::unexpected(
            data.error().with_context(fmt::format("{}:{}", series_name, entry.line)));
    }
    const std::optional<std::string>& content = *data;
    if (!content) {
        return fail(ErrorKind::NotFound,
                    entry.line != 0
                        ? fmt::format("patch '{}' named here does not exist", entry.patch)
                        : std::string("no such patch file"),
                    Location{series_name, entry.line});
    }
    return parse_series_patch(*content, entry, shown_name);
}

} // namespace

Expected<std::vector<SeriesEntry>> parse_series(std::string_view text, const std::string& name) {
    std::vector<SeriesEntry> entries;
    std::size_t number = 0;
    for (const auto raw : text::split_lines(text)) {
        ++number;
        std::string_view line = text::chomp(raw);
        if (const auto hash = line.find('#');
            hash != std::string_view::npos &&
            (hash == 0 || line[hash - 1] == ' ' || line[hash - 1] == '\t')) {
            line = line.substr(0, hash);
        }
        const auto parts = words(line);
        if (parts.empty()) {
            continue;
        }
        SeriesEntry entry;
        entry.patch = std::string(parts.front());
        entry.line = number;
        if (auto reason = patch::unsafe_path_reason(entry.patch)) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("refusing patch name '{}': {}", entry.patch, *reason),
                        Location{name, number});
        }
        entry.patch = patch::normalize_path(entry.patch);
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const std::string_view opt = parts[i];
            const std::string_view digits = opt.substr(std::min<std::size_t>(opt.size(), 2));
            if (opt.starts_with("-p") && !digits.empty() &&
                digits.find_first_not_of("0123456789") == std::string_view::npos) {
                // from_chars leaves `strip` untouched on overflow: test its
                // error, or -p4294967297 would read as -p0.
                int strip = 0;
                const auto [end, ec] =
                    std::from_chars(digits.data(), digits.data() + digits.size(), strip);
                if (ec != std::errc{} || end != digits.data() + digits.size() || strip > 99) {
                    return fail(ErrorKind::Parse,
                                fmt::format("strip count '{}' for patch '{}' is out of range "
                                            "(-p0 to -p99)",
                                            opt, entry.patch),
                                Location{name, number});
                }
                entry.strip = strip;
            } else if (opt == "-R") {
                entry.reverse = true;
            } else {
                return fail(ErrorKind::Parse,
                            fmt::format("unknown option '{}' for patch '{}' (quilt series "
                                        "options are -pN and -R)",
                                        opt, entry.patch),
                            Location{name, number});
            }
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

Expected<std::set<std::string, std::less<>>> touched_paths(const LoadedSeries& series) {
    std::set<std::string, std::less<>> out;
    for (const auto& sp : series.patches) {
        for (const auto& file : sp.patch.files) {
            for (const auto* name : {&file.old_name, &file.new_name}) {
                if (*name == patch::dev_null) {
                    continue;
                }
                auto stripped = patch::strip_components(*name, sp.entry.strip);
                if (!stripped) {
                    continue; // resolve_targets reports this when the patch is applied
                }
                if (auto reason = patch::unsafe_path_reason(*stripped)) {
                    return fail(ErrorKind::Unsafe,
                                fmt::format("refusing path '{}': {}", *stripped, *reason),
                                Location{sp.patch.name, file.line});
                }
                out.insert(patch::normalize_path(*stripped));
            }
        }
    }
    return out;
}

Expected<LoadedSeries> load_series(const std::filesystem::path& dir_path) {
    auto dir = KSERIES_TRY(source::DirectoryTree::open(dir_path));
    const std::string series_name = (dir_path / "series").string();
    auto text = KSERIES_TRY((dir)->read("series"));
    const std::optional<std::string>& series_text = text;
    if (!series_text) {
        return fail(ErrorKind::NotFound,
                    fmt::format("{} is not a quilt series directory (no 'series' file)",
                                dir_path.string()));
    }
    auto entries = KSERIES_TRY(parse_series(*series_text, series_name));
    LoadedSeries out;
    out.dir = dir_path;
    for (const auto& entry : entries) {
        auto loaded =
            KSERIES_TRY(load_one(*dir, entry, series_name, (dir_path / entry.patch).string()));
        out.patches.push_back(std::move(loaded));
    }
    return out;
}

Expected<LoadedSeries> load_patch_file(const std::filesystem::path& file, int strip) {
    const std::filesystem::path parent =
        file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    auto dir = KSERIES_TRY(source::DirectoryTree::open(parent));
    SeriesEntry entry;
    entry.patch = file.filename().string();
    entry.strip = strip;
    auto loaded = KSERIES_TRY(load_one(*dir, entry, file.string(), file.string()));
    LoadedSeries out;
    out.dir = parent;
    out.patches.push_back(std::move(loaded));
    return out;
}

} // namespace kseries::series
