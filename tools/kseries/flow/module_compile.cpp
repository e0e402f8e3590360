#include <chrono>

#include <fmt/format.h>

#include <kseries/flow/module_compile.hpp>
#include <kseries/kbuild/module_build.hpp>
#include <kseries/kbuild/module_dirs.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/file.hpp>

namespace kseries::flow {

namespace fs = std::filesystem;

std::optional<fs::path> full_kernel_tree(const source::SourceTree& tree) {
    const auto* dir = dynamic_cast<const source::DirectoryTree*>(&tree);
    if (dir == nullptr) {
        return std::nullopt; // a git ref, an SRPM or a tarball: nothing to build in
    }
    const fs::path root = fs::absolute(dir->describe()).lexically_normal();
    std::error_code ec;
    if (fs::is_regular_file(root / "Makefile", ec) && fs::is_regular_file(root / "Kconfig", ec) &&
        fs::is_directory(root / "scripts", ec)) {
        return root;
    }
    return std::nullopt;
}

Expected<ModuleCompile> compile_modules(source::SourceTree& tree, const fs::path& root,
                                        const std::vector<source::FileChange>& changes,
                                        const fs::path& work, unsigned jobs) {
    // The module directories the changes patch, each with its Makefile.
    auto dirs = KSERIES_TRY(kbuild::patched_module_dirs(tree, root, changes));
    ModuleCompile out;
    out.directories = dirs.size();
    out.options = kbuild::module_options(dirs);
    const auto started = std::chrono::steady_clock::now();
    kbuild::BuildLog log;
    const fs::path source = fs::absolute(root);
    const auto built = [&]() -> Expected<void> {
        KSERIES_TRY(kbuild::prepare(source, work / "build", out.options, jobs, log));
        for (const auto& [dir, files] : dirs) {
            auto kos = KSERIES_TRY(kbuild::build_external(
                source, work / "build", work / "modules" / dir, files, jobs, log));
            for (const auto& ko : kos) {
                out.built += fmt::format("  {}/{} ({} bytes)\n", dir, ko.filename().string(),
                                         fs::file_size(ko));
            }
        }
        return {};
    }();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // The log is for reading after the fact; failing to write it must not
    // hide the build's own outcome.
    (void)write_file_atomic(work / "build.log", log.output);
    if (!built) {
        return std::unexpected(built.error());
    }
    return out;
}

} // namespace kseries::flow
