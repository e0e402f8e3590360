// kseries verify --compile: proves a series version compiles, not just
// applies (docs/commands/verify.md); verify --boot (verify_boot.cpp)
// proves its patches fix what the store's scenarios show, at runtime. The series is applied in memory to a
// full kernel source tree under the tree's policy; each patched module
// directory is copied with its patched files into a work directory and
// built there as an external module with the kernel's own build system,
// against a build directory prepared with the smallest configuration that
// builds it (allnoconfig + CONFIG_...=m, modules_prepare). The source tree
// is only read. Exit 0 when it compiles, 1 when the series does not apply
// or the build fails, 2 on bad input.
#include <memory>

#include <fmt/format.h>

#include <kseries/flow/verify.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "verify_boot.hpp"

namespace kseries::cli {

namespace {

struct VerifyOptions {
    SeriesJob job;
    bool compile = false;
    bool boot = false;
    BootOptions kernel;
    unsigned jobs = 2;
    std::string workdir;
    bool keep = false;
};

Expected<int> verify(const VerifyOptions& opts, const GlobalOptions& global) {
    if (opts.compile == opts.boot) {
        return fail(ErrorKind::Usage, "verify needs one of --compile and --boot");
    }
    if (opts.boot) {
        return verify_boot(opts.job, opts.kernel, opts.jobs, opts.keep, global);
    }
    const auto r = KSERIES_TRY(flow::verify({.job = opts.job.request(),
                                             .jobs = opts.jobs,
                                             .workdir = opts.workdir,
                                             .keep = opts.keep}));
    const std::string& tree = opts.job.tree;
    if (r.not_applied) {
        return emit(fmt::format("{} does not apply to {} under {} ({}); see kseries check\n",
                                r.not_applied->patch, tree, r.not_applied->policy,
                                r.not_applied->verdict),
                    exit_checks_failed);
    }
    if (r.build_error) {
        return emit(fmt::format("{} does not compile on {}: {}\n", r.label, tree, *r.build_error),
                    exit_checks_failed);
    }
    const auto& c = r.compiled;
    return emit(
        fmt::format("{} applies and compiles on {} ({} directories, config allnoconfig + "
                    "{}=m, {:.0f} s):\n{}{}",
                    r.label, tree, c.directories, text::join(c.options, "=m "), c.seconds, c.built,
                    r.build_log ? fmt::format("build log: {}\n", r.build_log->string()) : ""),
        exit_ok);
}

} // namespace

CommandBody add_verify(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<VerifyOptions>();
    auto* cmd = app.add_subcommand("verify", "Prove a series compiles (--compile) or fixes its "
                                             "scenarios' bugs in a booted kernel (--boot)");
    opts->job.add_to(*cmd);
    cmd->add_flag("--compile", opts->compile,
                  "build the patched module directories with the kernel's build system");
    cmd->add_flag("--boot", opts->boot,
                  "boot the stock and the patched kernel in qemu and run the store's scenarios");
    opts->kernel.add_to(*cmd);
    cmd->add_option("-j,--jobs", opts->jobs, "make -j")->capture_default_str();
    cmd->add_option("--workdir", opts->workdir,
                    "where to build (default: a temporary directory, removed afterwards)");
    cmd->add_flag("--keep", opts->keep, "keep the temporary work directory and its build.log");
    return [opts, &global]() -> Expected<int> { return verify(*opts, global); };
}

} // namespace kseries::cli
