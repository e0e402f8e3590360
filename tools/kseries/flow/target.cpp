#include <kseries/flow/target.hpp>

#include <filesystem>

#include <fmt/format.h>

#include <kseries/flow/inputs.hpp>
#include <kseries/git/repository.hpp>
#include <kseries/kernel/spec.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/source/directory_tree.hpp>

namespace kseries::flow {

namespace fs = std::filesystem;

namespace {

// The release a source's name states, as told by `origin`.
std::optional<kernel::Detected> named_release(std::string_view name, kernel::ReleaseOrigin origin) {
    auto r = kernel::parse_release(name);
    if (!r) {
        return std::nullopt;
    }
    return kernel::Detected{std::move(*r), origin};
}

// A target must be a kernel tree, as matrix requires of a row: a top
// Makefile with VERSION and PATCHLEVEL, or a tree whose release is named
// that holds some of the files the series patches (an extract such as
// fs/overlayfs). Anything else - an empty directory, a branch of another
// project - would only stop the rebase with every hunk unplaced.
Expected<void> require_kernel_tree(const std::string& spec, const Target& t,
                                   const series::Selection& selection) {
    auto detected = KSERIES_TRY(kernel::detect(*t.tree));
    if (detected.has_value()) {
        return {};
    }
    auto touched = KSERIES_TRY(selection.touched_paths());
    bool holds = false;
    for (const auto& path : touched) {
        auto file = KSERIES_TRY(t.tree->read(path));
        holds = holds || file.has_value();
    }
    if (!holds) {
        return fail(ErrorKind::Usage,
                    fmt::format("--onto {}: not a kernel tree: no top Makefile with VERSION and "
                                "PATCHLEVEL, and none of the files the series patches",
                                spec));
    }
    if (!t.release) {
        return fail(ErrorKind::Usage,
                    fmt::format("--onto {}: no kernel Makefile tells its release; name it as "
                                "RELEASE={}",
                                spec, spec));
    }
    return {};
}

} // namespace

Expected<Target> open_target(const std::string& spec, const source::WantedPaths& wanted) {
    Target t;
    std::string what = spec;
    if (const auto eq = spec.find('='); eq != std::string::npos) {
        auto named = kernel::parse_release(spec.substr(0, eq));
        if (!named) {
            return fail(ErrorKind::Usage,
                        fmt::format("{}: '{}' is not a kernel release like 4.18.0-193.el8", spec,
                                    spec.substr(0, eq)));
        }
        t.release = kernel::Detected{std::move(*named), kernel::ReleaseOrigin::Given};
        what = spec.substr(eq + 1);
    }
    std::error_code ec;
    if (const auto at = what.rfind('@');
        at != std::string::npos && fs::is_directory(what.substr(0, at), ec)) {
        const std::string repo = what.substr(0, at);
        auto refs = KSERIES_TRY(git::match_refs(repo, {what.substr(at + 1)}));
        if (refs.size() != 1) {
            return fail(ErrorKind::Usage, fmt::format("{}: names {} refs; name exactly one", spec,
                                                      refs.size()));
        }
        if (!t.release) {
            t.release = named_release(refs.front().name, kernel::ReleaseOrigin::GitRef);
        }
        auto tree = KSERIES_TRY(git::open_commit_tree(repo, refs.front().commit_id));
        t.tree = std::move(tree);
    } else if (what.ends_with(".src.rpm")) {
        auto srpm = KSERIES_TRY(source::open_srpm(what, wanted));
        t.tree = std::move(srpm.tree);
        t.spec_policy = kernel::policy_from_spec(srpm.spec);
        if (!t.release) {
            t.release =
                named_release(fs::path(what).filename().string(), kernel::ReleaseOrigin::SrpmName);
        }
    } else if (what.find(".tar") != std::string::npos && fs::is_regular_file(what, ec)) {
        auto tree = KSERIES_TRY(source::open_tarball(what, wanted));
        t.tree = std::move(tree);
        if (!t.release) {
            t.release = named_release(fs::path(what).filename().string(),
                                      kernel::ReleaseOrigin::TarballName);
        }
    } else {
        auto dir = KSERIES_TRY(source::DirectoryTree::open(what));
        t.tree = std::move(dir);
    }
    if (!t.release) {
        auto detected = KSERIES_TRY(detect_named(*t.tree));
        t.release = std::move(detected);
    }
    return t;
}

Expected<Trees> open_trees(const series::Selection& selection, const std::string& onto,
                           const std::string& base) {
    auto wanted = KSERIES_TRY(wanted_paths_for(selection));
    auto target = KSERIES_TRY(open_target(onto, wanted));
    KSERIES_TRY(require_kernel_tree(onto, target, selection));
    Trees out{std::move(target), std::nullopt};
    if (!base.empty()) {
        auto b = KSERIES_TRY(open_target(base, wanted));
        out.base = std::move(b);
    }
    return out;
}

std::string absolute_source(const std::string& spec) {
    if (spec.empty()) {
        return spec;
    }
    std::string prefix;
    std::string what = spec;
    if (const auto eq = spec.find('=');
        eq != std::string::npos && kernel::parse_release(spec.substr(0, eq))) {
        prefix = spec.substr(0, eq + 1);
        what = spec.substr(eq + 1);
    }
    std::string suffix;
    std::error_code ec;
    if (const auto at = what.rfind('@');
        at != std::string::npos && fs::is_directory(what.substr(0, at), ec)) {
        suffix = what.substr(at);
        what = what.substr(0, at);
    }
    std::string path = fs::absolute(what, ec).lexically_normal().string();
    if (ec) {
        return spec; // opening it says what is wrong
    }
    if (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    return prefix + path + suffix;
}

} // namespace kseries::flow
