// kseries verify --compile: proves a series version compiles, not just
// applies (docs/commands/verify.md). The series is applied in memory to a
// full kernel source tree under the tree's policy; each patched module
// directory is copied with its patched files into a work directory and
// built there as an external module with the kernel's own build system,
// against a build directory prepared with the smallest configuration that
// builds it (allnoconfig + CONFIG_...=m, modules_prepare). The source tree
// is only read. Exit 0 when it compiles, 1 when the series does not apply
// or the build fails, 2 on bad input.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include <kseries/check/check.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "module_compile.hpp"

namespace kseries::cli {

namespace {

namespace fs = std::filesystem;

struct VerifyOptions {
    SeriesJob job;
    bool compile = false;
    unsigned jobs = 2;
    std::string workdir;
    bool keep = false;
};

Expected<int> verify(const VerifyOptions& opts) {
    if (!opts.compile) {
        return fail(ErrorKind::Usage, "verify needs --compile (the only check it runs today)");
    }
    auto in = opts.job.load();
    if (!in) {
        return std::unexpected(in.error());
    }
    auto applied = check::apply_in_memory(in->series, *in->tree, in->options);
    if (!applied) {
        return std::unexpected(applied.error());
    }
    for (std::size_t i = 0; i < applied->verdicts.size(); ++i) {
        if (applied->verdicts[i] != check::Verdict::Applies) {
            return emit(fmt::format("{} does not apply to {} under {} ({}); see kseries check\n",
                                    in->series.patches[i].entry.patch, opts.job.tree,
                                    in->options.label(), check::verdict_key(applied->verdicts[i])),
                        exit_checks_failed);
        }
    }
    // The work directory: given, or a temporary one removed afterwards.
    fs::path work = opts.workdir;
    const bool temporary = work.empty();
    if (temporary) {
        auto made = temporary_workdir("kseries-verify");
        if (!made) {
            return std::unexpected(made.error());
        }
        work = *made;
    }
    struct Cleanup {
        fs::path dir;
        bool active;
        ~Cleanup() {
            std::error_code ec;
            if (active) {
                fs::remove_all(dir, ec);
            }
        }
    } cleanup{work, temporary && !opts.keep};

    auto result = compile_modules(*in->tree, opts.job.tree, applied->changes, work, opts.jobs);
    if (!result) {
        if (result.error().kind() != ErrorKind::Tool) {
            return std::unexpected(result.error());
        }
        return emit(fmt::format("{} does not compile on {}: {}\n", in->label, opts.job.tree,
                                result.error().message()),
                    exit_checks_failed);
    }
    return emit(fmt::format("{} applies and compiles on {} ({} directories, config allnoconfig + "
                            "{}=m, {:.0f} s):\n{}{}",
                            in->label, opts.job.tree, result->directories,
                            text::join(result->options, "=m "), result->seconds, result->built,
                            temporary && !opts.keep ? ""
                                                    : fmt::format("build log: {}\n",
                                                                  (work / "build.log").string())),
                exit_ok);
}

} // namespace

CommandBody add_verify(CLI::App& app, const GlobalOptions& /*global*/) {
    auto opts = std::make_shared<VerifyOptions>();
    auto* cmd = app.add_subcommand(
        "verify", "Prove a series compiles on a full kernel source tree (--compile)");
    opts->job.add_to(*cmd);
    cmd->add_flag("--compile", opts->compile,
                  "build the patched module directories with the kernel's build system");
    cmd->add_option("-j,--jobs", opts->jobs, "make -j")->capture_default_str();
    cmd->add_option("--workdir", opts->workdir,
                    "where to build (default: a temporary directory, removed afterwards)");
    cmd->add_flag("--keep", opts->keep, "keep the temporary work directory and its build.log");
    return [opts]() -> Expected<int> { return verify(*opts); };
}

} // namespace kseries::cli
