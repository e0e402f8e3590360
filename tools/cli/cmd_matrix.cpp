// kseries matrix: one series against many kernel releases; rows in rpm
// version order, one column per patch, each release judged by its own patch
// policy. Exit 0 when every release in scope is covered, 1 otherwise.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/fetch/cache.hpp>
#include <kseries/git/repository.hpp>
#include <kseries/kernel/catalog.hpp>
#include <kseries/kernel/spec.hpp>
#include <kseries/matrix/matrix.hpp>
#include <kseries/report/matrix_report.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct MatrixOptions {
    PatchSource source;
    std::vector<std::string> trees;
    std::vector<std::string> repos;
    std::vector<std::string> srpms;
    std::vector<std::string> tarballs;
    std::vector<std::string> refs;
    std::vector<std::string> catalogs;
    std::vector<std::string> releases;
    std::string cache;
    std::string format = "text";
    std::string output;
    unsigned jobs = 1;
};

// A source whose tree carries no kernel.spec of its own.
template <typename Tree>
Expected<matrix::OpenedSource> without_spec(Expected<Tree> tree) {
    if (!tree) {
        return std::unexpected(tree.error());
    }
    return matrix::OpenedSource{std::move(*tree), std::nullopt};
}

// --tree [RELEASE=]DIR
Expected<matrix::RowSource> tree_source(const std::string& spec) {
    matrix::RowSource src;
    std::string dir = spec;
    if (const auto eq = spec.find('='); eq != std::string::npos) {
        const std::string name = spec.substr(0, eq);
        auto release = kernel::parse_release(name);
        if (!release) {
            return fail(ErrorKind::Usage,
                        fmt::format("--tree {}: '{}' is not a kernel release like "
                                    "4.18.0-193.el8",
                                    spec, name));
        }
        src.named = std::move(*release);
        dir = spec.substr(eq + 1);
    }
    src.description = "tree " + dir;
    src.name_hint = "RELEASE=DIR";
    src.open = [dir]() -> Expected<matrix::OpenedSource> {
        return without_spec(source::DirectoryTree::open(dir));
    };
    return src;
}

// One row per ref of each --git repository that the --refs patterns match.
Expected<std::vector<matrix::RowSource>> git_sources(const std::vector<std::string>& repos,
                                                     const std::vector<std::string>& patterns) {
    std::vector<matrix::RowSource> out;
    if (repos.empty()) {
        return out;
    }
    if (patterns.empty()) {
        return fail(ErrorKind::Usage, "--git needs --refs PATTERN (e.g. 'kernel-5.14.0-*')");
    }
    for (const auto& repo : repos) {
        auto refs = git::match_refs(repo, patterns);
        if (!refs) {
            return std::unexpected(refs.error());
        }
        // One handle per worker thread, shared by the rows it reads.
        auto pool = std::make_shared<git::RepositoryPool>(repo);
        for (auto& ref : *refs) {
            matrix::RowSource src;
            src.description = fmt::format("git {}@{}", repo, ref.name);
            src.named = kernel::parse_release(ref.name);
            src.named_by = kernel::ReleaseOrigin::GitRef;
            src.given = matrix::Given::ByPattern;
            src.open = [pool, commit = ref.commit_id]() -> Expected<matrix::OpenedSource> {
                return without_spec(pool->open_commit_tree(commit));
            };
            out.push_back(std::move(src));
        }
    }
    return out;
}

// What is kept of an archive: the files the series touches, and the
// Makefiles that tell the release.
Expected<source::WantedPaths> archive_paths(const series::Selection& series) {
    auto wanted = series.touched_paths();
    if (wanted) {
        wanted->insert({"Makefile", "Makefile.rhelver"});
    }
    return wanted;
}

// An SRPM, streamed once: the tree from its payload, the policy from its
// own kernel.spec.
matrix::RowSource srpm_source(const std::string& file, std::optional<kernel::Release> named,
                              kernel::ReleaseOrigin named_by, const source::WantedPaths& wanted) {
    matrix::RowSource src;
    src.description = "srpm " + file;
    src.named = std::move(named);
    src.named_by = named_by;
    src.open = [file, wanted]() -> Expected<matrix::OpenedSource> {
        auto srpm = source::open_srpm(file, wanted);
        if (!srpm) {
            return std::unexpected(srpm.error());
        }
        return matrix::OpenedSource{std::move(srpm->tree), kernel::policy_from_spec(srpm->spec)};
    };
    return src;
}

