// kseries srpm: a patched kernel SRPM from a stock one
// (docs/commands/srpm.md). The series version is picked for the SRPM's
// release by the store's mapping; before the spec is touched, every patch
// must apply to the SRPM's own tarball under the spec's own patch_command.
// Exit 0 with the SRPM written, 1 when the series does not apply or %prep
// fails (nothing written but %prep's log), 2 on bad input.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>

#include <fmt/format.h>

#include <kseries/check/check.hpp>
#include <kseries/kernel/release.hpp>
#include <kseries/kernel/spec.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/rpm/spec_edit.hpp>
#include <kseries/rpm/srpm.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

namespace fs = std::filesystem;

struct SrpmOptions {
    std::string kernel_srpm;
    PatchSource source;
    std::string version;
    std::string buildid;
    std::string packager = "kseries <kseries@localhost>";
    std::vector<std::string> defines;
    bool prep = false;
    std::string out;
};

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

// The series version for this SRPM: --version, a forced store version, or
// the store's mapping for the SRPM's release.
Expected<Picked> pick_version(const SrpmOptions& opts, const kernel::Release& rel) {
    auto selection = opts.source.select();
    if (!selection) {
        return std::unexpected(selection.error());
    }
    const std::string name = selection->store() != nullptr ? selection->store()->name()
                                                           : directory_name(opts.source.series);
    if (!opts.version.empty()) {
        for (const auto& v : selection->versions()) {
            if (v.name == opts.version) {
                return Picked{v, name};
            }
        }
        return fail(ErrorKind::Usage, fmt::format("--version {}: {} has no such version",
                                                  opts.version, opts.source.label()));
    }
    if (!selection->mapped()) {
        return Picked{selection->versions().front(), name};
    }
    const auto pick = selection->pick(rel);
    if (pick.version == nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("no version of {} maps release {}; add a mapping to its "
                                "index.toml, or pick one with --version vN",
                                opts.source.label(), rel.name()));
    }
    return Picked{*pick.version, name};
}

Expected<std::string> read_patch_file(const fs::path& path) {
    return read_regular_file(path);
}

