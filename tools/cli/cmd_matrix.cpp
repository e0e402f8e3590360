// kseries matrix: one series against many kernel releases; rows in rpm
// version order, one column per patch, each release judged by its own patch
// policy. Exit 0 when every release in scope is covered, 1 otherwise.
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include <kseries/flow/matrix.hpp>
#include <kseries/report/matrix_report.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct MatrixOptions {
    PatchSource source;
    flow::MatrixRequest request;
    std::string format = "text";
    std::string output;
    std::string group = "minor";
    std::string only;
};

void add_options(CLI::App& cmd, MatrixOptions& opts) {
    auto& r = opts.request;
    opts.source.add_to(cmd);
    cmd.add_option("--tree", r.trees,
                   "a kernel tree: DIR, RELEASE=DIR, REPO@REF, an SRPM or a tarball (repeatable)");
    cmd.add_option("--git", r.repos, "a git repository of kernel trees (repeatable)");
    cmd.add_option("--refs", r.refs,
                   "refs of the --git repositories: glob patterns on tag and branch names, or "
                   "commits");
    cmd.add_option("--srpm", r.srpms, "a kernel SRPM (kernel-*.src.rpm; repeatable)");
    cmd.add_option("--tarball", r.tarballs,
                   "a kernel tarball (linux-*.tar.xz or .tar.gz; repeatable)");
    cmd.add_option("--catalog", r.catalogs,
                   "release catalog file or directory (default: $KSERIES_CATALOG, else the one "
                   "installed or built with kseries)");
    cmd.add_option("--releases", r.releases,
                   "catalog releases to include as rows: glob patterns, or 'all'");
    cmd.add_option("--cache", r.cache,
                   "where `kseries fetch` keeps SRPMs, read for --releases rows (default: "
                   "$XDG_CACHE_HOME/kseries/srpms)");
    cmd.add_option("--format", opts.format, "text, md, json, html or junit")
        ->check(CLI::IsMember({"text", "md", "json", "html", "junit"}))
        ->capture_default_str();
    cmd.add_option("--group", opts.group,
                   "text and md: fold consecutive releases of one minor (or lineage) whose cells "
                   "are identical into one row: none, minor or lineage")
        ->check(CLI::IsMember({"none", "minor", "lineage"}))
        ->capture_default_str();
    cmd.add_option("--only", opts.only, "text and md: show only the releases that fail (failures)")
        ->check(CLI::IsMember({"failures"}));
    cmd.add_option("-o,--output", opts.output,
                   "write the report to FILE (atomically) instead of standard output");
    cmd.add_option("-j,--jobs", r.jobs, "releases checked in parallel")
        ->check(CLI::Range(1U, 256U))
        ->capture_default_str();
}

std::string render(const matrix::Matrix& m, const MatrixOptions& opts,
                   const GlobalOptions& global) {
    if (opts.format == "json") {
        return report::render_matrix_json(m);
    }
    const report::MatrixView view{*matrix::parse_grouping(opts.group), opts.only == "failures"};
    if (opts.format == "md") {
        return report::render_matrix_markdown(m, view);
    }
    if (opts.format == "html") {
        return report::render_matrix_html(m);
    }
    if (opts.format == "junit") {
        return report::render_matrix_junit(m);
    }
    return report::render_matrix_text(m, {opts.output.empty() && stdout_color(global.color)}, view);
}

} // namespace

CommandBody add_matrix(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<MatrixOptions>();
    auto* cmd = app.add_subcommand("matrix", "Check a series against many kernel releases");
    add_options(*cmd, *opts);

    return [opts, &global]() -> Expected<int> {
        flow::MatrixRequest request = opts->request;
        request.source = opts->source;
        request.closest = opts->format != "text" && opts->format != "md";
        // A progress line on stderr, for people at a terminal reading text
        // or waiting for the -o file.
        std::mutex mu;
        Progress line(global);
        if ((opts->format == "text" || !opts->output.empty()) && line.active()) {
            request.progress = [&mu, &line](std::size_t done, std::size_t total) {
                const std::scoped_lock lock(mu);
                line.draw(fmt::format("kseries: checked {}/{} releases", done, total));
                if (done == total) {
                    line.clear();
                }
            };
        }
        const auto result = KSERIES_TRY(flow::matrix(request));
        const auto& m = result.matrix;
        const int code = m.covered() ? exit_ok : exit_checks_failed;
        const std::string out = render(m, *opts, global);
        if (opts->output.empty()) {
            return emit(out, code);
        }
        KSERIES_TRY(write_output_file(opts->output, out));
        note(global, fmt::format("kseries: wrote the {} report to {} ({})\n", opts->format,
                                 text::printable(opts->output), report::coverage_text(m)));
        return code;
    };
}

} // namespace kseries::cli
