// kseries help, kseries alone, and a mistyped command: what git does for
// `git help`, `git` and `git chekout`.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "command.hpp"

namespace kseries::cli {

// The usage line and every command with its one-line description: what
// `kseries help` prints on stdout and `kseries` alone on stderr.
[[nodiscard]] std::string command_list(const CLI::App& app);

// `kseries help [COMMAND]`: the command list, or that command's --help.
CommandBody add_help(CLI::App& app);

// The message for a word kseries took for a command or an option of
// `command` (nullptr: a global one) but knows as neither: "'chek' is not a
// kseries command. Did you mean 'check'?", with the closest names
// (util/suggest.hpp) when there are any.
[[nodiscard]] std::string unknown_word(std::string_view word, const CLI::App& app,
                                       const CLI::App* command = nullptr);

} // namespace kseries::cli
