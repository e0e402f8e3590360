#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/c_tokens.hpp>
#include <kseries/rebase/guards.hpp>
#include <kseries/rebase/propose.hpp>
#include <kseries/rebase/propose_internal.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

namespace detail {

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

} // namespace detail

namespace {

using namespace detail;

// The hunk's own function reads like its new text from this similarity on
// (and over at least this many tokens): the change looks made there, so no
// counterpart elsewhere is proposed. Lower than counterpart.cpp's
// `threshold` because it only withholds proposals: v1's `struct ovl_fs *ofs = sb->s_fs_info;`
// against 6.12's `... = OVL_FS(sb);`, the rest alike, is 0.78.
constexpr double made_threshold = 0.75;

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

namespace {

// The function chosen by what the hunk's old lines mention, not by its
// heading's name: after a refactoring the code it is about may live in a
// function of another name. At least half of the names, and strictly more
// than any other function; null (and `mentions` says why) otherwise.
const Span* mentioned_most(const patch::Hunk& hunk, const std::vector<Span>& spans,
                           const std::vector<Tokens>& per_line, HunkProposal& out) {
    Tokens old_side;
    for (const auto& l : hunk.lines) {
        if (l.on_old_side()) {
            auto t = c_tokens(l.old_text());
            old_side.insert(old_side.end(), t.begin(), t.end());
        }
    }
    const auto wanted = names(old_side);
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
        return fn;
    }
    out.mentions =
        fmt::format("no one function of the target mentions most of the {} names the hunk's lines "
                    "mention (best {}, next {})",
                    wanted.size(), best, second);
    return nullptr;
}

// Every change of the hunk withheld for the same reason.
void withhold_all(const patch::Hunk& hunk, const std::string& own, const std::string& why,
                  const std::string& shown, HunkProposal& out) {
    for (const auto& c : split_changes(hunk)) {
        ChangeProposal p;
        p.change = c;
        p.function = own;
        p.evidence = shown;
        p.why = why;
        out.changes.push_back(std::move(p));
    }
}

// How many of the hunk's substantive context lines there are, and how many
// of them (trimmed) the function's body still has.
std::pair<std::size_t, std::size_t> context_kept(const patch::Hunk& hunk, const Lines& lines,
                                                 const Body& body) {
    std::size_t context = 0;
    std::size_t kept = 0;
    for (const auto& l : hunk.lines) {
        if (l.kind != patch::LineKind::Context || !substantive(l.old_text())) {
            continue;
        }
        ++context;
        const auto want = text::trim(text::chomp(l.old_text()));
        kept +=
            std::any_of(lines.begin() + static_cast<long>(body.begin),
                        lines.begin() + static_cast<long>(body.end),
                        [&](const std::string& t) { return text::trim(text::chomp(t)) == want; })
                ? 1U
                : 0U;
    }
    return {context, kept};
}

// The window of the function most like the hunk's new text: each window
// against as much of the new text as fits before the function ends (the
// hunk's context may run on into the next one); too few tokens are no
// evidence.
struct Alike {
    double sim = 0;
    std::size_t at = 0;
    std::size_t span = 0;
};
Alike most_like_new_text(const patch::Hunk& hunk, const std::vector<Tokens>& per_line,
                         const Body& body) {
    std::vector<std::string> neu;
    for (const auto& l : hunk.lines) {
        if (l.on_new_side()) {
            neu.emplace_back(l.new_text());
        }
    }
    Alike out{0, body.begin, 0};
    // From as far above the body as the new text is long: the hunk may
    // start with the definition's first lines.
    for (std::size_t i = body.begin > neu.size() ? body.begin - neu.size() : 0; i < body.end; ++i) {
        const std::size_t k = std::min(neu.size(), body.end - i);
        const Tokens want = tokens_of(Lines(neu.begin(), neu.begin() + static_cast<long>(k)));
        if (want.size() < min_evidence_tokens) {
            continue;
        }
        const double sim = token_similarity(join_tokens(per_line, i, k), want);
        if (sim > out.sim) {
            out = {sim, i, k};
        }
    }
    return out;
}

// The function the hunk's heading names, when the target still defines it
// (and it is not `fn`), may already hold the change under other context
// (the hunk's new text, give or take a rewritten line): a counterpart
// elsewhere would then be a twin of what the target already removed or
// changed. True when it does, with every change withheld.
bool heading_function_holds(const patch::Hunk& hunk, const Lines& lines,
                            const std::vector<Tokens>& per_line, const Span* fn,
                            HunkProposal& out) {
    const auto own = hunk_function(hunk, std::nullopt);
    if (!own || (fn != nullptr && fn->name == *own)) {
        return false;
    }
    const auto body = function_body(lines, *own);
    if (!body) {
        return false;
    }
    // The hunk's own context still there: its place is there, where its
    // removed lines are not; lines like them in another function would be a
    // twin's (kasan_poison() beside kasan_unpoison()). A proposal in another
    // function is made only when the heading's function kept none of the
    // hunk's context: after v1's refactoring ovl_dentry_revalidate() is a
    // wrapper.
    if (const auto [context, kept] = context_kept(hunk, lines, *body); kept > 0) {
        withhold_all(hunk, *own,
                     fmt::format("no counterpart found: {} of the hunk's {} context lines are "
                                 "still in {}(), the function its heading names, where its "
                                 "removed lines are not: its place is there, and lines like "
                                 "them in another function would be a twin's",
                                 kept, context, *own),
                     {}, out);
        return true;
    }
    const auto alike = most_like_new_text(hunk, per_line, *body);
    if (alike.sim < made_threshold) {
        return false;
    }
    withhold_all(hunk, *own,
                 fmt::format("no counterpart found: {}() {} already reads like the hunk's new "
                             "text (similarity {:.2f}): the change looks made there, and lines "
                             "like it elsewhere would be a twin's",
                             *own, range(alike.at, alike.span), alike.sim),
                 evidence(lines, alike.at, alike.span), out);
    return true;
}

} // namespace

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
    const auto spans = functions(lines);
    const Span* fn = mentioned_most(hunk, spans, per_line, out);
    if (heading_function_holds(hunk, lines, per_line, fn, out)) {
        return out;
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
