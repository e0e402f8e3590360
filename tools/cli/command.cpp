#include "command.hpp"

#include <algorithm>
#include <fnmatch.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/kernel/catalog_paths.hpp>
#include <kseries/kernel/detect.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/util/text.hpp>

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

Expected<series::Selection> PatchSource::select() const {
    if (!series.empty()) {
        return series::Selection::open(series);
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
    return series::Selection::single(std::move(all), label());
}

void PolicyChoice::add_to(CLI::App& command) {
    command
        .add_option("--policy", policy, "policy every patch is judged by: " + kernel::policy_keys())
        ->capture_default_str();
    command.add_option("--fuzz", fuzz, "use plain `patch -p1 -F N` instead of a policy")
        ->check(CLI::Range(0L, 100L));
}

Expected<check::Options> PolicyChoice::resolve() const {
    const kernel::Policy* p = kernel::find_policy(policy);
    if (p == nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("unknown policy '{}' (one of: {})", policy, kernel::policy_keys()));
    }
    return check::Options{p->id, fuzz};
}

void SeriesJob::add_to(CLI::App& command) {
    source.add_to(command);
    command.add_option("--tree", tree, "kernel source tree directory")->required();
    command.add_option("--release", release,
                       "the tree's kernel release (e.g. 4.18.0-193.el8), for a series store's "
                       "mapping when the tree's Makefiles do not tell");
    policy.add_to(command);
}

Expected<std::optional<kernel::Detected>> detect_named(source::SourceTree& tree) {
    auto detected = kernel::detect(tree);
    if (!detected || !*detected || !kernel::is_guess((*detected)->origin)) {
        return detected;
    }
    // Only the catalog knows the shipped name of a build's numbers; none
    // found leaves the guess, which says it is one.
    const auto choice = kernel::find_catalog({});
    if (choice.origin == kernel::CatalogOrigin::None) {
        return detected;
    }
    auto catalog = kernel::Catalog::load(choice.paths);
    if (!catalog) {
        return std::unexpected(catalog.error());
    }
    return std::optional<kernel::Detected>(
        kernel::name_by_catalog(std::move(**detected), *catalog));
}

namespace {

// The tree's release: --release, else its Makefiles (named by the catalog
// when it knows the build, else a best guess, said so).
Expected<kernel::Detected> tree_release(const std::string& given, source::SourceTree& tree,
                                        const std::string& dir) {
    if (!given.empty()) {
        auto named = kernel::parse_release(given);
        if (!named) {
            return fail(ErrorKind::Usage,
                        fmt::format("--release {}: not a kernel release (e.g. 4.18.0-193.el8)",
                                    given));
        }
        return kernel::Detected{std::move(*named), kernel::ReleaseOrigin::Given};
    }
    auto detected = detect_named(tree);
    if (!detected) {
        return std::unexpected(detected.error());
    }
    if (!*detected) {
        return fail(ErrorKind::Usage,
                    fmt::format("{}: cannot tell which kernel this is (no kernel Makefile), so "
                                "the series store cannot pick a version; give --release "
                                "RELEASE or --series STORE/vN",
                                dir));
    }
    return std::move(**detected);
}

} // namespace

Expected<SeriesJob::Loaded> SeriesJob::load() const {
    auto options = policy.resolve();
    if (!options) {
        return std::unexpected(options.error());
    }
    auto selection = source.select();
    if (!selection) {
        return std::unexpected(selection.error());
    }
    auto dir = source::DirectoryTree::open(tree);
    if (!dir) {
        return std::unexpected(dir.error());
    }
    if (!selection->mapped()) {
        if (!release.empty()) {
            return fail(ErrorKind::Usage, "--release picks a version of a series store: give "
                                          "--series series/NAME");
        }
        auto only = std::move(*selection).take(selection->versions().front());
        return Loaded{*options,     std::move(only.series), source.label(),
                      std::move(*dir), std::nullopt,        std::move(only.meta)};
    }
    auto rel = tree_release(release, **dir, tree);
    if (!rel) {
        return std::unexpected(rel.error());
    }
    const auto pick = selection->pick(rel->release);
    if (pick.version == nullptr) {
        return fail(
            ErrorKind::Usage,
            fmt::format("no version of {} maps release {} ({}; {}); add a mapping, or "
                        "force a version with --series {}/vN",
                        source.label(), rel->release.name(), kernel::origin_words(rel->origin),
                        (selection->store()->dir() / "index.toml").string(), source.label()));
    }
    report::ReleaseNote note{*rel, pick.version->name, selection->pick_words(pick)};
    auto picked = std::move(*selection).take(*pick.version);
    return Loaded{*options,
                  std::move(picked.series),
                  fmt::format("{}/{}", source.label(), picked.name),
                  std::move(*dir),
                  std::move(note),
                  std::move(picked.meta)};
}

std::string PatchSource::label() const {
    if (series.empty()) {
        return text::join(patches, ", ");
    }
    std::string out = series;
    while (out.size() > 1 && out.back() == '/') {
        out.pop_back();
    }
    return out;
}

Expected<kernel::Catalog> load_catalog(const std::vector<std::string>& given) {
    const auto choice = kernel::find_catalog(given);
    std::vector<std::string> shown;
    for (const auto& p : choice.paths) {
        shown.push_back(p.string());
    }
    if (choice.origin == kernel::CatalogOrigin::None) {
        // Loud on purpose: without a catalog every release silently gets
        // the default policy, which is wrong for RHEL 9.2 and later.
        spdlog::warn("no release catalog found (looked at: {}); every release takes the default "
                     "policy kernel-spec. Give --catalog DIR or set KSERIES_CATALOG",
                     text::join(choice.skipped, ", "));
    } else {
        for (const auto& s : choice.skipped) {
            spdlog::warn("catalog {} does not exist, not read", s);
        }
        spdlog::info("release catalog ({}): {}", choice.how, text::join(shown, ", "));
    }
    return kernel::Catalog::load(choice.paths);
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

bool matches_any(const std::string& name, const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        return p == "all" || ::fnmatch(p.c_str(), name.c_str(), 0) == 0;
    });
}

void add_archive_limits(CLI::App& app) {
    // K, M and G (and KiB ...) are all powers of 1024, as the messages give them.
    app.add_option_function<std::uint64_t>(
           "--max-expanded-size",
           [](std::uint64_t bytes) {
               auto caps = source::archive_limits();
               caps.max_expanded = bytes;
               source::set_archive_limits(caps);
           },
           "cap on what one tarball or SRPM expands to, e.g. 8G (default 4G)")
        ->transform(CLI::AsSizeValue(false));
    app.add_option_function<std::uint64_t>(
           "--max-member-size",
           [](std::uint64_t bytes) {
               auto caps = source::archive_limits();
               caps.max_member = bytes;
               source::set_archive_limits(caps);
           },
           "cap on one file inside a tarball or SRPM, e.g. 2G (default 1G)")
        ->transform(CLI::AsSizeValue(false));
}

} // namespace kseries::cli
