// What the CLI knows about the terminal, and the one place that decides
// where output goes: results on stdout (emit), diagnostics on stderr (note,
// warn), colour (stdout_color) and progress lines (Progress) only for a
// person at a terminal. Commands print through these, never by themselves.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

#include <kseries/util/error.hpp>

namespace kseries::cli {

enum class ColorMode { Auto, Always, Never };

// The options every command sees (main.cpp fills them).
struct GlobalOptions {
    ColorMode color = ColorMode::Auto;
    bool verbose = false;
    bool quiet = false;
};

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

// A diagnostic for stderr, screened: what was done, where a file went.
// Nothing under --quiet.
void note(const GlobalOptions& global, std::string_view text);

// A diagnostic for stderr, screened, even under --quiet: an error, a
// failure's details, a step the user must take.
void warn(std::string_view text);

// One stderr line redrawn in place, or one line per step, for a person
// watching (stderr_progress): when that is not so, every call does nothing,
// so a log file or a pipe never gets a carriage return.
class Progress {
public:
    explicit Progress(const GlobalOptions& global);
    [[nodiscard]] bool active() const { return m_active; }
    // Replaces the line with `text` (screened).
    void draw(std::string_view text);
    // `text` (screened) on a line of its own.
    void step(std::string_view text);
    // Erases a drawn line, so what follows starts on a clean one.
    void clear();

private:
    bool m_active;
    bool m_drawn = false;
};

// The log's formatter, "kseries: LEVEL: message", with the message screened
// as screen_message does.
[[nodiscard]] std::unique_ptr<spdlog::formatter> log_formatter();

} // namespace kseries::cli
