#include <vector>

#include <fmt/format.h>

#include <kseries/patch/names.hpp>
#include <kseries/util/error.hpp>
#include <kseries/util/path.hpp>
#include <kseries/util/text.hpp>

namespace kseries::patch {

std::expected<std::string, std::string> unquote_c(std::string_view quoted) {
    if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') {
        return std::unexpected("unterminated quoted name");
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
        const char c = quoted[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i + 1 >= quoted.size()) {
            return std::unexpected("backslash at the end of a quoted name");
        }
        const char e = quoted[i];
        switch (e) {
        case 'a':
            out += '\a';
            break;
        case 'b':
            out += '\b';
            break;
        case 't':
            out += '\t';
            break;
        case 'n':
            out += '\n';
            break;
        case 'v':
            out += '\v';
            break;
        case 'f':
            out += '\f';
            break;
        case 'r':
            out += '\r';
            break;
        case '"':
            out += '"';
            break;
        case '\\':
            out += '\\';
            break;
        default:
            if (e >= '0' && e <= '3' && i + 3 < quoted.size() && quoted[i + 1] >= '0' &&
                quoted[i + 1] <= '7' && quoted[i + 2] >= '0' && quoted[i + 2] <= '7') {
                const int v = (e - '0') * 64 + (quoted[i + 1] - '0') * 8 + (quoted[i + 2] - '0');
                out += static_cast<char>(v);
                i += 2;
            } else {
                return std::unexpected(std::string("unknown escape '\\") + e +
                                       "' in a quoted name");
            }
        }
    }
    return out;
}

namespace {

// Finds the closing quote of a quoted name starting at s[0] == '"'.
std::size_t quoted_end(std::string_view s) {
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

} // namespace

std::expected<HeaderName, std::string> parse_header_name(std::string_view rest) {
    rest = text::chomp(rest);
    HeaderName out;
    if (!rest.empty() && rest.front() == '"') {
        const std::size_t end = quoted_end(rest);
        if (end == std::string_view::npos) {
            return std::unexpected("unterminated quoted name");
        }
        auto name = KSERIES_TRY(unquote_c(rest.substr(0, end)));
        out.name = std::move(name);
        out.timestamp = std::string(text::trim(rest.substr(end)));
    } else {
        std::size_t end = rest.find('\t');
        if (end == std::string_view::npos) {
            end = rest.find(' ');
        }
        out.name = std::string(rest.substr(0, end));
        if (end != std::string_view::npos) {
            out.timestamp = std::string(text::trim(rest.substr(end)));
        }
    }
    if (out.name.empty()) {
        return std::unexpected("the name is empty");
    }
    return out;
}

std::expected<std::pair<std::string, std::string>, std::string>
split_git_diff_names(std::string_view rest) {
    rest = text::chomp(rest);
    auto take_quoted = [](std::string_view& s) -> std::expected<std::string, std::string> {
        const std::size_t end = quoted_end(s);
        if (end == std::string_view::npos) {
            return std::unexpected("unterminated quoted name");
        }
        auto name = unquote_c(s.substr(0, end));
        s.remove_prefix(end);
        return name;
    };
    if (!rest.empty() && rest.front() == '"') {
        auto old_name = KSERIES_TRY(take_quoted(rest));
        rest = text::trim(rest);
        if (!rest.empty() && rest.front() == '"') {
            auto new_name = KSERIES_TRY(take_quoted(rest));
            return std::pair{std::move(old_name), std::move(new_name)};
        }
        return std::pair{std::move(old_name), std::string(rest)};
    }
    // Unquoted names may hold spaces; git writes the same path twice with
    // different prefixes, so prefer the split where both halves agree after
    // their first component.
    std::vector<std::size_t> spaces;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == ' ') {
            spaces.push_back(i);
        }
    }
    if (spaces.empty()) {
        return std::unexpected("expected two names");
    }
    auto after_first = [](std::string_view s) {
        const auto slash = s.find('/');
        return slash == std::string_view::npos ? s : s.substr(slash + 1);
    };
    for (const std::size_t sp : spaces) {
        const std::string_view a = rest.substr(0, sp);
        const std::string_view b = rest.substr(sp + 1);
        if (!b.empty() && b.front() == '"') {
            std::string_view q = b;
            auto new_name = KSERIES_TRY(take_quoted(q));
            return std::pair{std::string(a), std::move(new_name)};
        }
        if (after_first(a) == after_first(b)) {
            return std::pair{std::string(a), std::string(b)};
        }
    }
    const std::size_t sp = spaces.front();
    return std::pair{std::string(rest.substr(0, sp)), std::string(rest.substr(sp + 1))};
}

std::optional<std::string> strip_components(std::string_view name, int strip) {
    std::size_t pos = 0;
    for (int i = 0; i < strip; ++i) {
        const std::size_t slash = name.find('/', pos);
        if (slash == std::string_view::npos) {
            return std::nullopt;
        }
        pos = slash + 1;
        while (pos < name.size() && name[pos] == '/') {
            ++pos;
        }
    }
    if (pos >= name.size()) {
        return std::nullopt;
    }
    return std::string(name.substr(pos));
}

std::optional<std::string> unsafe_path_reason(std::string_view path) {
    if (path.empty()) {
        return "the path is empty";
    }
    if (path.find('\0') != std::string_view::npos) {
        return "the path contains a NUL byte";
    }
    if (path.front() == '/') {
        return "absolute paths are refused";
    }
    std::size_t start = 0;
    bool any = false;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        const std::string_view part = path.substr(start, end - start);
        if (part == "..") {
            return "'..' components are refused";
        }
        // kseries' own names in a tree (DirectoryTree's journal and
        // temporaries): a file a patch made under such a name could be
        // taken for an interrupted write's leftover.
        if (part.starts_with(".kseries-commit") ||
            (part.starts_with('.') && part.find(".kseries-") != std::string_view::npos)) {
            return fmt::format("'{}' is named like kseries' own bookkeeping in a tree (its "
                               "journal .kseries-commit or a temporary .NAME.kseries-…)",
                               part);
        }
        if (!part.empty() && part != ".") {
            any = true;
        }
        start = end + 1;
    }
    if (!any) {
        return "the path names no file";
    }
    return std::nullopt;
}

std::string normalize_path(std::string_view path) {
    return text::join(util::path_components(path), "/");
}

} // namespace kseries::patch
