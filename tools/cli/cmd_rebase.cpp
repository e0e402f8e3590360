// kseries rebase: carries a version of a series store onto a new kernel tree
// and writes the next version (docs/commands/rebase.md). Exit 0 when the new
// version was written, 1 when the rebase stopped for the maintainer (the
// workspace says what to do), 2 on bad input (nothing written).
#include <memory>

#include <fmt/format.h>

#include <kseries/flow/rebase.hpp>
#include <kseries/report/rebase_report.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct RebaseOptions {
    flow::RebaseRequest start;
    std::string as;                           // --as, also taken by --continue
    std::string workspace = "kseries-rebase"; // the request's, as given
    std::string reason; // --skip's reason
    std::string format = "text";
    bool resume = false;
    bool skip = false;
    bool abort = false;
    bool no_compile = false; // --continue writes without the compile check
};

// A note of --continue: on stdout before a text report, on stderr when
// stdout carries a JSON or Markdown document.
Expected<void> say(const std::string& format, const std::string& text) {
    if (format != "text") {
        warn(text);
        return {};
    }
    KSERIES_TRY(emit(text, exit_ok));
    return {};
}

Expected<int> render(const RebaseOptions& opts, const flow::RebaseOutcome& out) {
    if (out.compile) {
        KSERIES_TRY(say(opts.format, out.compile->text));
        if (out.compile->failed) {
            return exit_checks_failed;
        }
    }
    const auto rep = out.report();
    const std::string text = opts.format == "json" ? report::render_rebase_json(rep)
                             : opts.format == "md" ? report::render_rebase_markdown(rep)
                                                   : report::render_rebase_text(rep);
    return emit(text, out.result.stopped() ? exit_checks_failed : exit_ok);
}

Expected<int> run(RebaseOptions& opts) {
    opts.start.workspace = opts.workspace;
    if (opts.abort) {
        const auto out = KSERIES_TRY(flow::rebase_abort(opts.start.workspace));
        return emit(fmt::format("rebase aborted; {} removed, {} unchanged\n",
                                out.workspace.string(), out.store),
                    exit_ok);
    }
    if (opts.resume || opts.skip) {
        const auto out = KSERIES_TRY(flow::rebase_resume({
            .workspace = opts.start.workspace,
            .resolution = opts.skip ? flow::Resolution::Skip : flow::Resolution::Continue,
            .reason = opts.reason,
            .compile = opts.no_compile ? flow::CompileChoice::Skip : flow::CompileChoice::Run,
            .fixed_name = !opts.as.empty(),
        }));
        return render(opts, out);
    }
    opts.start.as = opts.as;
    return render(opts, KSERIES_TRY(flow::rebase_start(opts.start)));
}

} // namespace

CommandBody add_rebase(CLI::App& app, const GlobalOptions& /*global*/) {
    auto opts = std::make_shared<RebaseOptions>();
    auto& start = opts->start;
    auto* cmd = app.add_subcommand(
        "rebase", "Carry a version of a series store onto a new kernel tree as the next version");
    cmd->add_option("--series", start.store, "the series store (series/NAME)");
    cmd->add_option("--from", start.from, "the version to carry (v1, v2, ...)");
    cmd->add_option("--onto", start.onto,
                    "the target: DIR, RELEASE=DIR, REPO@REF, a kernel SRPM or a tarball");
    cmd->add_option("--as", opts->as, "the new version's name (default: the next number)");
    cmd->add_option("--base", start.base,
                    "a tree of the version's base release: its files are used for three-way "
                    "merges when their blob ids are the recorded ones");
    cmd->add_option("--workspace", opts->workspace, "where a stopped rebase is resolved")
        ->capture_default_str();
    cmd->add_option("--changelog", start.changelog, "the new version's changelog line");
    cmd->add_option("--format", opts->format, "text, md or json")
        ->check(CLI::IsMember({"text", "md", "json"}))
        ->capture_default_str();
    auto* cont = cmd->add_flag("--continue", opts->resume,
                               "take the workspace's edited files as the stopped patch, go on");
    auto* skip = cmd->add_flag("--skip", opts->skip,
                               "leave the stopped patch out (recorded as skipped), go on");
    cmd->add_option("--reason", opts->reason,
                    "with --skip: why the patch is left out (recorded in version.toml)")
        ->needs(skip);
    auto* abort = cmd->add_flag("--abort", opts->abort, "forget the stopped rebase");
    cmd->add_flag("--accept", start.accept,
                  "carry a patch whose hunks stop with the proposal shown for them (only "
                  "unambiguous ones); refuse, writing nothing, when there is none")
        ->excludes(cont)
        ->excludes(skip)
        ->excludes(abort);
    cmd->add_flag("--no-compile", opts->no_compile,
                  "with --continue: write the version without building it on a whole kernel tree")
        ->needs(cont);
    cont->excludes(skip)->excludes(abort);
    skip->excludes(abort);
    return [opts]() -> Expected<int> { return run(*opts); };
}

} // namespace kseries::cli
