#include <kseries/kbuild/module_dirs.hpp>

#include <algorithm>

#include <fmt/format.h>

#include <kseries/kbuild/module_build.hpp>

namespace kseries::kbuild {

namespace fs = std::filesystem;

namespace {

// The regular files of one directory of the tree (no symlinks followed).
Expected<ModuleFiles> directory_files(source::SourceTree& tree, const fs::path& root,
                                      const std::string& dir) {
    ModuleFiles out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / dir, ec)) {
        if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) {
            continue;
        }
        const std::string name = entry.path().filename().string();
        auto text = KSERIES_TRY(tree.read(dir + "/" + name));
        if (text) {
            out.emplace(name, std::move(*text));
        }
    }
    if (ec) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot list {}: {}", (root / dir).string(), ec.message()));
    }
    return out;
}

} // namespace

Expected<std::map<std::string, ModuleFiles>>
patched_module_dirs(source::SourceTree& tree, const fs::path& root,
                    const std::vector<source::FileChange>& changes) {
    std::map<std::string, ModuleFiles> dirs;
    for (const auto& c : changes) {
        const auto slash = c.path.rfind('/');
        const std::string dir = slash == std::string::npos ? "" : c.path.substr(0, slash);
        const auto makefile = KSERIES_TRY(tree.read(dir + "/Makefile"));
        if (dir.empty() || !makefile || config_options(*makefile).empty() || !c.content) {
            return fail(ErrorKind::Usage,
                        fmt::format("only module directories are built; {} is not a file of "
                                    "one (a directory whose Makefile builds modules)",
                                    c.path));
        }
        if (!dirs.contains(dir)) {
            dirs.emplace(dir, KSERIES_TRY(directory_files(tree, root, dir)));
        }
        dirs[dir][c.path.substr(slash + 1)] = *c.content;
    }
    for (auto& [dir, files] : dirs) {
        files["Makefile"] += fmt::format("\n# kseries: the original directory, for relative "
                                         "includes\nccflags-y += -I{}\n",
                                         (fs::absolute(root) / dir).string());
    }
    return dirs;
}

std::vector<std::string> module_options(const std::map<std::string, ModuleFiles>& dirs) {
    std::vector<std::string> out;
    for (const auto& [dir, files] : dirs) {
        for (const auto& o : config_options(files.at("Makefile"))) {
            if (std::find(out.begin(), out.end(), o) == out.end()) {
                out.push_back(o);
            }
        }
    }
    return out;
}

} // namespace kseries::kbuild
