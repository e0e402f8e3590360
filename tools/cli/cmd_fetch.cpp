// kseries fetch: downloads catalog releases' SRPMs from their published URLs
// into the cache, verified, so that matrix reads them without the network
// (flow/fetch.hpp). Prints the cached file of each release; exit 0, or 2 on
// the first release that cannot be fetched.
#include <cstdint>
#include <functional>
#include <memory>

#include <fmt/format.h>

#include <kseries/flow/fetch.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct FetchCommandOptions {
    std::vector<std::string> catalogs;
    std::string cache;
    std::vector<std::string> releases;
    std::vector<std::string> mirrors;
    std::uint64_t max_download = flow::FetchRequest{}.max_download;
};

// Progress on stderr for people at a terminal, unless plain output is asked
// for (terminal.hpp's Progress); redrawn only when the shown tenth of a MiB
// changes, and cleared when the download ends, however it ends.
class ProgressLine {
public:
    explicit ProgressLine(const GlobalOptions& global) : m_line(global) {}

    std::function<void(std::uint64_t, std::uint64_t)> start(const std::string& name) {
        if (!m_line.active()) {
            return {};
        }
        auto tenths_shown = std::make_shared<std::uint64_t>(UINT64_MAX);
        return [this, name, tenths_shown](std::uint64_t done, std::uint64_t total) {
            constexpr double mib = 1024.0 * 1024.0;
            const std::uint64_t tenths = done * 10 / (1024 * 1024);
            if (tenths == *tenths_shown) {
                return;
            }
            *tenths_shown = tenths;
            const double now = static_cast<double>(done) / mib;
            m_line.draw(
                total > 0 ? fmt::format("kseries: {}: {:.1f} of {:.1f} MiB", text::printable(name),
                                        now, static_cast<double>(total) / mib)
                          : fmt::format("kseries: {}: {:.1f} MiB", text::printable(name), now));
        };
    }
    void end() { m_line.clear(); }

private:
    Progress m_line;
};

// What became of one release: on stderr unless --quiet, its file on stdout.
Expected<void> show(const flow::FetchedRelease& got, const GlobalOptions& global) {
    note(global,
         fmt::format("kseries: {}: {}\n", text::printable(got.release),
                     text::printable(!got.downloaded
                                         ? "already in the cache (verified), nothing downloaded"
                                         : fmt::format("downloaded and verified from {}{}", got.url,
                                                       got.url == got.published_url
                                                           ? ""
                                                           : fmt::format(" (mirror of {})",
                                                                         got.published_url)))));
    KSERIES_TRY(emit(got.file.string() + "\n", exit_ok));
    return {};
}

} // namespace

CommandBody add_fetch(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<FetchCommandOptions>();
    auto* cmd = app.add_subcommand(
        "fetch", "Download catalog releases' SRPMs into the cache, verified, for offline use");
    cmd->add_option("--catalog", opts->catalogs,
                    "release catalog file or directory (default: $KSERIES_CATALOG, else the "
                    "catalog kseries was installed or built with)");
    cmd->add_option("--mirror", opts->mirrors,
                    "PUBLISHED=MIRROR: download URLs starting with PUBLISHED from MIRROR instead "
                    "(repeatable; also $KSERIES_MIRROR, rules separated by spaces)");
    cmd->add_option("--cache", opts->cache,
                    "cache directory (default: $XDG_CACHE_HOME/kseries/srpms, else "
                    "~/.cache/kseries/srpms)");
    cmd->add_option("--max-download", opts->max_download,
                    "cap on a download whose size the catalog does not record, e.g. 4G "
                    "(default 2G)")
        ->transform(CLI::AsSizeValue(false));
    cmd->add_option("releases", opts->releases,
                    "catalog releases: names or glob patterns (e.g. '4.18.0-*'), or 'all'")
        ->required();

    return [opts, &global]() -> Expected<int> {
        ProgressLine progress(global);
        const flow::FetchRequest request{
            .catalogs = opts->catalogs,
            .cache = opts->cache,
            .releases = opts->releases,
            .mirrors = opts->mirrors,
            .max_download = opts->max_download,
            .progress = [&](const std::string& name) { return progress.start(name); },
            .on_fetched = [&](const flow::FetchedRelease& got) -> Expected<void> {
                progress.end();
                return show(got, global);
            }};
        auto fetched = flow::fetch(request);
        progress.end();
        KSERIES_TRY(std::move(fetched));
        return exit_ok;
    };
}

} // namespace kseries::cli
