// What the CLI knows about the terminal: colour, and where output goes.
#pragma once

#include <string>
#include <string_view>

#include <kseries/util/error.hpp>

namespace kseries::cli {

enum class ColorMode { Auto, Always, Never };

// Colour on stdout: --color=always, or auto with stdout a terminal, NO_COLOR
// unset and TERM not "dumb".
[[nodiscard]] bool stdout_color(ColorMode mode);

// A progress line on stderr: for people at a terminal (stderr a TTY, TERM
// not "dumb", NO_COLOR unset), and not with --quiet.
[[nodiscard]] bool stderr_progress(bool quiet);

// Writes a command's result to stdout and returns `exit_code`, or an error
// when stdout cannot take it (a closed pipe, a full disk).
[[nodiscard]] Expected<int> emit(std::string_view text, int exit_code);

} // namespace kseries::cli
