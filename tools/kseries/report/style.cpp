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

} // namespace

std::string paint(const TextStyle& style, Tone tone, std::string_view s) {
    if (!style.color) {
        return std::string(s);
    }
    return fmt::format("\033[{}m{}\033[0m", color_code(tone), s);
}

} // namespace kseries::report
