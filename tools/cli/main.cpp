// kseries: keep a quilt-style kernel patch series alive across RHEL kernel
// releases. This file only wires the commands together; each lives in its
// own cmd_*.cpp and the work itself in libkseries.
#include <cstdio>
#include <exception>
#include <map>
#include <new>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <kseries/util/file.hpp>
#include <kseries/util/version.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "help.hpp"

namespace {

void setup_logging(const kseries::cli::GlobalOptions& global) {
    auto logger = spdlog::stderr_color_mt("kseries");
    logger->set_formatter(kseries::cli::log_formatter());
    logger->set_level(global.verbose ? spdlog::level::debug
                      : global.quiet ? spdlog::level::err
                                     : spdlog::level::warn);
    spdlog::set_default_logger(logger);
}

// A command line CLI11 could not parse. Without a command (`kseries`,
// `kseries chek`, `kseries --colr`) kseries answers as git does: the command
// list, or the word it did not know with the closest names; otherwise
// CLI11's own message, which names the bad option or value.
int parse_failed(const CLI::App& app, const CLI::ParseError& e) {
    using namespace kseries::cli;
    // CLI11 reports a missing required option before an unknown one: the
    // unknown one (`check --seires`) is the mistake to name.
    const auto words = app.remaining(true);
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
        const auto chosen = app.get_subcommands();
        const CLI::App* command = chosen.empty() ? nullptr : chosen.front();
        if (!words.empty()) {
            warn("kseries: " + unknown_word(words.front(), app, command) + "\n");
            return exit_error;
        }
        if (command == nullptr) {
            warn(command_list(app));
            return exit_error;
        }
    }
    // CLI11 quotes the bad value: screened like every other message.
    std::ostringstream out;
    std::ostringstream err;
    const int code = app.exit(e, out, err);
    const auto shown = emit(out.str(), exit_ok); // --help, --version
    warn(err.str());
    return code == 0 && shown ? exit_ok : exit_error;
}

} // namespace

int main(int argc, char** argv) {
    using namespace kseries::cli;
    GlobalOptions global;
    CLI::App app{"kseries: keep a kernel patch series applying across RHEL kernel releases",
                 "kseries"};
    app.require_subcommand(1);
    app.fallthrough(); // global options may follow the subcommand too
    app.add_flag("-v,--verbose", global.verbose, "log what is being done (to stderr)");
    app.add_flag("-q,--quiet", global.quiet, "log errors only");
    const std::map<std::string, ColorMode> colors{
        {"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}};
    app.add_option("--color", global.color, "colour output: auto, always or never")
        ->transform(CLI::CheckedTransformer(colors, CLI::ignore_case));
    add_archive_limits(app);
    app.set_version_flag("--version", fmt::format("kseries {}", kseries::version()),
                         "print kseries' version and exit");

    std::map<const CLI::App*, CommandBody> bodies;
    const auto add = [&](auto adder) {
        auto body = adder(app, global);
        bodies.emplace(app.get_subcommands({}).back(), std::move(body));
    };
    add(add_check);
    add(add_apply);
    add(add_matrix);
    add(add_fetch);
    add(add_rebase);
    add(add_refresh);
    add(add_verify);
    add(add_srpm);
    add(add_kmod);
    add(add_build);
    add(add_publish);
    add([](CLI::App& a, const GlobalOptions&) { return add_help(a); });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return parse_failed(app, e);
    }
    setup_logging(global);
    kseries::remove_temporaries_on_signal();

    // No input may end kseries with a crash: an exception that escapes a
    // command (a library's, or bad_alloc) is reported like any other error.
    const auto report = [](std::string_view what, kseries::ErrorKind kind) {
        (void)std::fflush(stdout);
        kseries::cli::warn(fmt::format("kseries: error: {}\n", kseries::cli::screen_message(what)));
        return exit_code_for(kind);
    };
    try {
        for (const auto* sub : app.get_subcommands()) {
            auto result = bodies.at(sub)();
            if (!result) {
                return report(result.error().to_string(), result.error().kind());
            }
            return *result;
        }
    } catch (const std::bad_alloc&) {
        return report("out of memory", kseries::ErrorKind::Io);
    } catch (const std::exception& e) {
        return report(fmt::format("internal error: {}", e.what()), kseries::ErrorKind::Internal);
    } catch (...) {
        return report("internal error: an unknown exception", kseries::ErrorKind::Internal);
    }
    return exit_error;
}
