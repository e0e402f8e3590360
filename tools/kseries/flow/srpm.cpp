#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include <kseries/flow/srpm.hpp>
#include <kseries/kernel/release.hpp>
#include <kseries/kernel/spec.hpp>
#include <kseries/patch/writer.hpp>
#include <kseries/rpm/spec_edit.hpp>
#include <kseries/source/archive.hpp>

namespace fs = std::filesystem;

namespace kseries::flow {

namespace {

// The changelog's date: SOURCE_DATE_EPOCH when set (reproducible builds),
// else today.
std::chrono::sys_days changelog_date() {
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != 0) {
        return std::chrono::floor<std::chrono::days>(
            std::chrono::sys_seconds(std::chrono::seconds(std::strtoll(epoch, nullptr, 10))));
    }
    return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
}

// A directory's own name, however it was written ("tiny/", ".", "../x").
std::string directory_name(const std::string& path) {
    fs::path p = fs::absolute(fs::path(path)).lexically_normal();
    if (!p.has_filename()) {
        p = p.parent_path();
    }
    return p.filename().string();
}

struct Picked {
    series::LoadedVersion version;
    // The store's name (index.toml's `name`, else its directory's), also
    // for a store version series/NAME/vN; a quilt directory's own name. It
    // marks kseries' lines in the spec, so a renamed copy of the store
    // still recognises (and replaces) what it added before.
    std::string series;
};

// Pass 1, the package: an SRPM of a kernel release, read once.
Expected<std::pair<rpm::PackageId, kernel::Release>> identify(const SrpmRequest& request) {
    auto id = KSERIES_TRY(rpm::query_package(request.kernel_srpm, request.runner));
    if (!id.source) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} is a binary package, not an SRPM", request.kernel_srpm));
    }
    auto release = kernel::parse_release(id.evr());
    if (!release) {
        return fail(ErrorKind::Usage,
                    fmt::format("{}: {} is not a kernel release", request.kernel_srpm, id.evr()));
    }
    return std::pair{std::move(id), std::move(*release)};
}

// Pass 2, the series version for this SRPM: --version, a forced store
// version, or the store's mapping for the SRPM's release.
Expected<Picked> pick_version(const SrpmRequest& request, const kernel::Release& rel) {
    auto selection = KSERIES_TRY(request.source.select());
    const std::string name = selection.store() != nullptr ? selection.store()->name()
                                                          : directory_name(request.source.series);
    if (!request.version.empty()) {
        for (const auto& v : selection.versions()) {
            if (v.name == request.version) {
                return Picked{v, name};
            }
        }
        return fail(ErrorKind::Usage, fmt::format("--version {}: {} has no such version",
                                                  request.version, request.source.label()));
    }
    if (!selection.mapped()) {
        return Picked{selection.versions().front(), name};
    }
    const auto pick = selection.pick(rel);
    if (pick.version == nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("no version of {} maps release {}; add a mapping to its "
                                "index.toml, or pick one with --version vN",
                                request.source.label(), rel.name()));
    }
    return Picked{*pick.version, name};
}

// Pass 3, what rpmbuild will be given: each file under its own name, with
// the bytes the safe loader read (never the path again), and the series as
// check must judge it: a file padded past ApplyOptionalPatch's trap is long
// enough for the rule.
Expected<series::LoadedSeries> gather_patches(const Picked& picked, const std::string& label,
                                              rpm::SrpmRequest& out) {
    const series::LoadedSeries& loaded = picked.version.series;
    if (loaded.patches.empty()) {
        return fail(ErrorKind::Usage, fmt::format("{} {} has no patches: nothing to build", label,
                                                  picked.version.name));
    }
    out.patches.series = picked.series;
    out.patches.version = picked.version.name;
    series::LoadedSeries judged = loaded;
    for (auto& p : judged.patches) {
        if (p.entry.strip != 1 || p.entry.reverse) {
            return fail(ErrorKind::Usage,
                        fmt::format("{}: kernel.spec applies patches with -p1, forward; the series "
                                    "file gives {} other options",
                                    (loaded.dir / "series").string(), p.entry.patch));
        }
        const std::string name = fs::path(p.entry.patch).filename().string();
        if (auto ok = rpm::check_patch_file_name(name); !ok) {
            return std::unexpected(ok.error().with_context((loaded.dir / p.entry.patch).string()));
        }
        if (out.patch_texts.contains(name)) {
            return fail(ErrorKind::Usage,
                        fmt::format("{}: two patches are named {}", loaded.dir.string(), name));
        }
        std::string text = patch::write(p.patch);
        if (auto padded = rpm::pad_optional_patch(text)) {
            p.line_count = rpm::wc_lines(*padded);
        }
        out.patches.files.push_back(name);
        out.patch_texts.emplace(name, std::move(text));
    }
    return judged;
}

