// The presence guards of `kseries rebase` (declared in guards.hpp): is the
// hunk's change already in the target where the hunk belongs, whole or under
// other context (applied_at(), change_present())? Apart from guards.cpp,
// which judges what an inexact placement leaves around the change, because
// these are asked before any inexact step; they use guards.cpp's
// functions and the helpers of guards_internal.hpp, nothing else of it.
#include <algorithm>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/c_tokens.hpp>
#include <kseries/rebase/guards.hpp>
#include <kseries/rebase/guards_internal.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

using patch::Hunk;
using patch::LineKind;
using namespace detail;

Region belonging_region(const Lines& cur, const Hunk& h, long centre,
                        const std::optional<Lines>& base) {
    const auto name = hunk_function(h, base);
    if (const auto body = name ? function_body(cur, *name) : std::nullopt) {
        return {body->begin, body->end, fmt::format("in {}()", *name)};
    }
    const auto at = static_cast<std::size_t>(std::max(0L, centre - 1));
    return {at > applied_window ? at - applied_window : 0,
            std::min(cur.size(), at + static_cast<std::size_t>(h.old_count) + applied_window),
            fmt::format("within {} lines of line {}", applied_window, centre)};
}

namespace {

// Does [at, at + n) of the target hold a line an earlier hunk placed?
bool placed_here(const std::vector<bool>& ours, std::size_t at, std::size_t n) {
    for (std::size_t i = at; i < at + n && i < ours.size(); ++i) {
        if (ours[i]) {
            return true;
        }
    }
    return false;
}

} // namespace

std::optional<std::size_t> applied_at(const Lines& cur, const std::vector<bool>& ours,
                                      const Hunk& h, long centre, const std::optional<Lines>& base,
                                      std::string& why) {
    const Lines old = old_side(h);
    const Lines neu = new_side(h);
    if (!occurrences(cur, old).empty()) {
        return std::nullopt;
    }
    auto everywhere = occurrences(cur, neu);
    std::erase_if(everywhere, [&](std::size_t i) { return placed_here(ours, i, neu.size()); });
    if (everywhere.empty()) {
        return std::nullopt;
    }
    const auto region = belonging_region(cur, h, centre, base);
    std::vector<std::size_t> near;
    std::copy_if(everywhere.begin(), everywhere.end(), std::back_inserter(near),
                 [&](std::size_t i) { return i < region.hi && i + neu.size() > region.lo; });
    if (near.size() != 1) {
        why = near.empty() ? fmt::format("its new text is in the target only far from where it "
                                         "belongs (not {})",
                                         region.where)
                           : fmt::format("its new text occurs more than once {}", region.where);
        return std::nullopt;
    }
    // Around the new text: its own span widened by the old text's length.
    // A deletion's new text is only its context, which a twin of the context
    // elsewhere also matches: no run of removed lines may sit there (more
    // often than the new text itself holds it).
    const std::size_t from = near[0] > old.size() ? near[0] - old.size() : 0;
    const std::size_t to = std::min(cur.size(), near[0] + neu.size() + old.size());
    const Lines around(cur.begin() + static_cast<long>(from), cur.begin() + static_cast<long>(to));
    for (std::size_t k = 0; k < h.lines.size();) {
        if (h.lines[k].kind != LineKind::Removed) {
            ++k;
            continue;
        }
        Lines run;
        for (; k < h.lines.size() && h.lines[k].kind == LineKind::Removed; ++k) {
            run.emplace_back(h.lines[k].old_text());
        }
        if (occurrences(around, run).size() > occurrences(neu, run).size()) {
            why = fmt::format("its removed line {} is still beside its new text at line {}",
                              quoted_line(run[0]), near[0] + 1);
            return std::nullopt;
        }
    }
    return near[0];
}

