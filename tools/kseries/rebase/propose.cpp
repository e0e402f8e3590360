#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include <kseries/git/diff.hpp>
#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/c_tokens.hpp>
#include <kseries/rebase/guards.hpp>
#include <kseries/rebase/propose.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

namespace {

using Lines = std::vector<std::string>;

// Below this similarity lines are not a counterpart. A rewritten statement
// (`return -ESTALE;` -> `ret = -ESTALE;`) in a five-line block keeps 0.94;
// a different condition on the same variable (`if (ret < 0)` against
// `if (!ret) {`) is 0.67.
constexpr double threshold = 0.8;

// The hunk's own function reads like its new text from this similarity on
// (and over at least this many tokens): the change looks made there, so no
// counterpart elsewhere is proposed. Lower than `threshold` because it only
// withholds proposals: v1's `struct ovl_fs *ofs = sb->s_fs_info;` against
// 6.12's `... = OVL_FS(sb);`, the rest alike, is 0.78.
constexpr double made_threshold = 0.75;
constexpr std::size_t min_evidence_tokens = 6;

// A counterpart of fewer lines needs one of the hunk's context lines beside
// it (one_side_same()).
constexpr std::size_t short_counterpart = 3;

struct Span {
    std::string name;
    std::size_t begin = 0;
    std::size_t end = 0;
};

// The target's functions defined exactly once, in file order.
std::vector<Span> functions(const Lines& lines) {
    std::vector<Span> out;
    std::set<std::string> seen;
    for (const auto& l : lines) {
        if (auto name = defined_function(l); name && seen.insert(*name).second) {
            if (auto body = function_body(lines, *name)) {
                out.push_back({*name, body->begin, body->end});
            }
        }
    }
    return out;
}

std::string evidence(const Lines& lines, std::size_t first, std::size_t count) {
    std::string out;
    for (std::size_t i = first; i < first + count && i < lines.size(); ++i) {
        out += fmt::format("{}: {}\n", i + 1, text::chomp(lines[i]));
    }
    return out;
}

std::string range(std::size_t first, std::size_t count) {
    return count == 1 ? fmt::format("line {}", first + 1)
                      : fmt::format("lines {}-{}", first + 1, first + count);
}

std::string where(const Lines& lines, std::size_t index) {
    auto f = function_above(lines, index);
    return f ? *f + "()" : std::string("no function");
}

struct Place {
    std::size_t first = 0;
    double sim = 0;
};

// The change's new text already in `fn`, token for token: the evidence
// that the target is already like the change made.
std::optional<std::size_t> new_text_in(const Change& c, const Span& fn,
                                       const std::vector<Tokens>& per_line) {
    const auto want = tokens_of(c.added);
    const auto k = c.added.size();
    if (k == 0 || want.empty()) {
        return std::nullopt;
    }
    for (std::size_t s = fn.begin; s + k <= fn.end; ++s) {
        if (join_tokens(per_line, s, k) == want) {
            return s;
        }
    }
    return std::nullopt;
}

struct Context {
    const Lines& lines;
    const std::vector<Tokens>& per_line;
    const Span* fn; // the function the hunk's lines mention most, or null
    std::string_view path;
    std::string_view target;
};

// Why there is no counterpart, with what can be evidenced about the target.
std::string no_counterpart(const Change& c, const Context& ctx, std::string closest) {
    std::string why = "no counterpart found: " + std::move(closest);
    if (ctx.fn != nullptr) {
        if (auto at = new_text_in(c, *ctx.fn, ctx.per_line)) {
            why += fmt::format("; {}() already has the change's new text at {} (already like "
                               "the new text)",
                               ctx.fn->name, range(*at, c.added.size()));
        }
    }
    return why;
}

// Whether the target's lines around [first, first + k) are the change's
// context in the hunk, token for token: the evidence a change that mentions
// (almost) nothing, such as `return 1;`, needs besides its own lines. A
// change without context on either side has none.
bool same_surroundings(const Change& c, const Context& ctx, std::size_t first, std::size_t k) {
    // Blank lines on both sides say nothing about the place.
    const auto blank = [](const std::optional<std::string>& l) {
        return !l || text::trim(text::chomp(*l)).empty();
    };
    if (blank(c.before) && blank(c.after)) {
        return false;
    }
    // As text (trimmed), not tokens: a comment has none, and would match
    // any other comment.
    const auto same = [](std::string_view a, std::string_view b) {
        return text::trim(text::chomp(a)) == text::trim(text::chomp(b));
    };
    if (c.before && (first == 0 || !same(ctx.lines[first - 1], *c.before))) {
        return false;
    }
    return !c.after || (first + k < ctx.lines.size() && same(ctx.lines[first + k], *c.after));
}

// Where the target already reads as the hunk made the change: its context
// line before, its added lines and its context line after, line for line
// (indentation included), in the hunk's function (else anywhere in the
// file). Lines like the removed ones elsewhere are then a twin's: the
// target that already removed a line must not lose its twin too. Needs
// context on both sides and, together, at least `min_evidence_tokens` tokens.
std::optional<std::size_t> made_at(const Change& c, const Context& ctx) {
    if (!c.before || !c.after) {
        return std::nullopt;
    }
    Lines want{*c.before};
    want.insert(want.end(), c.added.begin(), c.added.end());
    want.push_back(*c.after);
    if (tokens_of(want).size() < min_evidence_tokens) {
        return std::nullopt;
    }
    const std::size_t lo = ctx.fn != nullptr ? ctx.fn->begin : 0;
    const std::size_t hi = ctx.fn != nullptr ? ctx.fn->end : ctx.lines.size();
    for (std::size_t s = lo; s + want.size() <= hi; ++s) {
        if (std::equal(want.begin(), want.end(), ctx.lines.begin() + static_cast<long>(s),
                       [](const std::string& a, const std::string& b) {
                           return text::chomp(a) == text::chomp(b);
                       })) {
            return s;
        }
    }
    return std::nullopt;
}

// Whether one of the target's lines around [first, first + k) is the
// change's context line on that side, token for token, and holds at least
// two tokens.
bool one_side_same(const Change& c, const Context& ctx, std::size_t first, std::size_t k) {
    const auto same = [](const Tokens& have, const std::string& want) {
        return have.size() >= 2 && have == c_tokens(want);
    };
    return (c.before && first > 0 && same(ctx.per_line[first - 1], *c.before)) ||
           (c.after && first + k < ctx.lines.size() && same(ctx.per_line[first + k], *c.after));
}

ChangeProposal propose_change(const Change& c, const Context& ctx) {
    ChangeProposal out;
    out.change = c;
    if (const auto at = made_at(c, ctx); at && !c.removed.empty()) {
        const std::size_t n = c.added.size() + 2;
        out.function = where(ctx.lines, *at);
        out.evidence = evidence(ctx.lines, *at, n);
        out.why = fmt::format("no counterpart proposed: the target already reads as the change "
                              "made at {} (its context and new text, line for line): lines like "
                              "the removed ones elsewhere would be a twin's",
                              range(*at, n));
        return out;
    }
    if (c.removed.empty()) {
        out.why = no_counterpart(c, ctx,
                                 "an addition only: without removed lines there is "
                                 "nothing to look for, its place is the maintainer's");
        return out;
    }
    const auto want = tokens_of(c.removed);
    const auto want_names = names(want);
    const auto want_balance = balance(want);
    std::map<std::string, long> bag;
    for (const auto& t : want) {
        ++bag[t];
    }
    const auto k = c.removed.size();
    std::vector<Place> alike;
    Place closest;
    Place refused; // alike, but not mentioning the same names or not balanced
    for (std::size_t s = 0; s + k <= ctx.lines.size(); ++s) {
        const auto have = join_tokens(ctx.per_line, s, k);
        if (bag_similarity(bag, want.size(), have) < std::max(closest.sim, 0.5)) {
            continue;
        }
        const double sim = token_similarity(want, have);
        if (sim > closest.sim) {
            closest = {s, sim};
        }
        const auto have_names = names(have);
        if (sim >= threshold && balance(have) == want_balance &&
            std::includes(have_names.begin(), have_names.end(), want_names.begin(),
                          want_names.end())) {
            alike.push_back({s, sim});
        } else if (sim >= threshold && sim > refused.sim) {
            refused = {s, sim};
        }
    }
    // Overlapping windows are one place; the best window stands for it.
    std::stable_sort(alike.begin(), alike.end(),
                     [](const Place& a, const Place& b) { return a.sim > b.sim; });
    std::vector<Place> places;
    for (const auto& p : alike) {
        if (std::none_of(places.begin(), places.end(), [&](const Place& q) {
                return p.first < q.first + k && q.first < p.first + k;
            })) {
            places.push_back(p);
        }
    }
    if (places.empty()) {
        out.why = no_counterpart(
            c, ctx,
            refused.sim > 0
                ? fmt::format("the closest lines ({}, in {}, {:.2f}) do not mention every name "
                              "the removed lines mention, or do not open and close as many "
                              "braces and parentheses",
                              range(refused.first, k), where(ctx.lines, refused.first), refused.sim)
            : closest.sim == 0
                ? "nothing in the target is alike"
                : fmt::format("the closest lines ({}, in {}) are alike only {:.2f} (below {:.2f})",
                              range(closest.first, k), where(ctx.lines, closest.first), closest.sim,
                              threshold));
        return out;
    }
    if (places.size() > 1) {
        std::vector<std::string> seen;
        for (const auto& p : places) {
            seen.push_back(fmt::format("{} in {} ({:.2f})", range(p.first, k),
                                       where(ctx.lines, p.first), p.sim));
        }
        out.ambiguous = true;
        out.why = "no counterpart found: not unique, alike at " + text::join(seen, " and ");
        for (const auto& p : places) {
            out.evidence += evidence(ctx.lines, p.first, k);
        }
        return out;
    }
    const auto& p = places.front();
    out.evidence = evidence(ctx.lines, p.first, k);
    out.function = where(ctx.lines, p.first);
    if (ctx.fn == nullptr || p.first < ctx.fn->begin || p.first + k > ctx.fn->end) {
        out.why = fmt::format(
            "no counterpart found: the alike lines ({}, {:.2f}) are in {}, not in the function "
            "the hunk's lines mention most ({})",
            range(p.first, k), p.sim, out.function,
            ctx.fn == nullptr ? std::string("none could be chosen") : ctx.fn->name + "()");
        return out;
    }
    if (want_names.size() < 2 && !same_surroundings(c, ctx, p.first, k)) {
        out.why = fmt::format(
            "no counterpart found: alike at {} of {} ({:.2f}), but the removed lines mention "
            "fewer than 2 names, too little to be recognised on their own, and the lines around "
            "that place are not the hunk's context around the change",
            range(p.first, k), out.function, p.sim);
        return out;
    }
    // A short counterpart (one or two lines) is too common a shape to stand
    // alone: `ofs->whiteout = whiteout;` is alike `ofs->whiteout = NULL;`,
    // and a target that already removed the hunk's line keeps its twins.
    // Its neighbours must be the hunk's context there: both, or one that
    // says something (two tokens at least: not a lone brace).
    if (k < short_counterpart && !same_surroundings(c, ctx, p.first, k) &&
        !one_side_same(c, ctx, p.first, k)) {
        out.why = fmt::format(
            "no counterpart found: alike at {} of {} ({:.2f}), but {} line(s) are too few to be "
            "recognised on their own, and neither line around that place is the hunk's context "
            "beside the change",
            range(p.first, k), out.function, p.sim, k);
        return out;
    }
    if (!c.added.empty() && p.sim < 1.0) {
        out.why = fmt::format(
            "no counterpart found: {} of {} are like its removed lines ({:.2f}) but not the same, "
            "and a replacement is proposed only where the removed lines are there as they are",
            range(p.first, k), out.function, p.sim);
        return out;
    }
    Lines edited = ctx.lines;
    edited.erase(edited.begin() + static_cast<long>(p.first),
                 edited.begin() + static_cast<long>(p.first + k));
    edited.insert(edited.begin() + static_cast<long>(p.first), c.added.begin(), c.added.end());
    std::string content;
    for (const auto& l : edited) {
        content += l;
    }
    auto diff = git::diff_file(ctx.path, ctx.target, content);
    if (!diff) {
        out.why = "no counterpart proposed: " + diff.error().message();
        return out;
    }
    out.proposed = true;
    out.first = p.first;
    out.count = k;
    out.confidence = p.sim;
    out.diff = std::move(*diff);
    return out;
}

} // namespace