// --srpm FILE and --tarball FILE: streamed once, keeping only `wanted`.
std::vector<matrix::RowSource> archive_sources(const std::vector<std::string>& srpms,
                                               const std::vector<std::string>& tarballs,
                                               const source::WantedPaths& wanted) {
    std::vector<matrix::RowSource> out;
    for (const auto& file : srpms) {
        out.push_back(srpm_source(file, kernel::parse_release(file),
                                  kernel::ReleaseOrigin::SrpmName, wanted));
    }
    for (const auto& file : tarballs) {
        matrix::RowSource src;
        src.description = "tarball " + file;
        src.named = kernel::parse_release(file);
        src.named_by = kernel::ReleaseOrigin::TarballName;
        src.open = [file, wanted]() -> Expected<matrix::OpenedSource> {
            return without_spec(source::open_tarball(file, wanted));
        };
        out.push_back(std::move(src));
    }
    return out;
}

// A cached SRPM that is there but no longer what fetch verified (or not
// what the catalog now says) is not read; the row says only that it has no
// source, so say why here.
void warn_if_untrusted(const kernel::CatalogEntry& entry, const std::filesystem::path& dir) {
    const auto name = fetch::srpm_file_name(entry);
    std::error_code ec;
    if (name && std::filesystem::exists(std::filesystem::symlink_status(dir / *name, ec))) {
        spdlog::warn("{}: not used, it does not match the SHA-256 recorded when it was fetched or "
                     "the catalog; `kseries fetch {}` downloads it again",
                     (dir / *name).string(), entry.release.name());
    }
}

// Catalog rows that no other source gives, read from the SRPM that
// `kseries fetch` left in the cache, when it is there and verified.
Expected<std::vector<matrix::RowSource>>
cached_sources(const std::vector<const kernel::CatalogEntry*>& rows,
               const std::vector<matrix::RowSource>& given, const std::string& cache,
               const series::Selection& series) {
    std::vector<matrix::RowSource> out;
    auto dir = fetch::resolve_cache_dir(cache, fetch::CacheEnv::from_process());
    if (!dir) {
        if (cache.empty()) {
            return out; // no --cache and no home directory: there is no cache to look in
        }
        return std::unexpected(dir.error());
    }
    std::optional<source::WantedPaths> wanted;
    for (const auto* entry : rows) {
        const bool named = std::any_of(given.begin(), given.end(), [&](const auto& src) {
            return src.named && *src.named == entry->release;
        });
        const auto file = named ? std::nullopt : fetch::cached_srpm(*entry, *dir);
        if (!file) {
            if (!named) {
                warn_if_untrusted(*entry, *dir);
            }
            continue;
        }
        if (!wanted) {
            auto paths = archive_paths(series);
            if (!paths) {
                return std::unexpected(paths.error());
            }
            wanted = std::move(*paths);
        }
        out.push_back(
            srpm_source(file->string(), entry->release, kernel::ReleaseOrigin::Catalog, *wanted));
    }
    return out;
}

} // namespace

