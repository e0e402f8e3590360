// How text reports are styled for a terminal. Renderers get a TextStyle;
// only the CLI decides whether colour is on.
#pragma once

#include <string>
#include <string_view>

namespace kseries::report {

struct TextStyle {
    bool color = false;
};

enum class Tone { Good, Warn, Bad, Info, Dim };

// `s` wrapped in the ANSI colour of `tone` when colour is on.
[[nodiscard]] std::string paint(const TextStyle& style, Tone tone, std::string_view s);

} // namespace kseries::report
