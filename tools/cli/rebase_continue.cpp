#include "rebase_continue.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include <kseries/kernel/release.hpp>
#include <kseries/series/store.hpp>
#include <kseries/util/text.hpp>

#include "module_compile.hpp"

namespace kseries::cli {

namespace fs = std::filesystem;

namespace {

// The path in a source spec: without a `RELEASE=` prefix.
std::string spec_path(const std::string& spec) {
    if (const auto eq = spec.find('=');
        eq != std::string::npos && kernel::parse_release(spec.substr(0, eq))) {
        return spec.substr(eq + 1);
    }
    return spec;
}

// Whether a relative source path names something from here: the path
// itself, or the repository of a `REPO@REF`.
bool source_resolves(const std::string& path) {
    std::error_code ec;
    if (fs::exists(path, ec)) {
        return true;
    }
    const auto at = path.rfind('@');
    return at != std::string::npos && fs::is_directory(path.substr(0, at), ec);
}

} // namespace

Expected<void> check_recorded_paths(const fs::path& workspace, const rebase::Request& request) {
    struct Recorded {
        const char* what;
        std::string path;
        bool resolves;
    };
    const std::string onto = spec_path(request.onto);
    const std::string base = spec_path(request.base);
    const Recorded recorded[] = {
        {"series store", request.store, series::Store::is_store(request.store)},
        {"target (--onto)", onto, source_resolves(onto)},
        {"base tree (--base)", base, base.empty() || source_resolves(base)},
    };
    for (const auto& r : recorded) {
        if (r.path.empty() || fs::path(r.path).is_absolute() || r.resolves) {
            continue;
        }
        std::error_code ec;
        const fs::path here = fs::current_path(ec);
        return fail(ErrorKind::Usage,
                    fmt::format("{}/state.json records the rebase's {} as the relative path '{}' "
                                "(a workspace written before kseries recorded absolute paths), "
                                "and it does not resolve from {}. Run this command again from "
                                "the directory the rebase was started in, or forget this rebase "
                                "(kseries rebase --abort --workspace {}) and run it again",
                                workspace.string(), r.what, r.path, here.string(),
                                workspace.string()));
    }
    return {};
}

Expected<CompileOutcome> compile_check(source::SourceTree& target,
                                       const std::vector<source::FileChange>& changes,
                                       const rebase::Request& request, const fs::path& workspace,
                                       CompileChoice choice) {
    const std::string version = fmt::format("{}/{}", request.store, request.as);
    const auto root = full_kernel_tree(target);
    if (!root) {
        return CompileOutcome{
            false, fmt::format("compile check: does not apply: {} is not a whole kernel source "
                               "tree on disk (a directory with a top Makefile, Kconfig and "
                               "scripts/), so {} is written unbuilt\n",
                               request.onto, request.as)};
    }
    const std::string later =
        fmt::format("kseries verify --compile --series {} --tree {}", version, root->string());
    if (choice == CompileChoice::Skip) {
        return CompileOutcome{false, fmt::format("compile check: skipped (--no-compile); build {} "
                                                 "with:\n  {}\n",
                                                 request.as, later)};
    }
    auto work = temporary_workdir("kseries-rebase-compile");
    if (!work) {
        return std::unexpected(work.error());
    }
    auto built = compile_modules(target, *root, changes, *work, 2);
    std::error_code ec;
    if (built) {
        fs::remove_all(*work, ec);
        return CompileOutcome{
            false, fmt::format("compile check: {} compiles on {} ({} directories, config "
                               "allnoconfig + {}=m, {:.0f} s):\n{}",
                               request.as, root->string(), built->directories,
                               text::join(built->options, "=m "), built->seconds, built->built)};
    }
    if (built.error().kind() == ErrorKind::Usage) {
        // A change outside a module directory (a header of include/, say):
        // only a whole kernel build would prove it, which is not this check.
        fs::remove_all(*work, ec);
        return CompileOutcome{false, fmt::format("compile check: does not apply: {}; {} is written "
                                                 "unbuilt\n",
                                                 built.error().message(), request.as)};
    }
    if (built.error().kind() != ErrorKind::Tool) {
        fs::remove_all(*work, ec);
        return std::unexpected(built.error());
    }
    const std::string ws = workspace.string();
    std::string error = built.error().message();
    while (!error.empty() && error.back() == '\n') {
        error.pop_back(); // the end of make's output: one blank line before what to do
    }
    return CompileOutcome{
        true,
        fmt::format(
            "compile check: {} does not compile on {}: {}\n\n"
            "Nothing was written: {} is kept as it was and the store is unchanged.\n"
            "The build log is {}.\n"
            "Fix the resolution in {}/tree/ (the error may also lie in a patch carried after\n"
            "it) and run `kseries rebase --continue --workspace {}` again;\n"
            "`--continue --no-compile` writes {} without the check, `--abort` forgets the "
            "rebase.\n",
            request.as, root->string(), error, ws, (*work / "build.log").string(),
            ws, ws, request.as)};
}

Expected<void> say(const std::string& format, const std::string& text) {
    FILE* out = format == "text" ? stdout : stderr;
    if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot write the compile check's note: {}", std::strerror(errno)));
    }
    return {};
}

} // namespace kseries::cli
