// kseries publish: adds RPMs to a yum/dnf repository directory and updates
// its metadata with createrepo_c (flow/publish.hpp). Prints what each RPM
// became (added, unchanged, replaced); exit 0, or 2 with nothing copied
// when an input is not an RPM or would change an already published N-V-R.
#include <memory>

#include <fmt/format.h>

#include <kseries/flow/publish.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "terminal.hpp"

namespace kseries::cli {

namespace {

struct PublishCommandOptions {
    std::string repo;
    std::vector<std::string> rpms;
    bool replace = false;
};

} // namespace

CommandBody add_publish(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<PublishCommandOptions>();
    auto* cmd = app.add_subcommand(
        "publish", "Add RPMs to a dnf/yum repository directory and update its metadata");
    cmd->add_option("--repo", opts->repo, "the repository directory (created when missing)")
        ->required();
    cmd->add_flag("--replace", opts->replace,
                  "allow an already published file name to get different content");
    cmd->add_option("rpms", opts->rpms, "the RPM files to publish")->required();

    return [opts, &global]() -> Expected<int> {
        const flow::PublishRequest request{
            .repo = opts->repo,
            .rpms = {opts->rpms.begin(), opts->rpms.end()},
            .replace = opts->replace,
            .before_waiting = [&] {
                note(global, fmt::format("kseries: waiting for another publish to {} to finish\n",
                                         text::printable(opts->repo)));
            }};
        const auto published = KSERIES_TRY(flow::publish(request));
        std::string text;
        for (const auto& f : published.files) {
            text += fmt::format("{}: {} (from {})\n", flow::status_word(f.status),
                                f.target.string(), f.source.string());
        }
        return emit(text, exit_ok);
    };
}

} // namespace kseries::cli
