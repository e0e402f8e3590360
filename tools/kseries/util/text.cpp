#include <fmt/format.h>

#include <kseries/util/text.hpp>

namespace kseries::text {

std::vector<std::string_view> split_lines(std::string_view data) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < data.size()) {
        const std::size_t nl = data.find('\n', start);
        const std::size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
        lines.push_back(data.substr(start, end - start));
        start = end;
    }
    return lines;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.starts_with(prefix);
}

std::string_view chomp(std::string_view line) {
    if (line.ends_with('\n')) {
        line.remove_suffix(1);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
    }
    return line;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i != 0) {
            out += sep;
        }
        out += parts[i];
    }
    return out;
}

namespace {

bool is_control(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

// One control character as the messages show it.
void append_escaped(std::string& out, char c) {
    switch (c) {
    case '\t':
        out += "\\t";
        return;
    case '\r':
        out += "\\r";
        return;
    case '\n':
        out += "\\n";
        return;
    default:
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    }
}

enum class Lines { Keep, Escape };

std::string escape_controls(std::string_view s, Lines lines) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        if (!is_control(c) || (lines == Lines::Keep && (c == '\n' || c == '\t'))) {
            out += c;
        } else {
            append_escaped(out, c);
        }
    }
    return out;
}

} // namespace

std::string printable(std::string_view s) {
    return escape_controls(s, Lines::Escape);
}

std::string neutralise(std::string_view s) {
    return escape_controls(s, Lines::Keep);
}

std::string quote_line(std::string_view line) {
    constexpr std::size_t max_shown = 60;
    std::string out = "'";
    std::size_t shown = 0;
    for (const char c : chomp(line)) {
        if (shown++ == max_shown) {
            out += "...";
            break;
        }
        if (is_control(c)) {
            append_escaped(out, c);
        } else {
            out += c;
        }
    }
    out += "'";
    return out;
}

std::string last_lines(std::string_view output, std::size_t count) {
    const auto all = split_lines(output);
    std::string out;
    for (std::size_t i = all.size() > count ? all.size() - count : 0; i < all.size(); ++i) {
        out += "  ";
        out += chomp(all[i]);
        out += '\n';
    }
    return out;
}

} // namespace kseries::text
