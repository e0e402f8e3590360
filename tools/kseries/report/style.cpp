#include <kseries/report/style.hpp>

#include <fmt/format.h>

namespace kseries::report {

namespace {

std::string_view color_code(Tone tone) {
    switch (tone) {
    case Tone::Good:
        return "32";
    case Tone::Warn:
        return "33";
    case Tone::Bad:
        return "1;31";
    case Tone::Info:
        return "36";
    case Tone::Dim:
        return "2";
    }
    return "0";
}

constexpr Tone all_tones[] = {Tone::Good, Tone::Warn, Tone::Bad, Tone::Info, Tone::Dim};

} // namespace

std::size_t style_sequence_length(std::string_view s) {
    if (s.starts_with("\033[0m")) {
        return 4;
    }
    for (const Tone tone : all_tones) {
        const std::string seq = fmt::format("\033[{}m", color_code(tone));
        if (s.starts_with(seq)) {
            return seq.size();
        }
    }
    return 0;
}

std::string paint(const TextStyle& style, Tone tone, std::string_view s) {
    if (!style.color) {
        return std::string(s);
    }
    return fmt::format("\033[{}m{}\033[0m", color_code(tone), s);
}

} // namespace kseries::report