CommandBody add_matrix(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<MatrixOptions>();
    auto* cmd = app.add_subcommand("matrix", "Check a series against many kernel releases");
    opts->source.add_to(*cmd);
    cmd->add_option("--tree", opts->trees, "a kernel tree, as DIR or RELEASE=DIR (repeatable)");
    cmd->add_option("--git", opts->repos, "a git repository of kernel trees (repeatable)");
    cmd->add_option("--refs", opts->refs,
                    "refs of the --git repositories: glob patterns on tag and branch names, or "
                    "commits");
    cmd->add_option("--srpm", opts->srpms, "a kernel SRPM (kernel-*.src.rpm; repeatable)");
    cmd->add_option("--tarball", opts->tarballs,
                    "a kernel tarball (linux-*.tar.xz or .tar.gz; repeatable)");
    cmd->add_option("--catalog", opts->catalogs,
                    "release catalog file or directory (default: $KSERIES_CATALOG, else the one installed "
                    "or built with kseries)");
    cmd->add_option("--releases", opts->releases,
                    "catalog releases to include as rows: glob patterns, or 'all'");
    cmd->add_option("--cache", opts->cache,
                    "where `kseries fetch` keeps SRPMs, read for --releases rows (default: "
                    "$XDG_CACHE_HOME/kseries/srpms)");
    cmd->add_option("--format", opts->format, "text, md, json, html or junit")
        ->check(CLI::IsMember({"text", "md", "json", "html", "junit"}))
        ->capture_default_str();
    cmd->add_option("-o,--output", opts->output,
                    "write the report to FILE (atomically) instead of standard output");
    cmd->add_option("-j,--jobs", opts->jobs, "releases checked in parallel")
        ->check(CLI::Range(1U, 256U))
        ->capture_default_str();

    return [opts, &global]() -> Expected<int> {
        auto series = opts->source.select();
        if (!series) {
            return std::unexpected(series.error());
        }
        auto catalog = load_catalog(opts->catalogs);
        if (!catalog) {
            return std::unexpected(catalog.error());
        }
        std::vector<matrix::RowSource> sources;
        for (const auto& spec : opts->trees) {
            auto src = tree_source(spec);
            if (!src) {
                return std::unexpected(src.error());
            }
            sources.push_back(std::move(*src));
        }
        auto from_git = git_sources(opts->repos, opts->refs);
        if (!from_git) {
            return std::unexpected(from_git.error());
        }
        std::move(from_git->begin(), from_git->end(), std::back_inserter(sources));
        if (!opts->srpms.empty() || !opts->tarballs.empty()) {
            auto wanted = archive_paths(*series);
            if (!wanted) {
                return std::unexpected(wanted.error());
            }
            auto from_archives = archive_sources(opts->srpms, opts->tarballs, *wanted);
            std::move(from_archives.begin(), from_archives.end(), std::back_inserter(sources));
        }
        matrix::Options options;
        options.jobs = opts->jobs;
        options.closest = opts->format != "text" && opts->format != "md";
        if (!opts->releases.empty()) {
            for (const auto& e : catalog->entries()) {
                if (matches_any(e.release.name(), opts->releases)) {
                    options.catalog_rows.push_back(&e);
                }
            }
        }
        auto from_cache = cached_sources(options.catalog_rows, sources, opts->cache, *series);
        if (!from_cache) {
            return std::unexpected(from_cache.error());
        }
        std::move(from_cache->begin(), from_cache->end(), std::back_inserter(sources));
        if (sources.empty() && options.catalog_rows.empty()) {
            return fail(ErrorKind::Usage,
                        "no releases: give --tree DIR, --git REPO --refs PATTERN, --srpm FILE, "
                        "--tarball FILE, or --releases PATTERN from the catalog");
        }
        // A progress line on stderr, only for people at a terminal.
        const bool progress = (opts->format == "text" || !opts->output.empty()) && !global.quiet &&
                              ::isatty(STDERR_FILENO) != 0 && stdout_color(global.color);
        std::mutex mu;
        if (progress) {
            options.progress = [&mu](std::size_t done, std::size_t total) {
                const std::scoped_lock lock(mu);
                fmt::print(stderr, "\rkseries: checked {}/{} releases", done, total);
                if (done == total) {
                    fmt::print(stderr, "\r\033[K");
                }
            };
        }
        auto m = matrix::run(*series, opts->source.label(), sources, *catalog, options);
        if (!m) {
            return std::unexpected(m.error());
        }
        const int code = m->covered() ? exit_ok : exit_checks_failed;
        std::string out;
        if (opts->format == "json") {
            out = report::render_matrix_json(*m);
        } else if (opts->format == "md") {
            out = report::render_matrix_markdown(*m);
        } else if (opts->format == "html") {
            out = report::render_matrix_html(*m);
        } else if (opts->format == "junit") {
            out = report::render_matrix_junit(*m);
        } else {
            out = report::render_matrix_text(*m,
                                             {opts->output.empty() && stdout_color(global.color)});
        }
        if (!opts->output.empty()) {
            if (auto written = write_output_file(opts->output, out); !written) {
                return std::unexpected(written.error());
            }
            if (!global.quiet) {
                fmt::print(
                    stderr, "{}",
                    screen(fmt::format("kseries: wrote the {} report to {} ({})\n", opts->format,
                                       text::printable(opts->output), report::coverage_text(*m))));
            }
            return code;
        }
        return emit(out, code);
    };
}

} // namespace kseries::cli
