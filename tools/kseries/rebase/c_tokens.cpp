#include <algorithm>
#include <cctype>

#include <kseries/rebase/c_tokens.hpp>

namespace kseries::rebase {

bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

namespace {

// Keywords and type names say nothing about which code a line is about.
bool is_name(const std::string& t) {
    static const std::set<std::string, std::less<>> keywords{
        "auto",    "bool",  "break",    "case",   "char",     "const",  "continue",
        "default", "do",    "double",   "else",   "enum",     "extern", "float",
        "for",     "goto",  "if",       "inline", "int",      "long",   "register",
        "return",  "short", "signed",   "sizeof", "static",   "struct", "switch",
        "typedef", "union", "unsigned", "void",   "volatile", "while"};
    return !t.empty() && ident_start(t[0]) && !keywords.contains(t);
}

} // namespace

std::set<std::string> names(const Tokens& tokens) {
    std::set<std::string> out;
    for (const auto& t : tokens) {
        if (is_name(t)) {
            out.insert(t);
        }
    }
    return out;
}

std::pair<long, long> balance(const Tokens& tokens) {
    long braces = 0;
    long parens = 0;
    for (const auto& t : tokens) {
        braces += t == "{" ? 1 : t == "}" ? -1 : 0;
        parens += t == "(" ? 1 : t == ")" ? -1 : 0;
    }
    return {braces, parens};
}

Tokens join_tokens(const std::vector<Tokens>& per_line, std::size_t first, std::size_t count) {
    Tokens out;
    for (std::size_t i = first; i < first + count; ++i) {
        out.insert(out.end(), per_line[i].begin(), per_line[i].end());
    }
    return out;
}

Tokens tokens_of(const std::vector<std::string>& lines) {
    Tokens out;
    for (const auto& l : lines) {
        auto t = c_tokens(l);
        out.insert(out.end(), t.begin(), t.end());
    }
    return out;
}

double bag_similarity(const std::map<std::string, long>& want, std::size_t want_size,
                      const Tokens& have) {
    std::map<std::string, long> left = want;
    long common = 0;
    for (const auto& t : have) {
        if (auto it = left.find(t); it != left.end() && it->second > 0) {
            --it->second;
            ++common;
        }
    }
    const auto total = want_size + have.size();
    return total == 0 ? 1.0 : 2.0 * static_cast<double>(common) / static_cast<double>(total);
}

std::vector<std::string> c_tokens(std::string_view s) {
    static const std::vector<std::string_view> ops{
        "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
        "&&",  "||",  "+=",  "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##"};
    Tokens out;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        std::size_t j = i + 1;
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            i = j;
            continue;
        }
        if (s.substr(i, 2) == "//") {
            const auto nl = s.find('\n', i);
            i = nl == std::string_view::npos ? s.size() : nl;
            continue;
        }
        if (s.substr(i, 2) == "/*") {
            const auto end = s.find("*/", i + 2);
            i = end == std::string_view::npos ? s.size() : end + 2;
            continue;
        }
        if (ident_char(c)) { // identifiers and numbers (with '.', as in 1.5)
            while (j < s.size() && (ident_char(s[j]) || (!ident_start(c) && s[j] == '.'))) {
                ++j;
            }
        } else if (c == '"' || c == '\'') {
            while (j < s.size() && s[j] != c && s[j] != '\n') {
                j += s[j] == '\\' ? 2U : 1U;
            }
            j = std::min(j + 1, s.size());
        } else {
            for (const auto op : ops) {
                if (s.substr(i, op.size()) == op) {
                    j = i + op.size();
                    break;
                }
            }
        }
        out.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

double token_similarity(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.empty() && b.empty()) {
        return 1.0;
    }
    std::vector<std::size_t> prev(b.size() + 1, 0);
    std::vector<std::size_t> row(b.size() + 1, 0);
    for (const auto& x : a) {
        for (std::size_t j = 0; j < b.size(); ++j) {
            row[j + 1] = x == b[j] ? prev[j] + 1 : std::max(prev[j + 1], row[j]);
        }
        std::swap(prev, row);
    }
    return 2.0 * static_cast<double>(prev[b.size()]) / static_cast<double>(a.size() + b.size());
}

} // namespace kseries::rebase
