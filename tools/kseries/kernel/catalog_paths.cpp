#include <algorithm>
#include <cstdlib>
#include <system_error>

#include <kseries/kernel/catalog_paths.hpp>

// Fixed by tools/kseries/CMakeLists.txt for this file only.
#ifndef KSERIES_INSTALLED_CATALOG
#error "KSERIES_INSTALLED_CATALOG must be defined (the install's share/kseries/kernels)"
#endif
#ifndef KSERIES_RELATIVE_CATALOG
#error "KSERIES_RELATIVE_CATALOG must be defined (share/kseries/kernels relative to bin)"
#endif
#ifndef KSERIES_SOURCE_CATALOG
#error "KSERIES_SOURCE_CATALOG must be defined (the source tree's kernels/)"
#endif

namespace kseries::kernel {

namespace {

std::vector<std::string> split_path_list(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t end = std::min(list.find(':', start), list.size());
        if (end > start) {
            out.push_back(list.substr(start, end - start));
        }
        start = end + 1;
    }
    return out;
}

bool exists_on_disk(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::exists(p, ec);
}

} // namespace

CatalogChoice choose_catalog(const CatalogSearch& search,
                             bool (*exists)(const std::filesystem::path&)) {
    CatalogChoice choice;
    if (!search.given.empty()) {
        // What the user names is read as named: a missing file is an error
        // of Catalog::load, not a reason to look elsewhere.
        choice.paths.assign(search.given.begin(), search.given.end());
        choice.origin = CatalogOrigin::Option;
        choice.how = "--catalog";
        return choice;
    }
    if (search.env) {
        for (const auto& p : split_path_list(*search.env)) {
            if (exists(p)) {
                choice.paths.emplace_back(p);
            } else {
                choice.skipped.push_back(p + " (from $KSERIES_CATALOG)");
            }
        }
        if (!choice.paths.empty()) {
            choice.origin = CatalogOrigin::Environment;
            choice.how = "$KSERIES_CATALOG";
            return choice;
        }
    }
    // A built-in place that is missing is the usual case (a build tree has
    // no install beside it, an install no source tree): said only when
    // none of them is there.
    for (const auto& dir : search.builtin) {
        if (exists(dir)) {
            choice.paths = {dir};
            choice.origin = CatalogOrigin::BuiltIn;
            choice.how = "built in";
            return choice;
        }
    }
    for (const auto& dir : search.builtin) {
        choice.skipped.push_back(dir.string() + " (built in)");
    }
    choice.how = "none found";
    return choice;
}

std::vector<std::filesystem::path> built_in_catalog_dirs(const std::filesystem::path& exe,
                                                         const std::filesystem::path& relative,
                                                         const std::filesystem::path& installed,
                                                         const std::filesystem::path& source) {
    std::vector<std::filesystem::path> dirs;
    const auto add = [&dirs](const std::filesystem::path& p) {
        // "/usr/bin/../share" and "/usr/share" are one directory: said once.
        auto normal = p.lexically_normal();
        if (std::find(dirs.begin(), dirs.end(), normal) == dirs.end()) {
            dirs.push_back(std::move(normal));
        }
    };
    // An install carries its catalog beside the binary (bin/../share/...),
    // wherever the prefix was moved to (DESTDIR, an unpacked RPM, a copied
    // prefix). A build tree has no such directory, so its binary goes on to
    // the source tree it was built from and never reads an older install.
    if (!exe.empty()) {
        add(exe.parent_path() / relative);
    }
    add(source);
    add(installed);
    return dirs;
}

CatalogChoice find_catalog(const std::vector<std::string>& given) {
    CatalogSearch search;
    search.given = given;
    if (const char* env = std::getenv("KSERIES_CATALOG")) {
        search.env = env;
    }
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    search.builtin =
        built_in_catalog_dirs(ec ? std::filesystem::path{} : exe, KSERIES_RELATIVE_CATALOG,
                              KSERIES_INSTALLED_CATALOG, KSERIES_SOURCE_CATALOG);
    return choose_catalog(search, exists_on_disk);
}

} // namespace kseries::kernel
