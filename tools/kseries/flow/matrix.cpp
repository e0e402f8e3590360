#include <algorithm>
#include <filesystem>
#include <iterator>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/fetch/cache.hpp>
#include <kseries/flow/matrix.hpp>
#include <kseries/flow/target.hpp>
#include <kseries/git/repository.hpp>
#include <kseries/kernel/spec.hpp>
#include <kseries/series/proof_record.hpp>
#include <kseries/source/archive.hpp>

namespace kseries::flow {

namespace fs = std::filesystem;

namespace {

// A source whose tree carries no kernel.spec of its own.
template <typename Tree>
Expected<matrix::OpenedSource> without_spec(Expected<Tree> tree) {
    return matrix::OpenedSource{KSERIES_TRY(std::move(tree)), std::nullopt};
}

// What is kept of the request's archives, worked out once, when one needs it.
class Wanted {
public:
    explicit Wanted(const series::Selection& selection) : m_selection(selection) {}
    Expected<const source::WantedPaths*> get() {
        if (!m_paths) {
            m_paths = KSERIES_TRY(wanted_paths_for(m_selection));
        }
        return &*m_paths;
    }

private:
    const series::Selection& m_selection;
    std::optional<source::WantedPaths> m_paths;
};

// Whether the --tree spec's source is an archive, so needs `wanted`.
bool names_archive(std::string_view what) {
    std::error_code ec;
    return what.ends_with(".src.rpm") ||
           (what.find(".tar") != std::string_view::npos && fs::is_regular_file(what, ec));
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
        auto refs = KSERIES_TRY(git::match_refs(repo, patterns));
        // One handle per worker thread, shared by the rows it reads.
        auto pool = std::make_shared<git::RepositoryPool>(repo);
        for (auto& ref : refs) {
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

// An SRPM, streamed once: the tree from its payload, the policy from its
// own kernel.spec.
matrix::RowSource srpm_source(const std::string& file, std::optional<kernel::Release> named,
                              kernel::ReleaseOrigin named_by, const source::WantedPaths& wanted) {
    matrix::RowSource src;
    src.description = "srpm " + file;
    src.named = std::move(named);
    src.named_by = named_by;
    src.open = [file, wanted]() -> Expected<matrix::OpenedSource> {
        auto srpm = KSERIES_TRY(source::open_srpm(file, wanted));
        return matrix::OpenedSource{std::move(srpm.tree), kernel::policy_from_spec(srpm.spec)};
    };
    return src;
}

// --srpm FILE and --tarball FILE: streamed once, keeping only `wanted`.
Expected<std::vector<matrix::RowSource>> archive_sources(const MatrixRequest& request,
                                                         Wanted& wanted) {
    std::vector<matrix::RowSource> out;
    if (request.srpms.empty() && request.tarballs.empty()) {
        return out;
    }
    const auto* paths = KSERIES_TRY(wanted.get());
    for (const auto& file : request.srpms) {
        out.push_back(srpm_source(file, kernel::parse_release(file),
                                  kernel::ReleaseOrigin::SrpmName, *paths));
    }
    for (const auto& file : request.tarballs) {
        matrix::RowSource src;
        src.description = "tarball " + file;
        src.named = kernel::parse_release(file);
        src.named_by = kernel::ReleaseOrigin::TarballName;
        src.open = [file, keep = *paths]() -> Expected<matrix::OpenedSource> {
            return without_spec(source::open_tarball(file, keep));
        };
        out.push_back(std::move(src));
    }
    return out;
}

// A cached SRPM that is there but no longer what fetch verified (or not
// what the catalog now says) is not read; the row says only that it has no
// source, so say why here.
void warn_if_untrusted(const kernel::CatalogEntry& entry, const fs::path& dir) {
    const auto name = fetch::srpm_file_name(entry);
    std::error_code ec;
    if (name && fs::exists(fs::symlink_status(dir / *name, ec))) {
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
               Wanted& wanted) {
    std::vector<matrix::RowSource> out;
    auto dir = fetch::resolve_cache_dir(cache, fetch::CacheEnv::from_process());
    if (!dir) {
        if (cache.empty()) {
            return out; // no --cache and no home directory: there is no cache to look in
        }
        return std::unexpected(dir.error());
    }
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
        const auto* paths = KSERIES_TRY(wanted.get());
        out.push_back(
            srpm_source(file->string(), entry->release, kernel::ReleaseOrigin::Catalog, *paths));
    }
    return out;
}

// The rows the request names one by one or by pattern: --tree, --git,
// --srpm and --tarball, in that order.
Expected<std::vector<matrix::RowSource>> given_sources(const MatrixRequest& request,
                                                       Wanted& wanted) {
    std::vector<matrix::RowSource> sources;
    for (const auto& spec : request.trees) {
        const auto eq = spec.find('=');
        const std::string what = eq == std::string::npos ? spec : spec.substr(eq + 1);
        // Only an archive is cut down to the wanted paths: a directory or a
        // commit is read file by file.
        static const source::WantedPaths whole;
        const auto* paths = names_archive(what) ? KSERIES_TRY(wanted.get()) : &whole;
        sources.push_back(KSERIES_TRY(tree_row(spec, *paths)));
    }
    auto from_git = KSERIES_TRY(git_sources(request.repos, request.refs));
    std::move(from_git.begin(), from_git.end(), std::back_inserter(sources));
    auto from_archives = KSERIES_TRY(archive_sources(request, wanted));
    std::move(from_archives.begin(), from_archives.end(), std::back_inserter(sources));
    return sources;
}

// The catalog entries --releases asks for as rows.
std::vector<const kernel::CatalogEntry*> catalog_rows(const kernel::Catalog& catalog,
                                                      const std::vector<std::string>& releases) {
    std::vector<const kernel::CatalogEntry*> rows;
    if (releases.empty()) {
        return rows;
    }
    for (const auto& e : catalog.entries()) {
        if (matches_any(e.release.name(), releases)) {
            rows.push_back(&e);
        }
    }
    return rows;
}

} // namespace

Expected<matrix::RowSource> tree_row(const std::string& spec, const source::WantedPaths& wanted) {
    matrix::RowSource src;
    std::string what = spec;
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
        what = spec.substr(eq + 1);
    }
    // How the source names its release when RELEASE= does not: git's ref,
    // the file's name; a directory only by its Makefiles.
    std::error_code ec;
    const auto at = what.rfind('@');
    std::string kind = "tree";
    std::optional<kernel::Release> by_name;
    if (at != std::string::npos && fs::is_directory(what.substr(0, at), ec)) {
        kind = "git";
        by_name = kernel::parse_release(what.substr(at + 1));
        src.named_by = kernel::ReleaseOrigin::GitRef;
    } else if (names_archive(what)) {
        const bool srpm = what.ends_with(".src.rpm");
        kind = srpm ? "srpm" : "tarball";
        by_name = kernel::parse_release(fs::path(what).filename().string());
        src.named_by = srpm ? kernel::ReleaseOrigin::SrpmName : kernel::ReleaseOrigin::TarballName;
    }
    if (!src.named) {
        src.named = std::move(by_name);
    } else {
        src.named_by = kernel::ReleaseOrigin::Given;
    }
    src.description = kind + " " + what;
    src.name_hint = kind == "tree" ? "RELEASE=DIR" : "RELEASE=" + what;
    // Opened through the one grammar (flow/target.hpp); the release it tells
    // is not needed, matrix::run names the row as `src` says or by its
    // Makefiles and the --catalog.
    src.open = [spec, wanted]() -> Expected<matrix::OpenedSource> {
        auto target = KSERIES_TRY(open_target(spec, wanted));
        return matrix::OpenedSource{std::move(target.tree), target.spec_policy};
    };
    return src;
}

Expected<MatrixResult> matrix(const MatrixRequest& request) {
    MatrixResult out;
    out.series = request.source.label();
    out.selection = std::make_unique<series::Selection>(KSERIES_TRY(request.source.select()));
    out.catalog = std::make_unique<kernel::Catalog>(KSERIES_TRY(load_catalog(request.catalogs)));
    Wanted wanted(*out.selection);
    auto sources = KSERIES_TRY(given_sources(request, wanted));
    matrix::Options options{.jobs = request.jobs,
                            .catalog_rows = catalog_rows(*out.catalog, request.releases),
                            .progress = request.progress,
                            .closest = request.closest};
    auto from_cache = KSERIES_TRY(cached_sources(options.catalog_rows, sources, request.cache,
                                                 wanted));
    std::move(from_cache.begin(), from_cache.end(), std::back_inserter(sources));
    if (sources.empty() && options.catalog_rows.empty()) {
        return fail(ErrorKind::Usage,
                    "no releases: give --tree DIR, --git REPO --refs PATTERN, --srpm FILE, "
                    "--tarball FILE, or --releases PATTERN from the catalog");
    }
    out.matrix = KSERIES_TRY(
        matrix::run(*out.selection, out.series, sources, *out.catalog, options));
    // What verify --boot proved is kept in the store, beside its versions.
    if (const auto* store = out.selection->store()) {
        matrix::attach_proofs(out.matrix, KSERIES_TRY(series::load_proofs(store->dir())));
    }
    return out;
}

} // namespace kseries::flow
