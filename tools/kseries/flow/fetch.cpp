#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include <kseries/fetch/cache.hpp>
#include <kseries/fetch/mirror.hpp>
#include <kseries/flow/fetch.hpp>
#include <kseries/flow/inputs.hpp>

namespace kseries::flow {

namespace {

// --mirror rules, then $KSERIES_MIRROR's; the longest matching prefix wins.
Expected<std::vector<fetch::Mirror>> mirror_rules(const std::vector<std::string>& given) {
    auto rules = KSERIES_TRY(fetch::parse_mirrors(given, "--mirror"));
    if (const char* env = std::getenv("KSERIES_MIRROR")) {
        auto more =
            KSERIES_TRY(fetch::parse_mirrors(fetch::split_mirror_list(env), "$KSERIES_MIRROR"));
        rules.insert(rules.end(), more.begin(), more.end());
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

// One release into the cache, from its mirror when a rule names one:
// messages name the URL that was actually read.
Expected<FetchedRelease> fetch_one(const FetchRequest& request,
                                   const kernel::CatalogEntry& published,
                                   const std::vector<fetch::Mirror>& mirrors,
                                   const std::filesystem::path& cache) {
    kernel::CatalogEntry mirror = published;
    mirror.url = fetch::mirrored(published.url, mirrors);
    fetch::FetchOptions options{.cache_dir = cache,
                                .progress =
                                    request.progress ? request.progress(mirror.srpm) : nullptr,
                                .max_download = request.max_download,
                                .runner = request.runner};
    const auto got = KSERIES_TRY(fetch::fetch_srpm(mirror, options));
    return FetchedRelease{mirror.release.name(), got.file,
                          got.status == fetch::FetchStatus::Downloaded, mirror.url, published.url};
}

} // namespace

Expected<std::vector<FetchedRelease>> fetch(const FetchRequest& request) {
    const auto catalog = KSERIES_TRY(load_catalog(request.catalogs));
    const auto entries = KSERIES_TRY(select(catalog, request.releases));
    const auto mirrors = KSERIES_TRY(mirror_rules(request.mirrors));
    // Every release must be fetchable before anything is downloaded.
    for (const auto* e : entries) {
        KSERIES_TRY(fetch::fetchable(*e));
    }
    const auto dir =
        KSERIES_TRY(fetch::resolve_cache_dir(request.cache, fetch::CacheEnv::from_process()));
    std::vector<FetchedRelease> out;
    for (const auto* published : entries) {
        out.push_back(KSERIES_TRY(fetch_one(request, *published, mirrors, dir)));
        if (request.on_fetched) {
            KSERIES_TRY(request.on_fetched(out.back()));
        }
    }
    return out;
}

} // namespace kseries::flow