Expected<int> make(const SrpmOptions& opts) {
    auto defines = parse_defines(opts.defines);
    if (!defines) {
        return std::unexpected(defines.error());
    }
    auto id = rpm::query_package(opts.kernel_srpm);
    if (!id) {
        return std::unexpected(id.error());
    }
    if (!id->source) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} is a binary package, not an SRPM", opts.kernel_srpm));
    }
    auto release = kernel::parse_release(id->evr());
    if (!release) {
        return fail(ErrorKind::Usage,
                    fmt::format("{}: {} is not a kernel release", opts.kernel_srpm, id->evr()));
    }
    auto picked = pick_version(opts, *release);
    if (!picked) {
        return std::unexpected(picked.error());
    }
    const series::LoadedVersion* version = &picked->version;
    const series::LoadedSeries& loaded = version->series;
    if (loaded.patches.empty()) {
        return fail(ErrorKind::Usage, fmt::format("{} {} has no patches: nothing to build",
                                                  opts.source.label(), version->name));
    }

    // What rpmbuild will be given: each file under its own name, lengthened
    // past ApplyOptionalPatch's 9-line trap when it is that short.
    rpm::SrpmRequest request;
    request.kernel_srpm = opts.kernel_srpm;
    request.original = *id;
    request.out_dir = opts.out;
    request.patches.series = picked->series;
    request.patches.version = version->name;
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
        if (request.patch_texts.contains(name)) {
            return fail(ErrorKind::Usage,
                        fmt::format("{}: two patches are named {}", loaded.dir.string(), name));
        }
        auto text = read_patch_file(loaded.dir / p.entry.patch);
        if (!text) {
            return std::unexpected(text.error());
        }
        if (auto padded = rpm::pad_optional_patch(*text)) {
            p.line_count = rpm::wc_lines(*padded);
        }
        request.patches.files.push_back(name);
        request.patch_texts.emplace(name, std::move(*text));
    }

    // Judged before the spec is touched: the SRPM's own tarball, the spec's
    // own patch_command.
    auto wanted = series::touched_paths(judged);
    if (!wanted) {
        return std::unexpected(wanted.error());
    }
    auto contents = source::open_srpm(opts.kernel_srpm, *wanted);
    if (!contents) {
        return std::unexpected(contents.error());
    }
    const auto policy = kernel::policy_from_spec(contents->spec);
    if (!policy) {
        return fail(ErrorKind::Parse,
                    fmt::format("{}: its kernel.spec has no patch_command= line, so kseries "
                                "cannot tell how %prep applies patches (is this a RHEL kernel "
                                "SRPM?)",
                                opts.kernel_srpm));
    }
    check::Options options;
    options.policy = *policy;
    const std::string label = fmt::format("{}/{}", opts.source.label(), version->name);
    auto report = check::run(judged, *contents->tree, label, options);
    if (!report) {
        return std::unexpected(report.error());
    }
    if (!report->ok()) {
        return emit(fmt::format("{}\n{} does not apply to {} under its spec's policy ({}); the "
                                "SRPM was not touched. See kseries rebase.\n",
                                report::render_check_text(*report, {false}), label,
                                opts.kernel_srpm, kernel::policy(*policy).command),
                    exit_checks_failed);
    }
    if (opts.prep) {
        auto applied = check::apply_in_memory(judged, *contents->tree, options);
        if (!applied) {
            return std::unexpected(applied.error());
        }
        for (const auto& c : applied->changes) {
            if (c.content) {
                request.expected_files.emplace(c.path, *c.content);
            }
        }
    }

    request.buildid =
        opts.buildid.empty() ? fmt::format(".kseries.{}", version->name) : opts.buildid;
    request.packager = opts.packager;
    request.date = changelog_date();
    request.defines = std::move(*defines);
    request.prep = opts.prep;
    const bool progress = isatty(STDERR_FILENO) != 0;
    auto result = rpm::make_srpm(request, [&](std::string_view step) {
        if (progress) {
            fmt::print(stderr, "kseries srpm: {}\n", text::printable(step));
        }
    });
    if (!result) {
        return std::unexpected(result.error());
    }
    if (opts.prep && !result->prep_ok) {
        return emit(fmt::format("%prep of the patched spec failed; no SRPM was written.\n{}{}",
                                result->prep_failure,
                                result->prep_log.empty()
                                    ? std::string()
                                    : fmt::format("full log: {}\n", result->prep_log.string())),
                    exit_checks_failed);
    }

    std::string out =
        fmt::format("{}\n  from {}-{} ({}), series {} {}, policy {}\n", result->srpm.string(),
                    id->name, id->evr(), opts.kernel_srpm, request.patches.series, version->name,
                    kernel::policy(*policy).command);
    out += fmt::format("  release {} (buildid {}{})\n", result->evr, *request.buildid,
                       result->edit.old_buildid
                           ? fmt::format(", replacing {}", *result->edit.old_buildid)
                           : std::string());
    for (std::size_t k = 0; k < request.patches.files.size(); ++k) {
        out +=
            fmt::format("  Patch{}: {}\n", result->edit.first_number + k, request.patches.files[k]);
    }
    for (const auto& p : result->padded) {
        out += fmt::format("  note: {} had 9 lines or fewer, which ApplyOptionalPatch skips "
                           "silently; kseries put explanatory lines in front of it\n",
                           p);
    }
    if (result->edit.replaced_earlier_edit) {
        out += fmt::format("  note: the spec already had kseries' lines for {}; they were "
                           "replaced, not added to\n",
                           request.patches.series);
    }
    if (result->dist) {
        out += fmt::format("  note: rpmbuild ran with dist {} (from the SRPM's release)\n",
                           *result->dist);
    }
    if (opts.prep) {
        out += "  %prep (rpmbuild -bp) applied every patch and left each file as kseries "
               "computed\n";
    }
    return emit(out, exit_ok);
}

} // namespace

CommandBody add_srpm(CLI::App& app, const GlobalOptions& /*global*/) {
    auto opts = std::make_shared<SrpmOptions>();
    auto* cmd = app.add_subcommand("srpm", "Make a patched kernel SRPM from a stock one");
    cmd->add_option("--kernel-srpm", opts->kernel_srpm, "the stock kernel SRPM")->required();
    cmd->add_option("--series", opts->source.series,
                    "series store (the version is picked for the SRPM's release), store version "
                    "or quilt directory")
        ->required();
    cmd->add_option("--version", opts->version, "force this version of the store (e.g. v2)");
    cmd->add_option("--buildid", opts->buildid, "the spec's buildid (default: .kseries.<version>)");
    cmd->add_option("--packager", opts->packager, "who the %changelog entry names")
        ->capture_default_str();
    cmd->add_option("--define", opts->defines,
                    "an rpm macro for rpmspec and rpmbuild, 'NAME VALUE' (repeatable)");
    cmd->add_flag("--prep", opts->prep,
                  "also run %prep (rpmbuild -bp) and check it leaves every file as kseries does");
    cmd->add_option("--out", opts->out, "where the SRPM goes")->required();
    return [opts]() -> Expected<int> { return make(*opts); };
}

} // namespace kseries::cli