// Pass 4, judged before the spec is touched: the SRPM's own tarball, the
// spec's own patch_command. With --prep, what each changed file must hold
// after %prep.
Expected<check::Report> judge(const SrpmRequest& request, const series::LoadedSeries& judged,
                              SrpmOutcome& outcome, rpm::SrpmRequest& made) {
    const auto wanted = KSERIES_TRY(series::touched_paths(judged));
    auto contents = KSERIES_TRY(source::open_srpm(request.kernel_srpm, wanted));
    const auto policy = kernel::policy_from_spec(contents.spec);
    if (!policy) {
        return fail(ErrorKind::Parse,
                    fmt::format("{}: its kernel.spec has no patch_command= line, so kseries "
                                "cannot tell how %prep applies patches (is this a RHEL kernel "
                                "SRPM?)",
                                request.kernel_srpm));
    }
    outcome.policy = std::string(kernel::policy(*policy).command);
    check::Options options;
    options.policy = *policy;
    auto report = KSERIES_TRY(check::run(judged, *contents.tree, outcome.label, options));
    if (report.ok() && request.prep) {
        const auto applied = KSERIES_TRY(check::apply_in_memory(judged, *contents.tree, options));
        for (const auto& c : applied.changes) {
            if (c.content) {
                made.expected_files.emplace(c.path, *c.content);
            }
        }
    }
    return report;
}

} // namespace

Expected<SrpmOutcome> make_srpm(const SrpmRequest& request) {
    SrpmOutcome outcome;
    auto [original, release] = KSERIES_TRY(identify(request));
    const auto picked = KSERIES_TRY(pick_version(request, release));
    outcome.original = original;
    outcome.series = picked.series;
    outcome.version = picked.version.name;
    outcome.label = fmt::format("{}/{}", request.source.label(), picked.version.name);

    rpm::SrpmRequest made{.kernel_srpm = request.kernel_srpm,
                          .original = original,
                          .out_dir = request.out,
                          .runner = request.runner};
    outcome.judged = std::make_shared<const series::LoadedSeries>(
        KSERIES_TRY(gather_patches(picked, request.source.label(), made)));
    auto report = KSERIES_TRY(judge(request, *outcome.judged, outcome, made));
    outcome.files = made.patches.files;
    if (!report.ok()) {
        outcome.status = SrpmStatus::DoesNotApply;
        outcome.report = std::move(report);
        return outcome;
    }

    outcome.buildid =
        request.buildid.empty() ? fmt::format(".kseries.{}", picked.version.name) : request.buildid;
    made.buildid = outcome.buildid;
    made.packager = request.packager;
    made.date = request.date.value_or(changelog_date());
    made.defines = request.defines;
    made.prep = request.prep;
    const rpm::StepCallback quiet = [](std::string_view) {};
    outcome.made = KSERIES_TRY(rpm::make_srpm(made, request.on_step ? request.on_step : quiet));
    if (request.prep && !outcome.made.prep_ok) {
        outcome.status = SrpmStatus::PrepFailed;
    }
    return outcome;
}

} // namespace kseries::flow
