#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include <kseries/git/diff.hpp>
#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/propose_internal.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase::detail {

namespace {

// Below this similarity lines are not a counterpart. A rewritten statement
// (`return -ESTALE;` -> `ret = -ESTALE;`) in a five-line block keeps 0.94;
// a different condition on the same variable (`if (ret < 0)` against
// `if (!ret) {`) is 0.67.
constexpr double threshold = 0.8;
// A counterpart of fewer lines needs one of the hunk's context lines beside
// it (one_side_same()).
constexpr std::size_t short_counterpart = 3;
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

// The windows of the target alike the change's removed lines: those that
// also mention its names and balance its brackets, the closest of all, and
// the best of those refused for names or brackets.
struct Search {
    std::vector<Place> places; // overlapping windows merged, best first
    Place closest;
    Place refused;
};

Search search(const Tokens& want, std::size_t k, const Context& ctx) {
    const auto want_names = names(want);
    const auto want_balance = balance(want);
    std::map<std::string, long> bag;
    for (const auto& t : want) {
        ++bag[t];
    }
    Search out;
    std::vector<Place> alike;
    for (std::size_t s = 0; s + k <= ctx.lines.size(); ++s) {
        const auto have = join_tokens(ctx.per_line, s, k);
        if (bag_similarity(bag, want.size(), have) < std::max(out.closest.sim, 0.5)) {
            continue;
        }
        const double sim = token_similarity(want, have);
        if (sim > out.closest.sim) {
            out.closest = {s, sim};
        }
        const auto have_names = names(have);
        if (sim >= threshold && balance(have) == want_balance &&
            std::includes(have_names.begin(), have_names.end(), want_names.begin(),
                          want_names.end())) {
            alike.push_back({s, sim});
        } else if (sim >= threshold && sim > out.refused.sim) {
            out.refused = {s, sim};
        }
    }
    // Overlapping windows are one place; the best window stands for it.
    std::stable_sort(alike.begin(), alike.end(),
                     [](const Place& x, const Place& y) { return x.sim > y.sim; });
    for (const auto& p : alike) {
        if (std::none_of(out.places.begin(), out.places.end(), [&](const Place& q) {
                return p.first < q.first + k && q.first < p.first + k;
            })) {
            out.places.push_back(p);
        }
    }
    return out;
}

// No place alike enough: what came closest, and why it was not enough.
std::string nothing_alike(const Change& c, const Context& ctx, const Search& found, std::size_t k) {
    const auto& refused = found.refused;
    const auto& closest = found.closest;
    return no_counterpart(
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
}

// The one place found, unless too little speaks for it: why not, or empty.
std::string place_doubtful(const Change& c, const Context& ctx, const Place& p, std::size_t k,
                           std::size_t want_names, const std::string& function) {
    if (ctx.fn == nullptr || p.first < ctx.fn->begin || p.first + k > ctx.fn->end) {
        return fmt::format(
            "no counterpart found: the alike lines ({}, {:.2f}) are in {}, not in the function "
            "the hunk's lines mention most ({})",
            range(p.first, k), p.sim, function,
            ctx.fn == nullptr ? std::string("none could be chosen") : ctx.fn->name + "()");
    }
    if (want_names < 2 && !same_surroundings(c, ctx, p.first, k)) {
        return fmt::format(
            "no counterpart found: alike at {} of {} ({:.2f}), but the removed lines mention "
            "fewer than 2 names, too little to be recognised on their own, and the lines around "
            "that place are not the hunk's context around the change",
            range(p.first, k), function, p.sim);
    }
    // A short counterpart (one or two lines) is too common a shape to stand
    // alone: `ofs->whiteout = whiteout;` is alike `ofs->whiteout = NULL;`,
    // and a target that already removed the hunk's line keeps its twins.
    // Its neighbours must be the hunk's context there: both, or one that
    // says something (two tokens at least: not a lone brace).
    if (k < short_counterpart && !same_surroundings(c, ctx, p.first, k) &&
        !one_side_same(c, ctx, p.first, k)) {
        return fmt::format(
            "no counterpart found: alike at {} of {} ({:.2f}), but {} line(s) are too few to be "
            "recognised on their own, and neither line around that place is the hunk's context "
            "beside the change",
            range(p.first, k), function, p.sim, k);
    }
    if (!c.added.empty() && p.sim < 1.0) {
        return fmt::format(
            "no counterpart found: {} of {} are like its removed lines ({:.2f}) but not the same, "
            "and a replacement is proposed only where the removed lines are there as they are",
            range(p.first, k), function, p.sim);
    }
    return {};
}

// The proposal itself: the removed lines at `p` replaced by the added ones,
// shown as git's diff of the file.
void propose_at(ChangeProposal& out, const Context& ctx, const Place& p, std::size_t k) {
    Lines edited = ctx.lines;
    edited.erase(edited.begin() + static_cast<long>(p.first),
                 edited.begin() + static_cast<long>(p.first + k));
    edited.insert(edited.begin() + static_cast<long>(p.first), out.change.added.begin(),
                  out.change.added.end());
    std::string content;
    for (const auto& l : edited) {
        content += l;
    }
    auto diff = git::diff_file(ctx.path, ctx.target, content);
    if (!diff) {
        out.why = "no counterpart proposed: " + diff.error().message();
        return;
    }
    out.proposed = true;
    out.first = p.first;
    out.count = k;
    out.confidence = p.sim;
    out.diff = std::move(*diff);
}

} // namespace

// One change: already made, an addition only, nothing alike, alike in more
// than one place, one place too doubtful, or a proposal.
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
    const auto k = c.removed.size();
    const Search found = search(want, k, ctx);
    if (found.places.empty()) {
        out.why = nothing_alike(c, ctx, found, k);
        return out;
    }
    if (found.places.size() > 1) {
        std::vector<std::string> seen;
        for (const auto& p : found.places) {
            seen.push_back(fmt::format("{} in {} ({:.2f})", range(p.first, k),
                                       where(ctx.lines, p.first), p.sim));
            out.evidence += evidence(ctx.lines, p.first, k);
        }
        out.ambiguous = true;
        out.why = "no counterpart found: not unique, alike at " + text::join(seen, " and ");
        return out;
    }
    const auto& p = found.places.front();
    out.evidence = evidence(ctx.lines, p.first, k);
    out.function = where(ctx.lines, p.first);
    out.why = place_doubtful(c, ctx, p, k, names(want).size(), out.function);
    if (out.why.empty()) {
        propose_at(out, ctx, p, k);
    }
    return out;
}

} // namespace kseries::rebase::detail
