// What the CLI knows about the terminal: colour, and where output goes.
#pragma once

#include <string>
#include <string_view>

namespace kseries::cli {

enum class ColorMode { Auto, Always, Never };

// Colour on stdout: --color=always, or auto with stdout a terminal, NO_COLOR
// unset and TERM not "dumb".
[[nodiscard]] bool stdout_color(ColorMode mode);

void print_out(std::string_view text);

} // namespace kseries::cli
