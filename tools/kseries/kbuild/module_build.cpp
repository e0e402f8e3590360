#include <kseries/kbuild/module_build.hpp>

#include <fmt/format.h>

#include <kseries/proc/run.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/text.hpp>

#include <algorithm>

namespace kseries::kbuild {

namespace fs = std::filesystem;

namespace {

// One command of a build, logged with its output; a Tool error showing the
// end of the output when it fails.
Expected<void> step(proc::Runner& runner, const std::string& what, std::vector<std::string> argv,
                    BuildLog& log) {
    log.commands.push_back(proc::describe(argv));
    log.output += "$ " + proc::describe(argv) + '\n';
    const auto r = KSERIES_TRY(runner.run({std::move(argv), {}, {}}));
    log.output += r.out + r.err;
    if (!r.ok()) {
        return fail(ErrorKind::Tool, fmt::format("{} failed ({}); the end of its output:\n{}", what,
                                                 r.status(), text::last_lines(r.out + r.err, 25)));
    }
    return {};
}

std::string jobs_arg(unsigned jobs) { return fmt::format("-j{}", std::max(1U, jobs)); }

} // namespace

std::vector<std::string> config_options(std::string_view makefile) {
    // Every "obj-$(CONFIG_NAME)", scanned by hand: no std::regex runs on a
    // file of unbounded size (libstdc++'s recurses per character).
    constexpr std::string_view prefix = "obj-$(CONFIG_";
    std::vector<std::string> out;
    std::size_t at = 0;
    while ((at = makefile.find(prefix, at)) != std::string_view::npos) {
        at += prefix.size();
        std::size_t end = at;
        while (end < makefile.size() &&
               ((makefile[end] >= 'A' && makefile[end] <= 'Z') ||
                (makefile[end] >= '0' && makefile[end] <= '9') || makefile[end] == '_')) {
            ++end;
        }
        if (end > at && end < makefile.size() && makefile[end] == ')') {
            const std::string name(makefile.substr(at, end - at));
            if (std::find(out.begin(), out.end(), name) == out.end()) {
                out.push_back(name);
            }
        }
    }
    return out;
}

Expected<void> prepare(const fs::path& source, const fs::path& build,
                       const std::vector<std::string>& as_modules, unsigned jobs, BuildLog& log,
                       proc::Runner& runner) {
    const std::string src = fs::absolute(source).string();
    const std::string out = "O=" + fs::absolute(build).string();
    KSERIES_TRY(step(runner, "make allnoconfig", {"make", "-s", "-C", src, out, "allnoconfig"}, log));
    std::vector<std::string> config{src + "/scripts/config", "--file",
                                    (fs::absolute(build) / ".config").string(), "--enable",
                                    "MODULES"};
    for (const auto& m : as_modules) {
        config.insert(config.end(), {"--module", m});
    }
    KSERIES_TRY(step(runner, "scripts/config", config, log));
    KSERIES_TRY(
        step(runner, "make olddefconfig", {"make", "-s", "-C", src, out, "olddefconfig"}, log));
    return step(runner, "make modules_prepare",
                {"make", "-s", "-C", src, out, jobs_arg(jobs), "modules_prepare"}, log);
}

namespace {

// Writes `files` into a fresh `module_dir`.
Expected<void> write_module_dir(const fs::path& module_dir,
                                const std::map<std::string, std::string>& files) {
    std::error_code ec;
    fs::create_directories(module_dir, ec);
    if (ec) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot create {}: {}", module_dir.string(), ec.message()));
    }
    for (const auto& [name, content] : files) {
        if (name.find('/') != std::string::npos || name.starts_with('.')) {
            return fail(ErrorKind::Unsafe, fmt::format("'{}' is not a file of one directory", name));
        }
        KSERIES_TRY(write_file_atomic(module_dir / name, content));
    }
    return {};
}

// The .ko files `make modules` left in `module_dir`, sorted.
Expected<std::vector<fs::path>> built_modules(const fs::path& module_dir) {
    std::error_code ec;
    std::vector<fs::path> made;
    for (const auto& entry : fs::directory_iterator(module_dir, ec)) {
        if (entry.path().extension() == ".ko") {
            made.push_back(entry.path());
        }
    }
    std::sort(made.begin(), made.end());
    if (made.empty()) {
        return fail(ErrorKind::Tool, fmt::format("make modules in {} made no .ko file",
                                                 module_dir.string()));
    }
    return made;
}

} // namespace

