// kseries check: per patch and hunk, where the series lands on a tree and
// whether each real policy accepts it. Exit 0 when every patch applies under
// the chosen policy, 1 when not.
#include <memory>

#include <fmt/format.h>

#include <kseries/flow/check.hpp>
#include <kseries/report/check_report.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct CheckOptions {
    SeriesJob job;
    std::string format = "text";
};

} // namespace

CommandBody add_check(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<CheckOptions>();
    auto* cmd = app.add_subcommand("check", "Report, per hunk, whether a series applies to a tree");
    opts->job.add_to(*cmd);
    cmd->add_option("--format", opts->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();

    return [opts, &global]() -> Expected<int> {
        const auto result = KSERIES_TRY(flow::check({.job = opts->job.request()}));
        const auto& report = result.report;
        const auto* note = result.job.release ? &*result.job.release : nullptr;
        const int code = report.ok() ? exit_ok : exit_checks_failed;
        if (opts->format == "json") {
            return emit(report::render_check_json(report, note), code);
        }
        // Which release the store's mapping was asked about, and why: a
        // release guessed from the Makefiles can pick the wrong version.
        if (note != nullptr) {
            cli::note(global, "kseries: " +
                                  text::printable(report::release_note_text(*note, result.series)) +
                                  "\n");
        }
        return emit(report::render_check_text(report, {stdout_color(global.color)}), code);
    };
}

} // namespace kseries::cli