std::vector<Change> split_changes(const patch::Hunk& hunk) {
    std::vector<Change> out;
    bool in_change = false;
    std::optional<std::string> context;
    for (const auto& l : hunk.lines) {
        if (l.kind == patch::LineKind::Context) {
            if (in_change) {
                out.back().after = std::string(l.old_text());
            }
            context = std::string(l.old_text());
            in_change = false;
            continue;
        }
        if (!in_change) {
            out.emplace_back();
            out.back().before = context;
            in_change = true;
        }
        auto& c = out.back();
        const bool removed = l.kind == patch::LineKind::Removed;
        const auto line = removed ? l.old_text() : l.new_text();
        (removed ? c.removed : c.added).emplace_back(line);
        c.shown += fmt::format("{}{}\n", removed ? '-' : '+', text::chomp(line));
    }
    return out;
}

bool HunkProposal::acceptable() const {
    return std::any_of(changes.begin(), changes.end(),
                       [](const ChangeProposal& c) { return c.proposed; }) &&
           std::none_of(changes.begin(), changes.end(),
                        [](const ChangeProposal& c) { return c.ambiguous; });
}

Expected<HunkProposal> propose(const patch::Hunk& hunk, std::string_view path,
                               std::string_view target) {
    Lines lines;
    for (const auto l : text::split_lines(target)) {
        lines.emplace_back(l);
    }
    std::vector<Tokens> per_line;
    per_line.reserve(lines.size());
    for (const auto& l : lines) {
        per_line.push_back(c_tokens(l));
    }
    HunkProposal out;
    // The function is chosen by what the hunk's old lines mention, not by
    // its heading's name: after a refactoring the code it is about may live
    // in a function of another name. At least half of the names, and
    // strictly more than any other function.
    Tokens old_side;
    for (const auto& l : hunk.lines) {
        if (l.on_old_side()) {
            auto t = c_tokens(l.old_text());
            old_side.insert(old_side.end(), t.begin(), t.end());
        }
    }
    const auto wanted = names(old_side);
    const auto spans = functions(lines);
    const Span* fn = nullptr;
    std::size_t best = 0;
    std::size_t second = 0;
    for (const auto& span : spans) {
        std::set<std::string> have;
        for (std::size_t i = span.begin; i < span.end; ++i) {
            auto n = names(per_line[i]);
            have.insert(n.begin(), n.end());
        }
        const auto count = static_cast<std::size_t>(std::count_if(
            wanted.begin(), wanted.end(), [&](const std::string& n) { return have.contains(n); }));
        if (count > best) {
            second = best;
            best = count;
            fn = &span;
        } else if (count > second) {
            second = count;
        }
    }
    if (fn != nullptr && best > second && 2 * best >= wanted.size()) {
        out.function = fn->name;
        out.mentions = fmt::format("{}() mentions {} of the {} names the hunk's lines mention "
                                   "(the next function {})",
                                   fn->name, best, wanted.size(), second);
    } else {
        fn = nullptr;
        out.mentions = fmt::format(
            "no one function of the target mentions most of the {} names the hunk's lines "
            "mention (best {}, next {})",
            wanted.size(), best, second);
    }
    // The function the hunk's heading names, when the target still defines
    // it, may already hold the change under other context (the hunk's new
    // text, give or take a rewritten line): a counterpart elsewhere would
    // then be a twin of what the target already removed or changed.
    if (const auto own = hunk_function(hunk, std::nullopt);
        own && (fn == nullptr || fn->name != *own)) {
        if (const auto body = function_body(lines, *own)) {
            // The hunk's own context still there: any of its substantive
            // context lines (trimmed) in that function. Its place is there,
            // where its removed lines are not; lines like them in another
            // function would be a twin's (kasan_poison() beside
            // kasan_unpoison()). A proposal in another function is made only
            // when the heading's function kept none of the hunk's context:
            // after v1's refactoring ovl_dentry_revalidate() is a wrapper.
            std::size_t context = 0;
            std::size_t kept = 0;
            for (const auto& l : hunk.lines) {
                if (l.kind != patch::LineKind::Context || !substantive(l.old_text())) {
                    continue;
                }
                ++context;
                const auto want = text::trim(text::chomp(l.old_text()));
                kept += std::any_of(lines.begin() + static_cast<long>(body->begin),
                                    lines.begin() + static_cast<long>(body->end),
                                    [&](const std::string& t) {
                                        return text::trim(text::chomp(t)) == want;
                                    })
                            ? 1U
                            : 0U;
            }
            if (kept > 0) {
                for (const auto& c : split_changes(hunk)) {
                    ChangeProposal p;
                    p.change = c;
                    p.function = *own;
                    p.why = fmt::format(
                        "no counterpart found: {} of the hunk's {} context lines are still in "
                        "{}(), the function its heading names, where its removed lines are "
                        "not: its place is there, and lines like them in another function "
                        "would be a twin's",
                        kept, context, *own);
                    out.changes.push_back(std::move(p));
                }
                return out;
            }
            std::vector<std::string> neu;
            for (const auto& l : hunk.lines) {
                if (l.on_new_side()) {
                    neu.emplace_back(l.new_text());
                }
            }
            // Each window of the function against as much of the new text
            // as fits before the function ends (the hunk's context may run
            // on into the next one); too few tokens are no evidence.
            double alike = 0;
            std::size_t at = body->begin;
            std::size_t span = 0;
            // From as far above the body as the new text is long: the hunk
            // may start with the definition's first lines.
            for (std::size_t i = body->begin > neu.size() ? body->begin - neu.size() : 0;
                 i < body->end; ++i) {
                const std::size_t k = std::min(neu.size(), body->end - i);
                const Tokens want =
                    tokens_of(Lines(neu.begin(), neu.begin() + static_cast<long>(k)));
                if (want.size() < min_evidence_tokens) {
                    continue;
                }
                const double sim = token_similarity(join_tokens(per_line, i, k), want);
                if (sim > alike) {
                    alike = sim;
                    at = i;
                    span = k;
                }
            }
            if (alike >= made_threshold) {
                for (const auto& c : split_changes(hunk)) {
                    ChangeProposal p;
                    p.change = c;
                    p.function = *own;
                    p.evidence = evidence(lines, at, span);
                    p.why = fmt::format(
                        "no counterpart found: {}() {} already reads like the hunk's new text "
                        "(similarity {:.2f}): the change looks made there, and lines like it "
                        "elsewhere would be a twin's",
                        *own, range(at, span), alike);
                    out.changes.push_back(std::move(p));
                }
                return out;
            }
        }
    }
    const Context ctx{lines, per_line, fn, path, target};
    for (const auto& c : split_changes(hunk)) {
        out.changes.push_back(propose_change(c, ctx));
    }
    return out;
}