Expected<std::vector<fs::path>> build_external(const fs::path& source, const fs::path& build,
                                               const fs::path& module_dir,
                                               const std::map<std::string, std::string>& files,
                                               unsigned jobs, BuildLog& log,
                                               proc::Runner& runner) {
    KSERIES_TRY(write_module_dir(module_dir, files));
    KSERIES_TRY(step(runner, "make modules",
                       {"make", "-C", fs::absolute(source).string(),
                        "O=" + fs::absolute(build).string(),
                        "M=" + fs::absolute(module_dir).string(),
                        // modules_prepare makes no Module.symvers (that takes
                        // building vmlinux): the kernel's symbols cannot be
                        // checked, so modpost warns instead of failing.
                        "KBUILD_MODPOST_WARN=1", jobs_arg(jobs), "modules"},
                     log));
    return built_modules(module_dir);
}

// UTS_RELEASE first: it is what the kernel calls itself and what a module's
// vermagic carries. include/config/kernel.release may differ from it
// (Debian's 6.1 headers say "6.1.192" there and "6.1.0-57-amd64" in
// utsrelease.h), so it is only the fallback.
Expected<std::string> devel_release(const fs::path& devel) {
    const auto tree = KSERIES_TRY(source::DirectoryTree::open(devel));
    const std::string uts_name = "include/generated/utsrelease.h";
    const std::string file_name = "include/config/kernel.release";
    std::string release;
    std::string where;
    std::size_t line = 1;
    if (const auto uts = KSERIES_TRY(tree->read(uts_name))) {
        where = (devel / uts_name).string();
        const std::string_view key = "#define UTS_RELEASE \"";
        const auto at = uts->find(key);
        const auto end = at == std::string::npos ? at : uts->find('"', at + key.size());
        if (end == std::string::npos) {
            return fail(ErrorKind::Parse, fmt::format("{}: no UTS_RELEASE definition", where),
                        {where, 0});
        }
        const auto before = uts->substr(0, at);
        line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
        release = uts->substr(at + key.size(), end - at - key.size());
    } else if (const auto text = KSERIES_TRY(tree->read(file_name))) {
        where = (devel / file_name).string();
        release = std::string(text::chomp(*text));
    } else {
        return fail(ErrorKind::NotFound,
                    fmt::format("{}: no such file (nor {}); is {} a prepared kernel devel "
                                "(headers) directory?",
                                (devel / file_name).string(), uts_name, devel.string()),
                    {(devel / file_name).string(), 0});
    }
    if (release.empty() || release.find_first_of(" \t\n") != std::string::npos) {
        return fail(ErrorKind::Parse, fmt::format("not a kernel release: '{}'", release),
                    {where, line});
    }
    return release;
}

Expected<std::vector<fs::path>> build_against_devel(const fs::path& devel,
                                                    const fs::path& module_dir,
                                                    const std::map<std::string, std::string>& files,
                                                    const std::vector<std::string>& as_modules,
                                                    unsigned jobs, BuildLog& log,
                                                    proc::Runner& runner) {
    KSERIES_TRY(write_module_dir(module_dir, files));
    // No KBUILD_MODPOST_WARN: a devel directory carries the kernel's
    // Module.symvers, so modpost checks every symbol the module uses against
    // the kernel it will be loaded into, and an unknown one fails the build.
    std::vector<std::string> argv{"make", "-C", fs::absolute(devel).string(),
                                  "M=" + fs::absolute(module_dir).string(), jobs_arg(jobs)};
    for (const auto& m : as_modules) {
        argv.push_back(fmt::format("CONFIG_{}=m", m));
    }
    argv.emplace_back("modules");
    KSERIES_TRY(step(runner, "make modules", std::move(argv), log));
    return built_modules(module_dir);
}

Expected<std::string> modinfo_field(const fs::path& module, const std::string& field,
                                    proc::Runner& runner) {
    const auto r = KSERIES_TRY(runner.run({{"modinfo", "-F", field, module.string()}, {}, {}}));
    if (!r.ok()) {
        return fail(ErrorKind::Tool, fmt::format("modinfo -F {} {} failed ({}): {}", field,
                                                 module.string(), r.status(), text::chomp(r.err)));
    }
    return std::string(text::chomp(r.out));
}

bool vermagic_is_for(std::string_view vermagic, std::string_view release) {
    return vermagic == release ||
           (vermagic.size() > release.size() && vermagic.starts_with(release) &&
            vermagic[release.size()] == ' ');
}

} // namespace kseries::kbuild