namespace {

// From this token similarity on, a line of the target is the removed line
// rewritten, not another line.
constexpr double rewritten_alike = 0.8;

// A hunk that only deletes: its change is there when its function (the one
// its heading names, defined once in the target) holds, for each run of
// removed lines, the context line before the run and the one after it side
// by side (exactly, once, in order, close together), and no substantive
// removed line is anywhere in the file: a line moved elsewhere in the file,
// or a twin, leaves it to the maintainer. A run at the hunk's edge has no
// context on that side to check: then nothing is concluded.
PresenceResult deletion_present(const Lines& cur, const std::vector<bool>& ours, const Hunk& h,
                                const std::optional<Lines>& base) {
    PresenceResult out;
    const auto name = hunk_function(h, base);
    const auto body = name ? function_body(cur, *name) : std::nullopt;
    if (!body) {
        return out;
    }
    std::vector<Lines> joins; // per run: the context line before it and the one after
    bool substantial = false;
    for (std::size_t k = 0; k < h.lines.size();) {
        if (h.lines[k].kind != LineKind::Removed) {
            ++k;
            continue;
        }
        const std::size_t first = k;
        for (; k < h.lines.size() && h.lines[k].kind == LineKind::Removed; ++k) {
            const auto line = h.lines[k].old_text();
            if (!substantive(line)) {
                continue;
            }
            substantial = true;
            if (!occurrences(cur, Lines{std::string(line)}).empty()) {
                return out; // still in the file: not this shape
            }
            // Nor in another form in the function: a line the target
            // rewrote (a comment added, an argument changed) is still there.
            const auto want = c_tokens(line);
            for (std::size_t i = body->begin; i < body->end; ++i) {
                if (token_similarity(want, c_tokens(cur[i])) >= rewritten_alike) {
                    return out;
                }
            }
        }
        if (first == 0 || k == h.lines.size() || h.lines[first - 1].kind != LineKind::Context ||
            h.lines[k].kind != LineKind::Context) {
            return out;
        }
        joins.push_back(
            {std::string(h.lines[first - 1].old_text()), std::string(h.lines[k].old_text())});
    }
    if (!substantial || joins.empty()) {
        return out;
    }
    std::size_t first = 0;
    std::size_t end = 0;
    for (std::size_t r = 0; r < joins.size(); ++r) {
        if (!substantive(joins[r][0]) && !substantive(joins[r][1])) {
            return out; // a blank and a brace side by side say nothing
        }
        auto at = occurrences_in(cur, joins[r], body->begin, body->end);
        std::erase_if(at, [&](std::size_t i) { return placed_here(ours, i, 2); });
        if (at.size() != 1 || (r > 0 && at[0] < end)) {
            return out;
        }
        first = r == 0 ? at[0] : first;
        end = at[0] + 2;
    }
    const auto span = static_cast<std::size_t>(h.old_count);
    if (end - first > span + 10) {
        return out;
    }
    out.presence = Presence::Applied;
    out.line = first;
    out.why = fmt::format("its removed lines are nowhere in the target, and the lines around "
                          "them are side by side at line {} in {}()",
                          first + 2, *name);
    return out;
}

} // namespace

PresenceResult change_present(const Lines& cur, const std::vector<bool>& ours, const Hunk& h,
                              long centre, const std::optional<Lines>& base) {
    const Lines old = old_side(h);
    const Lines neu = new_side(h);
    // Evidence: substantive runs the hunk's old text does not hold (a run
    // that repeats a context line is in the target before the change, too).
    std::vector<Lines> runs;
    for (auto& run : added_runs(h)) {
        if (substantive_run(run) && occurrences(old, run).empty()) {
            runs.push_back(std::move(run));
        }
    }
    if (runs.empty()) {
        return deletion_present(cur, ours, h, base);
    }
    const auto region = belonging_region(cur, h, centre, base);
    std::vector<std::vector<std::size_t>> found;
    bool any = false;
    for (const auto& run : runs) {
        found.push_back(occurrences_in(cur, run, region.lo, region.hi));
        std::erase_if(found.back(),
                      [&](std::size_t i) { return placed_here(ours, i, run.size()); });
        any = any || !found.back().empty();
    }
    PresenceResult out;
    if (!any) {
        return out;
    }
    out.presence = Presence::Unclean;
    const auto stop = [&](std::string why) {
        out.why = "its change is partly in the target already " + region.where + ": " + why;
        return out;
    };
    std::size_t first = 0;
    std::size_t end = 0;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        if (found[r].size() != 1) {
            return stop(fmt::format("its added line {} is there {} times", quoted_line(runs[r][0]),
                                    found[r].size()));
        }
        if (r > 0 && found[r][0] < end) {
            return stop(
                fmt::format("its added line {} is there out of order", quoted_line(runs[r][0])));
        }
        first = r == 0 ? found[r][0] : first;
        end = found[r][0] + runs[r].size();
    }
    // Together, not scattered: no wider than the new text plus slack.
    if (end - first > 2 * neu.size() + 10) {
        return stop(fmt::format("its added lines are spread over lines {}-{}", first + 1, end));
    }
    for (const auto& l : h.lines) {
        if (l.kind != LineKind::Removed || !substantive(l.old_text())) {
            continue;
        }
        const Lines one{std::string(l.old_text())};
        if (occurrences_in(cur, one, region.lo, region.hi).size() > occurrences(neu, one).size()) {
            return stop(fmt::format("its added lines are at line {} but its removed line {} is "
                                    "still there",
                                    first + 1, quoted_line(l.old_text())));
        }
    }
    out.presence = Presence::Applied;
    out.line = first;
    out.why = fmt::format("the target already has its added lines at line {} (under other "
                          "context) and not its removed lines, {}",
                          first + 1, region.where);
    return out;
}

} // namespace kseries::rebase
