#include <algorithm>
#include <cctype>

#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/c_tokens.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

using patch::Hunk;
using patch::LineKind;
using Lines = std::vector<std::string>;

std::optional<std::string> defined_function(std::string_view line) {
    line = text::chomp(line);
    if (line.empty() ||
        !(std::isalpha(static_cast<unsigned char>(line[0])) != 0 || line[0] == '_')) {
        return std::nullopt;
    }
    if (line.back() == ';') {
        return std::nullopt;
    }
    const auto paren = line.find('(');
    if (paren == std::string_view::npos || paren == 0) {
        return std::nullopt;
    }
    std::size_t end = paren;
    while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
        --end;
    }
    std::size_t begin = end;
    while (begin > 0 && ident_char(line[begin - 1])) {
        --begin;
    }
    if (begin == end) {
        return std::nullopt;
    }
    static const std::vector<std::string_view> keywords{"if",     "for",    "while",
                                                        "switch", "return", "sizeof"};
    const std::string_view name = line.substr(begin, end - begin);
    if (std::find(keywords.begin(), keywords.end(), name) != keywords.end()) {
        return std::nullopt;
    }
    return std::string(name);
}

std::optional<std::string> hunk_function(const Hunk& h, const std::optional<Lines>& base) {
    std::optional<std::string> before_change;
    for (const auto& l : h.lines) {
        if (l.kind != LineKind::Context) {
            break;
        }
        if (auto f = defined_function(l.old_text())) {
            before_change = std::move(f);
        }
    }
    if (before_change) {
        return before_change;
    }
    if (auto f = defined_function(h.section)) {
        return f;
    }
    if (base) {
        for (long i = std::min<long>(h.old_start - 1, static_cast<long>(base->size())) - 1; i >= 0;
             --i) {
            if (auto f = defined_function((*base)[static_cast<std::size_t>(i)])) {
                return f;
            }
        }
    }
    return std::nullopt;
}

std::optional<Body> function_body(const Lines& content, const std::string& name) {
    std::optional<Body> found;
    for (std::size_t i = 0; i < content.size(); ++i) {
        if (defined_function(content[i]) != name) {
            continue;
        }
        // A definition: the signature (maybe continued on indented lines),
        // then "{" alone on its line, as kernel style writes it.
        std::size_t j = i + 1;
        while (j < content.size() && j < i + 4 && text::chomp(content[j]) != "{") {
            const auto l = text::chomp(content[j]);
            if (l.empty() || (l[0] != ' ' && l[0] != '\t') || l.back() == ';' || l.back() == '}') {
                break;
            }
            ++j;
        }
        if (j >= content.size() || text::chomp(content[j]) != "{") {
            continue;
        }
        while (j < content.size() && text::chomp(content[j]) != "}") {
            ++j;
        }
        if (j == content.size() || found) {
            return std::nullopt; // no end, or defined twice (#ifdef variants)
        }
        found = Body{i, j + 1};
    }
    return found;
}

std::optional<std::string> function_above(const Lines& content, std::size_t index) {
    for (std::size_t i = std::min(index, content.size()); i-- > 0;) {
        if (auto f = defined_function(content[i])) {
            return f;
        }
    }
    return std::nullopt;
}

} // namespace kseries::rebase
