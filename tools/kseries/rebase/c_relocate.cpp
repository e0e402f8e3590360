#include <algorithm>

#include <fmt/format.h>

#include <kseries/rebase/c_relocate.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

using patch::Hunk;
using patch::LineKind;
using Lines = std::vector<std::string>;

namespace {

using Table = std::vector<std::vector<unsigned>>;

// The hunk's old lines (context and removed) against the function's body.
struct Alignment {
    std::vector<const patch::HunkLine*> old;
    const Lines& content;
    const Body& body;
    Table lcs;                                  // lcs[a][b]: old[a..] against body[b..]
    std::vector<std::optional<std::size_t>> at; // old line -> content line

    [[nodiscard]] bool same(std::size_t a, std::size_t b) const {
        return old[a]->old_text() == content[body.begin + b];
    }
    [[nodiscard]] bool unique_in_file(std::string_view s) const {
        return std::count(content.begin(), content.end(), s) == 1;
    }
    // The length of the longest common subsequence when old line `fa` may
    // not pair with body line `fb` (any pair when none is named).
    [[nodiscard]] Table table(std::size_t fa, std::size_t fb) const {
        const std::size_t n = old.size();
        const std::size_t m = body.end - body.begin;
        Table t(n + 1, std::vector<unsigned>(m + 1, 0));
        for (std::size_t a = n; a-- > 0;) {
            for (std::size_t b = m; b-- > 0;) {
                const bool pair = (a != fa || b != fb) && same(a, b);
                t[a][b] = pair ? t[a + 1][b + 1] + 1 : std::max(t[a + 1][b], t[a][b + 1]);
            }
        }
        return t;
    }
};

// Pass 1: one longest common subsequence of the old lines and the body,
// walked from the start, gives each old line its place (if any).
Alignment align(const Lines& content, const Body& body, const Hunk& h) {
    Alignment al{{}, content, body, {}, {}};
    for (const auto& l : h.lines) {
        if (l.on_old_side()) {
            al.old.push_back(&l);
        }
    }
    const std::size_t n = al.old.size();
    const std::size_t m = body.end - body.begin;
    const std::size_t none = static_cast<std::size_t>(-1);
    al.lcs = al.table(none, none);
    al.at.resize(n);
    for (std::size_t a = 0, b = 0; a < n && b < m;) {
        if (al.same(a, b) && al.lcs[a][b] == al.lcs[a + 1][b + 1] + 1) {
            al.at[a] = body.begin + b;
            ++a;
            ++b;
        } else if (al.lcs[a + 1][b] >= al.lcs[a][b + 1]) {
            ++a;
        } else {
            ++b;
        }
    }
    return al;
}

// Pass 2: every removed line must be placed beyond doubt - aligned, unique
// in the file, and by the only best alignment - or the relocation is a guess.
bool removals_decided(const Alignment& al, std::string& why) {
    for (std::size_t a = 0; a < al.old.size(); ++a) {
        if (al.old[a]->kind != LineKind::Removed) {
            continue;
        }
        const auto line = text::quote_line(text::chomp(al.old[a]->old_text()));
        if (!al.at[a]) {
            why = fmt::format("removed line {} is not in the function", line);
            return false;
        }
        // Unique in the whole file, not just the body: a twin elsewhere
        // (or a body cut short by a stray closing brace) makes it a guess.
        if (!al.unique_in_file(al.old[a]->old_text())) {
            why = fmt::format("removed line {} occurs more than once in the file", line);
            return false;
        }
        // The alignment must be the only best one: if the hunk's lines
        // align as well without this pairing, where it goes is a guess.
        if (al.table(a, *al.at[a] - al.body.begin)[0][0] == al.lcs[0][0]) {
            why =
                fmt::format("removed line {} aligns with the function in more than one way", line);
            return false;
        }
    }
    return true;
}

using Inserts = std::vector<std::pair<std::size_t, std::string>>;

// Pass 3: each added line anchored by the content line it goes before: after
// the aligned old line before it, else before the one after it.
std::optional<Inserts> anchored_inserts(const Alignment& al, const Hunk& h, std::string& why) {
    Inserts inserts;
    std::size_t old_index = 0;
    for (const auto& l : h.lines) {
        if (l.kind != LineKind::Added) {
            ++old_index;
            continue;
        }
        const auto anchors = [&](std::size_t k) {
            return al.at[k] && al.unique_in_file(al.old[k]->old_text());
        };
        std::optional<std::size_t> before_line;
        if (old_index > 0 && anchors(old_index - 1)) {
            before_line = *al.at[old_index - 1] + 1;
        } else if (old_index < al.old.size() && anchors(old_index)) {
            before_line = *al.at[old_index];
        }
        if (!before_line) {
            why = fmt::format("no line of the function anchors added line {}",
                              text::quote_line(text::chomp(l.new_text())));
            return std::nullopt;
        }
        inserts.emplace_back(*before_line, std::string(l.new_text()));
    }
    return inserts;
}

// Pass 4: the content without the removed lines and with the added ones,
// provided the added lines keep their order.
std::optional<Lines> edited(const Alignment& al, const Inserts& inserts, std::string& why) {
    const Lines& content = al.content;
    std::vector<bool> removed(content.size(), false);
    for (std::size_t a = 0; a < al.old.size(); ++a) {
        if (al.old[a]->kind == LineKind::Removed) {
            removed[*al.at[a]] = true;
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

} // namespace

std::optional<Lines> relocate(const Lines& content, const Body& body, const Hunk& h,
                              std::string& why) {
    const Alignment al = align(content, body, h);
    if (!removals_decided(al, why)) {
        return std::nullopt;
    }
    const auto inserts = anchored_inserts(al, h, why);
    if (!inserts) {
        return std::nullopt;
    }
    return edited(al, *inserts, why);
}

} // namespace kseries::rebase
