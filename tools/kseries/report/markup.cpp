#include <cstdint>

#include <kseries/report/markup.hpp>
#include <kseries/util/text.hpp>

namespace kseries::report {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// The length of the well-formed UTF-8 sequence at s[i], or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<std::uint8_t>(s[i]);
    if (b0 < 0x80) {
        return 1;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((b0 & 0xE0U) == 0xC0U) {
        len = 2;
        cp = b0 & 0x1FU;
        min = 0x80;
    } else if ((b0 & 0xF0U) == 0xE0U) {
        len = 3;
        cp = b0 & 0x0FU;
        min = 0x800;
    } else if ((b0 & 0xF8U) == 0xF0U) {
        len = 4;
        cp = b0 & 0x07U;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<std::uint8_t>(s[i + k]);
        if ((b & 0xC0U) != 0x80U) {
            return 0;
        }
        cp = (cp << 6U) | (b & 0x3FU);
    }
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    // U+FFFE and U+FFFF are not XML characters either.
    if (cp < min || cp > 0x10FFFF || surrogate || cp == 0xFFFE || cp == 0xFFFF) {
        return 0;
    }
    return len;
}

} // namespace

std::string escape_markup(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        switch (c) {
        case '&':
            out += "&amp;";
            ++i;
            continue;
        case '<':
            out += "&lt;";
            ++i;
            continue;
        case '>':
            out += "&gt;";
            ++i;
            continue;
        case '"':
            out += "&quot;";
            ++i;
            continue;
        case '\'':
            out += "&#39;";
            ++i;
            continue;
        case '\t':
        case '\n':
        case '\r':
            out += c;
            ++i;
            continue;
        default:
            break;
        }
        const auto b = static_cast<std::uint8_t>(c);
        const std::size_t len = b < 0x20 || b == 0x7F ? 0 : utf8_length(s, i);
        if (len == 0) {
            out += replacement;
            ++i;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    return out;
}

std::string escape_markdown(std::string_view s) {
    constexpr std::string_view syntax = "\\`*_[]|#~!";
    std::string out;
    for (const char c : text::printable(s)) {
        if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else {
            if (syntax.find(c) != std::string_view::npos) {
                out += '\\';
            }
            out += c;
        }
    }
    return out;
}

} // namespace kseries::report
