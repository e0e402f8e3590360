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

// The length of the colour sequence paint() writes that starts `s`, or 0:
// the only escape sequences kseries itself puts on stdout, so the CLI can
// let them through and show every other control character escaped.
[[nodiscard]] std::size_t style_sequence_length(std::string_view s);

} // namespace kseries::report
