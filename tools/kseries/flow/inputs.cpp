#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/flow/inputs.hpp>
#include <kseries/kernel/catalog_paths.hpp>
#include <kseries/kernel/policy.hpp>
#include <kseries/util/text.hpp>

namespace kseries::flow {

Expected<series::Selection> SeriesSpec::select() const {
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

std::string SeriesSpec::label() const {
    if (series.empty()) {
        return text::join(patches, ", ");
    }
    std::string out = series;
    while (out.size() > 1 && out.back() == '/') {
        out.pop_back();
    }
    return out;
}

Expected<check::Options> PolicySpec::resolve() const {
    const kernel::Policy* p = kernel::find_policy(policy);
    if (p == nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("unknown policy '{}' (one of: {})", policy, kernel::policy_keys()));
    }
    return check::Options{p->id, fuzz};
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
            return fail(
                ErrorKind::Usage,
                fmt::format("--release {}: not a kernel release (e.g. 4.18.0-193.el8)", given));
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

Expected<Job> load_job(const JobRequest& request) {
    auto options = request.policy.resolve();
    if (!options) {
        return std::unexpected(options.error());
    }
    auto selection = request.source.select();
    if (!selection) {
        return std::unexpected(selection.error());
    }
    auto dir = source::DirectoryTree::open(request.tree);
    if (!dir) {
        return std::unexpected(dir.error());
    }
    if (!selection->mapped()) {
        if (!request.release.empty()) {
            return fail(ErrorKind::Usage, "--release picks a version of a series store: give "
                                          "--series series/NAME");
        }
        auto only = std::move(*selection).take(selection->versions().front());
        return Job{*options,        std::move(only.series), request.source.label(),
                   std::move(*dir), std::nullopt,           std::move(only.meta)};
    }
    auto rel = tree_release(request.release, **dir, request.tree);
    if (!rel) {
        return std::unexpected(rel.error());
    }
    const auto pick = selection->pick(rel->release);
    if (pick.version == nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("no version of {} maps release {} ({}; {}); add a mapping, or "
                                "force a version with --series {}/vN",
                                request.source.label(), rel->release.name(),
                                kernel::origin_words(rel->origin),
                                (selection->store()->dir() / "index.toml").string(),
                                request.source.label()));
    }
    report::ReleaseNote note{*rel, pick.version->name, selection->pick_words(pick)};
    auto picked = std::move(*selection).take(*pick.version);
    return Job{*options,
               std::move(picked.series),
               fmt::format("{}/{}", request.source.label(), picked.name),
               std::move(*dir),
               std::move(note),
               std::move(picked.meta)};
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

} // namespace kseries::flow
