#include <algorithm>
#include <cctype>

#include <fmt/format.h>

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

std::optional<Lines> relocate(const Lines& content, const Body& body, const Hunk& h,
                              std::string& why) {
    std::vector<const patch::HunkLine*> old;
    for (const auto& l : h.lines) {
        if (l.on_old_side()) {
            old.push_back(&l);
        }
    }
    const std::size_t n = old.size();
    const std::size_t m = body.end - body.begin;
    std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
    for (std::size_t a = n; a-- > 0;) {
        for (std::size_t b = m; b-- > 0;) {
            lcs[a][b] = old[a]->old_text() == content[body.begin + b]
                            ? lcs[a + 1][b + 1] + 1
                            : std::max(lcs[a + 1][b], lcs[a][b + 1]);
        }
    }
    std::vector<std::optional<std::size_t>> at(n); // old line -> content line
    for (std::size_t a = 0, b = 0; a < n && b < m;) {
        if (old[a]->old_text() == content[body.begin + b] && lcs[a][b] == lcs[a + 1][b + 1] + 1) {
            at[a] = body.begin + b;
            ++a;
            ++b;
        } else if (lcs[a + 1][b] >= lcs[a][b + 1]) {
            ++a;
        } else {
            ++b;
        }
    }
    // The length of the longest common subsequence when old line `fa` may
    // not pair with body line `fb`.
    const auto lcs_without = [&](std::size_t fa, std::size_t fb) {
        std::vector<std::vector<unsigned>> t(n + 1, std::vector<unsigned>(m + 1, 0));
        for (std::size_t a = n; a-- > 0;) {
            for (std::size_t b = m; b-- > 0;) {
                const bool pair =
                    (a != fa || b != fb) && old[a]->old_text() == content[body.begin + b];
                t[a][b] = pair ? t[a + 1][b + 1] + 1 : std::max(t[a + 1][b], t[a][b + 1]);
            }
        }
        return t[0][0];
    };
    const auto unique_in_file = [&](const std::string_view s) {
        return std::count(content.begin(), content.end(), s) == 1;
    };
    for (std::size_t a = 0; a < n; ++a) {
        if (old[a]->kind == LineKind::Removed) {
            if (!at[a]) {
                why = fmt::format("removed line {} is not in the function",
                                  text::quote_line(text::chomp(old[a]->old_text())));
                return std::nullopt;
            }
            // Unique in the whole file, not just the body: a twin elsewhere
            // (or a body cut short by a stray closing brace) makes it a guess.
            if (!unique_in_file(old[a]->old_text())) {
                why = fmt::format("removed line {} occurs more than once in the file",
                                  text::quote_line(text::chomp(old[a]->old_text())));
                return std::nullopt;
            }
            // The alignment must be the only best one: if the hunk's lines
            // align as well without this pairing, where it goes is a guess.
            if (lcs_without(a, *at[a] - body.begin) == lcs[0][0]) {
                why = fmt::format("removed line {} aligns with the function in more than one way",
                                  text::quote_line(text::chomp(old[a]->old_text())));
                return std::nullopt;
            }
        }
    }
    // Added lines, by the content line they go before.
    std::vector<std::pair<std::size_t, std::string>> inserts;
    std::size_t old_index = 0;
    for (std::size_t k = 0; k < h.lines.size(); ++k) {
        const auto& l = h.lines[k];
        if (l.kind != LineKind::Added) {
            ++old_index;
            continue;
        }
        std::optional<std::size_t> before_line;
        if (old_index > 0 && at[old_index - 1] && unique_in_file(old[old_index - 1]->old_text())) {
            before_line = *at[old_index - 1] + 1;
        } else if (old_index < n && at[old_index] && unique_in_file(old[old_index]->old_text())) {
            before_line = *at[old_index];
        }
        if (!before_line) {
            why = fmt::format("no line of the function anchors added line {}",
                              text::quote_line(text::chomp(l.new_text())));
            return std::nullopt;
        }
        inserts.emplace_back(*before_line, std::string(l.new_text()));
    }
    std::vector<bool> removed(content.size(), false);
    for (std::size_t a = 0; a < n; ++a) {
        if (old[a]->kind == LineKind::Removed) {
            removed[*at[a]] = true;
        }
    }
    Lines out;
    std::size_t next_insert = 0;
    for (std::size_t i = 0; i <= content.size(); ++i) {
        while (next_insert < inserts.size() && inserts[next_insert].first == i) {
            out.push_back(inserts[next_insert++].second);
        }
        if (i < content.size() && !removed[i]) {
            out.push_back(content[i]);
        }
    }
    if (next_insert != inserts.size()) {
        why = "the added lines do not keep their order in the function";
        return std::nullopt;
    }
    return out;
}

} // namespace kseries::rebase