Expected<std::string> apply_proposals(std::string_view target,
                                      const std::vector<HunkProposal>& proposals) {
    std::vector<const ChangeProposal*> edits;
    for (const auto& h : proposals) {
        for (const auto& c : h.changes) {
            if (c.proposed) {
                edits.push_back(&c);
            }
        }
    }
    std::sort(edits.begin(), edits.end(),
              [](const auto* a, const auto* b) { return a->first > b->first; });
    Lines lines;
    for (const auto l : text::split_lines(target)) {
        lines.emplace_back(l);
    }
    for (std::size_t i = 0; i < edits.size(); ++i) {
        const auto& e = *edits[i];
        if ((i > 0 && e.first + e.count > edits[i - 1]->first) ||
            e.first + e.count > lines.size()) {
            return fail(ErrorKind::Usage,
                        fmt::format("the proposals overlap at {}", range(e.first, e.count)));
        }
        const auto at = lines.begin() + static_cast<long>(e.first);
        lines.erase(at, at + static_cast<long>(e.count));
        lines.insert(lines.begin() + static_cast<long>(e.first), e.change.added.begin(),
                     e.change.added.end());
    }
    std::string out;
    for (const auto& l : lines) {
        out += l;
    }
    return out;
}

std::string render_proposal(const HunkProposal& p, std::string_view indent) {
    std::string out = fmt::format("{}proposal ({} separable changes; {}):\n", indent,
                                  p.changes.size(), p.mentions);
    const auto block = [&](std::string_view body, std::string_view more) {
        std::string b;
        for (const auto l : text::split_lines(body)) {
            b += fmt::format("{}{}{}\n", indent, more, text::chomp(l));
        }
        return b;
    };
    for (std::size_t i = 0; i < p.changes.size(); ++i) {
        const auto& c = p.changes[i];
        out += fmt::format("{}change {} of {}:\n", indent, i + 1, p.changes.size());
        out += block(c.change.shown, "    ");
        if (c.proposed) {
            out += fmt::format("{}  proposed, confidence {:.2f}: {} {} of {}:\n", indent,
                               c.confidence, c.change.added.empty() ? "remove" : "replace",
                               range(c.first, c.count), c.function);
            out += block(c.evidence, "    ");
            out += fmt::format("{}  diff:\n", indent);
            out += block(c.diff, "    ");
        } else {
            out += fmt::format("{}  {}\n", indent, c.why);
            if (c.ambiguous) {
                out += block(c.evidence, "    ");
            }
        }
    }
    return out;
}

} // namespace kseries::rebase
