// Where the release catalog is found, wherever kseries runs. The catalog
// decides each release's patch policy; a kseries that silently found none
// would judge every release by the default policy, so the choice and how
// it was made are returned for the CLI to say.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kseries::kernel {

enum class CatalogOrigin {
    Option,      // --catalog PATH...
    Environment, // $KSERIES_CATALOG
    BuiltIn,     // the installed data directory, or the source tree of a build
    None,        // nothing found: releases take the default policy
};

// What the search looks at, in order: --catalog, then $KSERIES_CATALOG (a
// list of paths separated by ':', like PATH), then the built-in
// directories; only paths that exist count from the last two.
struct CatalogSearch {
    std::vector<std::string> given;             // --catalog, as given (used even if missing)
    std::optional<std::string> env;             // $KSERIES_CATALOG, nullopt when unset
    std::vector<std::filesystem::path> builtin; // built_in_catalog_dirs(), in order
};

struct CatalogChoice {
    std::vector<std::filesystem::path> paths; // what Catalog::load reads
    CatalogOrigin origin = CatalogOrigin::None;
    std::string how;                  // e.g. "$KSERIES_CATALOG", "built in (installed)"
    std::vector<std::string> skipped; // not found, for a warning (built-in ones: when none is)
};

// The pure search: `exists` tells whether a path is there.
[[nodiscard]] CatalogChoice choose_catalog(const CatalogSearch& search,
                                           bool (*exists)(const std::filesystem::path&));

// The built-in catalog directories for a binary at `exe`, in order: the
// catalog of the install it is part of (`relative` to its directory, i.e.
// ../share/kseries/kernels, so a relocated prefix works), the source tree's
// kernels/ it was built from, and the configured prefix's catalog (the last
// two fixed when kseries was built). An empty `exe` (unknown) skips the first.
[[nodiscard]] std::vector<std::filesystem::path>
built_in_catalog_dirs(const std::filesystem::path& exe, const std::filesystem::path& relative,
                      const std::filesystem::path& installed, const std::filesystem::path& source);

// The search of this process: its --catalog, its environment, and the
// directories this kseries was built with (read through /proc/self/exe).
[[nodiscard]] CatalogChoice find_catalog(const std::vector<std::string>& given);

} // namespace kseries::kernel
