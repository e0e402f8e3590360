#include "help.hpp"

#include <memory>
#include <vector>

#include <fmt/format.h>

#include <kseries/util/suggest.hpp>
#include <kseries/util/text.hpp>

#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

std::vector<const CLI::App*> commands(const CLI::App& app) {
    // CLI11 keeps option groups as nameless subcommands: not commands.
    return app.get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
}

const CLI::App* find_command(const CLI::App& app, std::string_view name) {
    for (const auto* sub : commands(app)) {
        if (sub->get_name() == name) {
            return sub;
        }
    }
    return nullptr;
}

// "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
std::string alternatives(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += i == 0 ? "" : i + 1 == names.size() ? " or " : ", ";
        out += "'" + names[i] + "'";
    }
    return out;
}

} // namespace

std::string command_list(const CLI::App& app) {
    std::string out = "usage: kseries [--version] [-v | --verbose] [-q | --quiet] [--color WHEN]\n"
                      "               COMMAND [OPTIONS]\n\n"
                      "commands:\n";
    for (const auto* sub : commands(app)) {
        out += fmt::format("   {:<9} {}\n", sub->get_name(), sub->get_description());
    }
    out += "\n'kseries help COMMAND' or 'kseries COMMAND --help' shows a command's options;\n"
           "'kseries --help' every global option.\n";
    return out;
}

CommandBody add_help(CLI::App& app) {
    auto topic = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("help", "Show the commands, or one command's options");
    cmd->add_option("command", *topic, "the command whose options to show");
    return [&app, topic]() -> Expected<int> {
        if (topic->empty()) {
            return emit(command_list(app), exit_ok);
        }
        if (const auto* sub = find_command(app, *topic)) {
            return emit(sub->help(app.get_name()), exit_ok);
        }
        return fail(ErrorKind::Usage, unknown_word(*topic, app));
    };
}

std::string unknown_word(std::string_view word, const CLI::App& app, const CLI::App* command) {
    const bool option = word.starts_with('-');
    std::vector<std::string> names;
    if (option) {
        // A command's own options and the global ones, which may follow it.
        for (const auto* where : {command, &app}) {
            for (const auto* opt :
                 where != nullptr ? where->get_options() : std::vector<const CLI::Option*>{}) {
                for (const auto& name : opt->get_lnames()) {
                    names.push_back("--" + name);
                }
            }
        }
    } else {
        for (const auto* sub : commands(app)) {
            names.push_back(sub->get_name());
        }
    }
    const auto closest = text::closest_names(word, names);
    return fmt::format("'{}' is not a kseries {}{}. {}", text::printable(word),
                       command != nullptr ? command->get_name() + " " : std::string(),
                       option ? "option" : "command",
                       closest.empty() ? std::string("See 'kseries help'.")
                                       : fmt::format("Did you mean {}?", alternatives(closest)));
}

} // namespace kseries::cli
