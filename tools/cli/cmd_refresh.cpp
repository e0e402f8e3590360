// kseries refresh: regenerates one patch of a series from an edited tree,
// keeping its header (docs/commands/refresh.md; the steps are
// flow/refresh.hpp's). Nothing but the patch file is written.
#include <memory>

#include <fmt/format.h>

#include <kseries/flow/refresh.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

// What was written, and the series line the new patch needs.
Expected<int> render(const flow::RefreshResult& r, const flow::RefreshRequest& request,
                     const GlobalOptions& global) {
    if (!r.written) {
        return emit(r.text, exit_ok);
    }
    note(global, fmt::format("kseries: refreshed {} from {}\n", text::printable(r.file.string()),
                             text::printable(request.tree)));
    if (r.strip_changed) {
        warn(fmt::format("kseries: note: the refreshed patch names files a/PATH and b/PATH; "
                         "its line in {}/series must read '{} -p1'\n",
                         text::printable(request.series), text::printable(request.patch)));
    }
    return exit_ok;
}

} // namespace

CommandBody add_refresh(CLI::App& app, const GlobalOptions& global) {
    auto request = std::make_shared<flow::RefreshRequest>();
    auto* cmd = app.add_subcommand(
        "refresh", "Regenerate one patch of a series from an edited tree, keeping its header");
    cmd->add_option("--series", request->series, "the series directory")->required();
    cmd->add_option("--patch", request->patch,
                    "the patch to refresh, as named in the series file")
        ->required();
    cmd->add_option("--tree", request->tree,
                    "the edited tree: the series applied up to this patch, then edited")
        ->required();
    cmd->add_option("--base", request->base, "the same kernel tree without the series")
        ->required();
    cmd->add_flag("--dry-run", request->dry_run, "print the new patch instead of writing it");
    return [request, &global]() -> Expected<int> {
        const auto result = KSERIES_TRY(flow::refresh(*request));
        return render(result, *request, global);
    };
}

} // namespace kseries::cli
