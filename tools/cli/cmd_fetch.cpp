// kseries fetch: downloads catalog releases' SRPMs from their published URLs
// into the cache, verified, so that matrix reads them without the network.
// Prints the cached file of each release; exit 0, or 2 on the first release
// that cannot be fetched.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>

#include <fmt/format.h>

#include <kseries/fetch/cache.hpp>
#include <kseries/fetch/download.hpp>
#include <kseries/fetch/mirror.hpp>
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
    std::uint64_t max_download = fetch::FetchOptions{}.max_download;
};

// --mirror rules, then $KSERIES_MIRROR's; the longest matching prefix wins.
Expected<std::vector<fetch::Mirror>> mirror_rules(const std::vector<std::string>& given) {
    auto rules = fetch::parse_mirrors(given, "--mirror");
    if (!rules) {
        return rules;
    }
    if (const char* env = std::getenv("KSERIES_MIRROR")) {
        auto more = fetch::parse_mirrors(fetch::split_mirror_list(env), "$KSERIES_MIRROR");
        if (!more) {
            return more;
        }
        rules->insert(rules->end(), more->begin(), more->end());
    }
    return rules;
}

// The entries the patterns name, in catalog order; a pattern that names
// none is a mistake worth stopping for.
Expected<std::vector<const kernel::CatalogEntry*>>
select(const kernel::Catalog& catalog, const std::vector<std::string>& patterns) {
    for (const auto& p : patterns) {
        const bool any =
            std::any_of(catalog.entries().begin(), catalog.entries().end(),
                        [&](const auto& e) { return matches_any(e.release.name(), {p}); });
        if (!any) {
            return fail(ErrorKind::Usage, fmt::format("no release in the catalog matches '{}'", p));
        }
    }
    std::vector<const kernel::CatalogEntry*> out;
    for (const auto& e : catalog.entries()) {
        if (matches_any(e.release.name(), patterns)) {
            out.push_back(&e);
        }
    }
    return out;
}

// Progress on stderr for people at a terminal, unless plain output is asked
// for; redrawn only when the shown tenth of a MiB changes.
std::function<void(std::uint64_t, std::uint64_t)> progress_line(const GlobalOptions& global,
                                                                const std::string& name) {
    if (!stderr_progress(global.quiet)) {
        return {};
    }
    auto shown = std::make_shared<std::uint64_t>(UINT64_MAX);
    return [name, shown](std::uint64_t done, std::uint64_t total) {
        constexpr double mib = 1024.0 * 1024.0;
        const std::uint64_t tenths = done * 10 / (1024 * 1024);
        if (tenths == *shown) {
            return;
        }
        *shown = tenths;
        const double now = static_cast<double>(done) / mib;
        if (total > 0) {
            fmt::print(stderr, "\r\033[Kkseries: {}: {:.1f} of {:.1f} MiB", text::printable(name),
                       now, static_cast<double>(total) / mib);
        } else {
            fmt::print(stderr, "\r\033[Kkseries: {}: {:.1f} MiB", text::printable(name), now);
        }
    };
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
        auto catalog = load_catalog(opts->catalogs);
        if (!catalog) {
            return std::unexpected(catalog.error());
        }
        auto entries = select(*catalog, opts->releases);
        if (!entries) {
            return std::unexpected(entries.error());
        }
        auto mirrors = mirror_rules(opts->mirrors);
        if (!mirrors) {
            return std::unexpected(mirrors.error());
        }
        // Every release must be fetchable before anything is downloaded.
        for (const auto* e : *entries) {
            if (auto ok = fetch::fetchable(*e); !ok) {
                return std::unexpected(ok.error());
            }
        }
        auto dir = fetch::resolve_cache_dir(opts->cache, fetch::CacheEnv::from_process());
        if (!dir) {
            return std::unexpected(dir.error());
        }
        for (const auto* published : *entries) {
            // The same release, downloaded from the mirror: messages name
            // the URL that was actually read.
            kernel::CatalogEntry mirror = *published;
            mirror.url = fetch::mirrored(published->url, *mirrors);
            const auto* e = &mirror;
            auto progress = progress_line(global, e->srpm);
            auto got = fetch::fetch_srpm(*e, {*dir, progress, opts->max_download});
            if (progress) {
                fmt::print(stderr, "\r\033[K");
            }
            if (!got) {
                return std::unexpected(got.error());
            }
            if (!global.quiet) {
                fmt::print(
                    stderr, "kseries: {}: {}\n", text::printable(e->release.name()),
                    text::printable(
                        got->status == fetch::FetchStatus::AlreadyCached
                            ? "already in the cache (verified), nothing downloaded"
                            : fmt::format("downloaded and verified from {}{}", e->url,
                                          e->url == published->url
                                              ? ""
                                              : fmt::format(" (mirror of {})", published->url))));
            }
            if (auto shown = emit(got->file.string() + "\n", exit_ok); !shown) {
                return shown;
            }
        }
        return exit_ok;
    };
}

} // namespace kseries::cli
