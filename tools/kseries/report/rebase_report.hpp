// Reports of `kseries rebase`: per patch its fate, per hunk the step that
// placed it and how far it moved (text, Markdown, JSON; docs/commands/rebase.md).
#pragma once

#include <optional>
#include <string>

#include <kseries/kernel/detect.hpp>
#include <kseries/rebase/rebase.hpp>
#include <kseries/rebase/workspace.hpp>

namespace kseries::report {

struct RebaseReport {
    const rebase::Request* request = nullptr;
    const rebase::Result* result = nullptr;
    std::string written;   // the new version's directory, when written
    std::string workspace; // the workspace, when the rebase stopped
    // Why no version was written though nothing stopped: "v2 already
    // applies exactly to RELEASE; nothing written".
    std::string nothing_written;
    // The target's release and how it was told, when it could be.
    std::optional<kernel::Detected> onto_release;
};

[[nodiscard]] std::string render_rebase_text(const RebaseReport& r);
[[nodiscard]] std::string render_rebase_markdown(const RebaseReport& r);
[[nodiscard]] std::string render_rebase_json(const RebaseReport& r);

} // namespace kseries::report
