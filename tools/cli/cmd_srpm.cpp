// kseries srpm: a patched kernel SRPM from a stock one
// (docs/commands/srpm.md); the use case is flow/srpm.hpp. Exit 0 with the
// SRPM written, 1 when the series does not apply or %prep fails (nothing
// written but %prep's log), 2 on bad input.
#include <memory>

#include <fmt/format.h>

#include <kseries/flow/srpm.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "terminal.hpp"

namespace kseries::cli {

namespace {

struct SrpmOptions {
    flow::SrpmRequest request;
    std::vector<std::string> defines;
};

// What was written, from what and how, and the notes a maintainer needs.
std::string written_text(const flow::SrpmRequest& request, const flow::SrpmOutcome& o) {
    const auto& made = o.made;
    std::string out = fmt::format("{}\n  from {}-{} ({}), series {} {}, policy {}\n",
                                  made.srpm.string(), o.original.name, o.original.evr(),
                                  request.kernel_srpm, o.series, o.version, o.policy);
    out += fmt::format("  release {} (buildid {}{})\n", made.evr, o.buildid,
                       made.edit.old_buildid ? fmt::format(", replacing {}", *made.edit.old_buildid)
                                             : std::string());
    for (std::size_t k = 0; k < o.files.size(); ++k) {
        out += fmt::format("  Patch{}: {}\n", made.edit.first_number + k, o.files[k]);
    }
    for (const auto& p : made.padded) {
        out += fmt::format("  note: {} had {} lines or fewer, which ApplyOptionalPatch skips "
                           "silently; kseries put explanatory lines in front of it\n",
                           p, flow::optional_patch_max_lines);
    }
    if (made.edit.replaced_earlier_edit) {
        out += fmt::format("  note: the spec already had kseries' lines for {}; they were "
                           "replaced, not added to\n",
                           o.series);
    }
    if (made.dist) {
        out += fmt::format("  note: rpmbuild ran with dist {} (from the SRPM's release)\n",
                           *made.dist);
    }
    if (request.prep) {
        out += "  %prep (rpmbuild -bp) applied every patch and left each file as kseries "
               "computed\n";
    }
    return out;
}

Expected<int> make(SrpmOptions& opts, const GlobalOptions& global) {
    flow::SrpmRequest& request = opts.request;
    request.defines = KSERIES_TRY(parse_defines(opts.defines));
    Progress progress(global);
    if (progress.active()) {
        request.on_step = [&progress](std::string_view step) {
            progress.step("kseries srpm: " + text::printable(step));
        };
    }
    const auto o = KSERIES_TRY(flow::make_srpm(request));
    switch (o.status) {
    case flow::SrpmStatus::DoesNotApply:
        return emit(fmt::format("{}\n{} does not apply to {} under its spec's policy ({}); the "
                                "SRPM was not touched. See kseries rebase.\n",
                                report::render_check_text(*o.report, {false}), o.label,
                                request.kernel_srpm, o.policy),
                    exit_checks_failed);
    case flow::SrpmStatus::PrepFailed:
        return emit(fmt::format("%prep of the patched spec failed; no SRPM was written.\n{}{}",
                                o.made.prep_failure,
                                o.made.prep_log.empty()
                                    ? std::string()
                                    : fmt::format("full log: {}\n", o.made.prep_log.string())),
                    exit_checks_failed);
    case flow::SrpmStatus::Written:
        break;
    }
    return emit(written_text(request, o), exit_ok);
}

} // namespace

CommandBody add_srpm(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<SrpmOptions>();
    flow::SrpmRequest& r = opts->request;
    auto* cmd = app.add_subcommand("srpm", "Make a patched kernel SRPM from a stock one");
    cmd->add_option("--kernel-srpm", r.kernel_srpm, "the stock kernel SRPM")->required();
    cmd->add_option("--series", r.source.series,
                    "series store (the version is picked for the SRPM's release), store version "
                    "or quilt directory")
        ->required();
    cmd->add_option("--version", r.version, "force this version of the store (e.g. v2)");
    cmd->add_option("--buildid", r.buildid, "the spec's buildid (default: .kseries.<version>)");
    cmd->add_option("--packager", r.packager, "who the %changelog entry names")
        ->capture_default_str();
    cmd->add_option("--define", opts->defines,
                    "an rpm macro for rpmspec and rpmbuild, 'NAME VALUE' (repeatable)");
    cmd->add_flag("--prep", r.prep,
                  "also run %prep (rpmbuild -bp) and check it leaves every file as kseries does");
    cmd->add_option("--out", r.out, "where the SRPM goes")->required();
    return [opts, &global]() -> Expected<int> { return make(*opts, global); };
}

} // namespace kseries::cli
