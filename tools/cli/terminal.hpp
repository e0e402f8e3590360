// What the CLI knows about the terminal: colour, and where output goes.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

#include <kseries/util/error.hpp>

namespace kseries::cli {

enum class ColorMode { Auto, Always, Never };

// Colour on stdout: --color=always, or auto with stdout a terminal, NO_COLOR
// unset and TERM not "dumb".
[[nodiscard]] bool stdout_color(ColorMode mode);

// A progress line on stderr: for people at a terminal (stderr a TTY, TERM
// not "dumb", NO_COLOR unset), and not with --quiet.
[[nodiscard]] bool stderr_progress(bool quiet);

// `text` made safe for a terminal or a pipe: every control character but
// newline and tab shown escaped (text::neutralise), except the colour
// sequences kseries' own styling wrote (report::paint). Everything kseries
// prints passes through here: a name from an input cannot send ESC, BEL or
// CR to whoever reads it.
[[nodiscard]] std::string screen(std::string_view text);

// A message for stderr ("kseries: error: ..."), screened, and on one line:
// a newline is shown as \n unless it starts an indented line (the tail of
// a failed tool's log that some errors quote), so no name from an input can
// start a line that reads like kseries' own.
[[nodiscard]] std::string screen_message(std::string_view message);

// Writes a command's result, screened, to stdout and returns `exit_code`,
// or an error when stdout cannot take it (a closed pipe, a full disk).
[[nodiscard]] Expected<int> emit(std::string_view text, int exit_code);

// The log's formatter, "kseries: LEVEL: message", with the message screened
// as screen_message does.
[[nodiscard]] std::unique_ptr<spdlog::formatter> log_formatter();

} // namespace kseries::cli
