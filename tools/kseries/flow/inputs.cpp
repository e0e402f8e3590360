#include <algorithm>
#include <fnmatch.h>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/flow/inputs.hpp>
#include <kseries/kernel/catalog_paths.hpp>
#include <kseries/kernel/policy.hpp>
#include <kseries/series/patch_text.hpp>
#include <kseries/util/stream.hpp>
#include <kseries/util/text.hpp>

namespace kseries::flow {

namespace {

// A patch from a pipe (--patch -, /dev/stdin, <(...)): read once, whole,
// capped as one member of an archive is (a patch is one file), and named
// in reports as given.
Expected<series::LoadedSeries> load_stream_patch(const std::string& file, int strip) {
    const auto cap = source::archive_limits().max_member;
    const auto text =
        KSERIES_TRY(read_stream(file, cap,
                                fmt::format("{} cap on one patch (--max-member-size to raise it)",
                                            source::size_text(cap))));
    return series::load_patch_text(text, file, strip);
}

} // namespace

Expected<series::Selection> SeriesSpec::select() const {
    if (!series.empty()) {
        return series::Selection::open(series);
    }
    if (patches.empty()) {
        return fail(ErrorKind::Usage, "give --series DIR or --patch FILE");
    }
    // A pipe is read once: one named twice is refused before any is read.
    std::vector<std::pair<int, std::string>> streams; // descriptor, as given
    for (const auto& file : patches) {
        const auto fd = stream_descriptor(file);
        if (!fd) {
            continue;
        }
        const auto seen = std::find_if(streams.begin(), streams.end(),
                                       [&](const auto& s) { return s.first == *fd; });
        if (seen != streams.end()) {
            return fail(ErrorKind::Usage,
                        fmt::format("--patch {}: the same stream as --patch {}; a pipe is read "
                                    "once, so give it once",
                                    file, seen->second));
        }
        streams.emplace_back(*fd, file);
    }
    series::LoadedSeries all;
    for (const auto& file : patches) {
        auto one = KSERIES_TRY(stream_descriptor(file) ? load_stream_patch(file, strip)
                                                       : series::load_patch_file(file, strip));
        all.dir = one.dir;
        for (auto& p : one.patches) {
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
    const auto catalog = KSERIES_TRY(kernel::Catalog::load(choice.paths));
    return std::optional<kernel::Detected>(
        kernel::name_by_catalog(std::move(**detected), catalog));
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
    auto detected = KSERIES_TRY(detect_named(tree));
    if (!detected) {
        return fail(ErrorKind::Usage,
                    fmt::format("{}: cannot tell which kernel this is (no kernel Makefile), so "
                                "the series store cannot pick a version; give --release "
                                "RELEASE or --series STORE/vN",
                                dir));
    }
    return std::move(*detected);
}

} // namespace

Expected<Job> load_job(const JobRequest& request) {
    auto options = KSERIES_TRY(request.policy.resolve());
    auto selection = KSERIES_TRY(request.source.select());
    auto dir = KSERIES_TRY(source::DirectoryTree::open(request.tree));
    if (!selection.mapped()) {
        if (!request.release.empty()) {
            return fail(ErrorKind::Usage, "--release picks a version of a series store: give "
                                          "--series series/NAME");
        }
        auto only = std::move(selection).take(selection.versions().front());
        return Job{options,        std::move(only.series), request.source.label(),
                   std::move(dir), std::nullopt,           std::move(only.meta)};
    }
    auto rel = KSERIES_TRY(tree_release(request.release, *dir, request.tree));
    const auto pick = selection.pick(rel.release);
    if (pick.version == nullptr) {
        return fail(
            ErrorKind::Usage,
            fmt::format("no version of {} maps release {} ({}; {}); add a mapping, or "
                        "force a version with --series {}/vN",
                        request.source.label(), rel.release.name(), kernel::origin_words(rel.origin),
                        (selection.store()->dir() / "index.toml").string(), request.source.label()));
    }
    report::ReleaseNote note{rel, pick.version->name, selection.pick_words(pick)};
    auto picked = std::move(selection).take(*pick.version);
    return Job{options,
               std::move(picked.series),
               fmt::format("{}/{}", request.source.label(), picked.name),
               std::move(dir),
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

Expected<source::WantedPaths> wanted_paths_for(const series::Selection& selection) {
    auto wanted = KSERIES_TRY(selection.touched_paths());
    wanted.insert({"Makefile", "Makefile.rhelver"});
    return wanted;
}

std::string policy_keys() { return kernel::policy_keys(); }

bool matches_any(const std::string& name, const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
        return p == "all" || ::fnmatch(p.c_str(), name.c_str(), 0) == 0;
    });
}

void set_max_expanded_size(std::uint64_t bytes) {
    auto caps = source::archive_limits();
    caps.max_expanded = bytes;
    source::set_archive_limits(caps);
}

void set_max_member_size(std::uint64_t bytes) {
    auto caps = source::archive_limits();
    caps.max_member = bytes;
    source::set_archive_limits(caps);
}

} // namespace kseries::flow
