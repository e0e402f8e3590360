#include <kseries/rebase/place.hpp>

#include <fmt/format.h>

#include <kseries/git/merge.hpp>
#include <kseries/patch/apply.hpp>
#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/guards.hpp>
#include <kseries/util/text.hpp>

#include <algorithm>
#include <iterator>

namespace kseries::rebase {

namespace {

using patch::Hunk;
using patch::LineKind;
Lines lines_of(std::string_view s) {
    Lines out;
    for (const auto l : text::split_lines(s)) {
        out.emplace_back(l);
    }
    return out;
}

std::string joined(const Lines& lines, std::size_t from = 0, std::size_t to = std::string::npos) {
    std::string out;
    to = std::min(to, lines.size());
    for (std::size_t i = from; i < to; ++i) {
        out += lines[i];
    }
    return out;
}

// The file patch with only `h`, moved by `shift` lines (the net lines
// earlier hunks of the file added).
patch::FilePatch single(const patch::FilePatch& file, const Hunk& h, long shift) {
    patch::FilePatch one = file;
    one.hunks.assign(1, h);
    one.hunks[0].old_start = std::max(0L, h.old_start + shift);
    one.hunks[0].new_start = std::max(0L, h.new_start + shift);
    return one;
}

// The regions of `content` most like the hunk's old text: for every start,
// how many old lines are equal at the same relative line. Returns the best
// starts (ties) and their score.
struct Regions {
    std::vector<std::size_t> starts;
    std::size_t score = 0;
};
Regions best_regions(const Lines& content, const Lines& old) {
    Regions r;
    if (old.empty() || content.empty()) {
        return r;
    }
    const std::size_t span = content.size() >= old.size() ? content.size() - old.size() + 1 : 1;
    for (std::size_t p = 0; p < span; ++p) {
        std::size_t score = 0;
        for (std::size_t k = 0; k < old.size() && p + k < content.size(); ++k) {
            score += content[p + k] == old[k] ? 1U : 0U;
        }
        if (score > r.score) {
            r.score = score;
            r.starts.assign(1, p);
        } else if (score == r.score && score > 0) {
            r.starts.push_back(p);
        }
    }
    return r;
}

struct Attempt {
    std::optional<Lines> result;
    HunkPlacement placement;
};

// Step 3 with the recorded base: git's merge of base → target and
// base → base+hunk.
Expected<Attempt> merge_with_base(const patch::FilePatch& file, const Hunk& h, const Lines& cur,
                                  const std::string& base) {
    Attempt out;
    const auto theirs = patch::apply_file(single(file, h, 0), base, {0, false});
    if (theirs.status != patch::FileStatus::Applied || !theirs.hunks[0].exact()) {
        out.placement.note = "the hunk does not apply exactly to the recorded base file";
        return out;
    }
    auto merged = git::merge_file({base, joined(cur), theirs.content});
    if (!merged) {
        return std::unexpected(merged.error());
    }
    if (!merged->clean) {
        out.placement.note = "the three-way merge with the base file conflicts";
        return out;
    }
    auto result = lines_of(merged->text);
    if (!reproduces(cur, result, h)) {
        out.placement.note = "the three-way merge with the base file changes more than the hunk";
        return out;
    }
    out.result = std::move(result);
    out.placement.note = "three-way merge with the recorded base file";
    return out;
}

// Step 3 without a base: the hunk's old text as the ancestor of the target
// region most like it.
Expected<Attempt> merge_with_fake_ancestor(const Hunk& h, const Lines& cur) {
    Attempt out;
    const Lines old = old_side(h);
    const auto regions = best_regions(cur, old);
    if (regions.starts.size() != 1 || regions.score * 2 < old.size()) {
        out.placement.note = regions.starts.size() > 1
                                 ? "several regions of the target resemble the hunk equally"
                                 : "no region of the target resembles the hunk enough to merge";
        return out;
    }
    const std::size_t margin = std::max<std::size_t>(3, old.size() / 2);
    const std::size_t lo = regions.starts[0] > margin ? regions.starts[0] - margin : 0;
    const std::size_t hi = std::min(cur.size(), regions.starts[0] + old.size() + margin);
    // Where the region differs from the hunk's old text, the line it lacks
    // may be nearby: then the region is a twin of the hunk's place.
    if (auto twin = twin_place(cur, old, regions.starts[0]); !twin.empty()) {
        out.placement.note = "the region most like the hunk is not its place: " + twin;
        return out;
    }
    const Lines window(cur.begin() + static_cast<long>(lo), cur.begin() + static_cast<long>(hi));
    const std::string ancestor = joined(old);
    const std::string theirs = joined(new_side(h));
    auto merged = git::merge_file({ancestor, joined(window), theirs});
    if (!merged) {
        return std::unexpected(merged.error());
    }
    if (!merged->clean) {
        out.placement.note = "the three-way merge with the hunk's old text conflicts";
        return out;
    }
    const Lines merged_window = lines_of(merged->text);
    // The merge aligns the ancestor to the window by itself: a twin of the
    // lines beside the change, just outside the region chosen, can take it.
    const std::size_t change = lo + common_ends(window, merged_window).first;
    const bool in_region = change >= regions.starts[0] && change <= regions.starts[0] + old.size();
    if (!in_region || !reproduces(window, merged_window, h) ||
        !anchored(window, merged_window, h)) {
        out.placement.note = "the three-way merge with the hunk's old text changes more than the hunk";
        return out;
    }
    Lines result(cur.begin(), cur.begin() + static_cast<long>(lo));
    result.insert(result.end(), merged_window.begin(), merged_window.end());
    result.insert(result.end(), cur.begin() + static_cast<long>(hi), cur.end());
    out.result = std::move(result);
    out.placement.line = static_cast<long>(regions.starts[0]) + 1;
    out.placement.note = "three-way merge, the hunk's old text as the ancestor";
    return out;
}

// Where the first changed line of `before` vs `after` is (1-based).
long first_difference(const Lines& before, const Lines& after) {
    std::size_t i = 0;
    while (i < before.size() && i < after.size() && before[i] == after[i]) {
        ++i;
    }
    return static_cast<long>(i) + 1;
}

long prefix_lines(const Hunk& h) { return h.prefix_context(); }

// At a file's edge: the hunk's context reaches the start (end) of the file
// it was made on, and the target lacks up to two of its outermost lines
// there (an SPDX line added or dropped above, a line after the last
// function): the rest of its old text must be exactly the target's first
// (last) lines, and nowhere else. The result, and how many lines were left
// out (as the fuzz).
std::optional<std::pair<Lines, long>> at_file_edge(const Lines& cur, const Hunk& h) {
    const Lines old = old_side(h);
    const Lines neu = new_side(h);
    const bool start = h.old_start <= 1;
    const bool end = !start && h.suffix_context() < 3 && h.suffix_context() < h.prefix_context();
    const long outer = start ? h.prefix_context() : end ? h.suffix_context() : 0;
    for (long k = 1; k <= std::min(2L, outer); ++k) {
        const auto uk = static_cast<std::size_t>(k);
        if (old.size() < uk + 3 || cur.size() < old.size() - uk) {
            break;
        }
        const auto drop = static_cast<long>(uk);
        const Lines rest = start ? Lines(old.begin() + drop, old.end())
                                 : Lines(old.begin(), old.end() - drop);
        const auto at = occurrences(cur, rest);
        if (at.size() != 1 || at[0] != (start ? 0 : cur.size() - rest.size())) {
            continue;
        }
        Lines result = start ? Lines() : Lines(cur.begin(), cur.begin() + static_cast<long>(at[0]));
        result.insert(result.end(), start ? neu.begin() + drop : neu.begin(),
                      start ? neu.end() : neu.end() - drop);
        if (start) {
            result.insert(result.end(), cur.begin() + static_cast<long>(rest.size()), cur.end());
        }
        return std::pair{std::move(result), k};
    }
    return std::nullopt;
}

// The one start of `old` inside `function`'s body when `old` occurs more
// than once in `cur` (none otherwise): the same edit made in two functions
// goes to the one its heading names.
std::optional<std::size_t> in_named_function(const Lines& cur, const Lines& old,
                                             const std::optional<std::string>& function) {
    const auto all = occurrences(cur, old);
    const auto body = function ? function_body(cur, *function) : std::nullopt;
    if (all.size() < 2 || !body) {
        return std::nullopt;
    }
    std::vector<std::size_t> inside;
    std::copy_if(all.begin(), all.end(), std::back_inserter(inside), [&](std::size_t i) {
        return i > body->begin && i + old.size() <= body->end;
    });
    return inside.size() == 1 ? std::optional<std::size_t>(inside[0]) : std::nullopt;
}

} // namespace

std::string_view step_key(Step step) {
    switch (step) {
    case Step::Exact: return "exact";
    case Step::Offset: return "offset";
    case Step::Fuzz: return "fuzz";
    case Step::Merged: return "merged";
    case Step::Relocated: return "relocated";
    case Step::AlreadyApplied: return "already-applied";
    case Step::Unplaced: return "unplaced";
    }
    return "unplaced";
}

bool FilePlacement::complete() const {
    return std::none_of(hunks.begin(), hunks.end(),
                        [](const HunkPlacement& h) { return h.step == Step::Unplaced; });
}

bool FilePlacement::all_applied() const {
    return !hunks.empty() && std::all_of(hunks.begin(), hunks.end(), [](const HunkPlacement& h) {
        return h.step == Step::AlreadyApplied;
    });
}

Expected<FilePlacement> place_file(const patch::FilePatch& file, std::string_view target,
                                   const PlaceOptions& options) {
    FilePlacement out;
    Lines cur = lines_of(target);
    const std::optional<Lines> base =
        options.base ? std::optional<Lines>(lines_of(*options.base)) : std::nullopt;
    long shift = 0; // net lines added by the hunks placed so far
    long drift = 0; // how far the last placed hunk moved: the next likely moved as far
    std::vector<bool> ours(cur.size(), false); // the lines of `cur` placed hunks changed
    for (const auto& h : file.hunks) {
        HunkPlacement hp;
        hp.stated = h.old_start;
        const long expected = h.old_start + shift;
        const Lines old = old_side(h);
        const auto placed = [&](Step step, Lines result, long line, long fuzz, std::string note) {
            hp.step = step;
            hp.line = line;
            hp.moved = line - expected;
            hp.fuzz = fuzz;
            hp.note = std::move(note);
            drift = hp.moved;
            shift += static_cast<long>(result.size()) - static_cast<long>(cur.size());
            const auto [pre, post] = common_ends(cur, result);
            std::vector<bool> now(ours.begin(), ours.begin() + static_cast<long>(pre));
            now.resize(result.size() - post, true);
            now.insert(now.end(), ours.end() - static_cast<long>(post), ours.end());
            ours = std::move(now);
            cur = std::move(result);
        };
        // Guard A: an inexact placement (every step but exact-at-its-stated-
        // line) must change the function the hunk's heading names. A similar
        // block in another function is a twin, not the hunk's place.
        const auto function = guarded_function(h);
        std::string refused;
        const auto elsewhere = [&](const Lines& result, std::string_view step) {
            if (!function) {
                return false;
            }
            const auto first = static_cast<std::size_t>(first_difference(cur, result) - 1);
            const auto in = function_above(cur, first);
            if (in == function) {
                return false;
            }
            const std::string place = in ? fmt::format("{}()", *in) : "no function";
            if (refused.find(" in " + place + ",") == std::string::npos) {
                refused +=
                    fmt::format("; {} would place it in {}, not in {}() that its heading names",
                                step, place, *function);
            }
            return true;
        };
        // A heading that names no function (a label, a struct) still names
        // where the hunk goes: an offset placement stays under it (the
        // same text at the end of another function is a twin).
        const auto broken_heading = [&](const Lines& result, std::string_view step) {
            auto why = heading_broken(cur, result, h);
            if (!why.empty()) {
                refused += fmt::format("; {} refused: {}", step, why);
            }
            return !why.empty();
        };
        // Every inexact step's result must also keep the hunk's neighbourhood
        // on both sides and must not add a block the target already had.
        const auto refuse = [&](const Lines& result, std::string_view step) {
            if (elsewhere(result, step)) {
                return true;
            }
            auto why = heading_broken(cur, result, h);
            if (why.empty()) {
                why = neighbourhood_broken(cur, result, h);
            }
            if (why.empty()) {
                why = added_twice(cur, result, h);
            }
            if (!why.empty()) {
                refused += fmt::format("; {} refused: {}", step, why);
            }
            return !why.empty();
        };
        const std::string cur_text = joined(cur);

        // 1. exact / offset at fuzz 0.
        const auto f0 = patch::apply_file(single(file, h, shift), cur_text, {0, false});
        if (f0.status == patch::FileStatus::Applied) {
            const auto& r = f0.hunks[0];
            const long line = expected + r.offset;
            Lines result = lines_of(f0.content);
            // Even at its stated line: text that occurs twice is a guess.
            if (occurrences(cur, old).size() <= 1 &&
                (r.offset == 0 ||
                 (!elsewhere(result, "offset") && !broken_heading(result, "offset")))) {
                placed(r.offset == 0 ? Step::Exact : Step::Offset, std::move(result), line, 0,
                       r.offset == 0 ? "at its stated line"
                                     : fmt::format("moved {:+} lines", r.offset));
                out.hunks.push_back(std::move(hp));
                continue;
            }
        }
        // The same edit made in two functions: its text occurs more than
        // once, but only once in the function its heading names.
        if (const auto at = in_named_function(cur, old, function)) {
            const auto one = patch::apply_file(
                single(file, h, static_cast<long>(*at) + 1 - h.old_start), cur_text, {0, false});
            if (one.status == patch::FileStatus::Applied && one.hunks[0].offset == 0) {
                const long line = static_cast<long>(*at) + 1;
                placed(line == expected ? Step::Exact : Step::Offset, lines_of(one.content), line,
                       0, fmt::format("the one place of its text in {}()", *function));
                out.hunks.push_back(std::move(hp));
                continue;
            }
        }
        // 5, checked early: a hunk whose change the target already has must
        // not be placed again by the more lenient steps below. Guard B: only
        // where the hunk belongs (applied_at()).
        std::string not_applied;
        if (const auto at = applied_at(cur, ours, h, expected + drift, base, not_applied)) {
            hp.step = Step::AlreadyApplied;
            hp.line = static_cast<long>(*at) + 1;
            hp.moved = hp.line - expected;
            hp.note = "the target already has the hunk's new text";
            out.hunks.push_back(std::move(hp));
            continue;
        }
        // Shape 1: the change is there under other context (applied_at()
        // looks for its whole new text). Asked before any inexact step.
        if (const auto present = change_present(cur, ours, h, expected + drift, base);
            present.presence != Presence::Absent) {
            const bool applied = present.presence == Presence::Applied;
            hp.step = applied ? Step::AlreadyApplied : Step::Unplaced;
            hp.line = applied ? static_cast<long>(present.line) + 1 : 0;
            hp.moved = applied ? hp.line - expected : 0;
            hp.note = present.why;
            out.hunks.push_back(std::move(hp));
            continue;
        }
        // 2. fuzz, the context then the target's own.
        const auto f2 = patch::apply_file(single(file, h, shift), cur_text, {2, false});
        if (f2.status == patch::FileStatus::Applied) {
            const auto& r = f2.hunks[0];
            const long pre = std::min(r.fuzz, prefix_lines(h));
            const long suf = std::min(r.fuzz, h.suffix_context());
            const Lines core(old.begin() + pre, old.end() - suf);
            // GNU patch ignores up to `fuzz` lines at each end; a placement
            // counts only when no more than `fuzz` lines differ in all (a
            // short core can match a similar block elsewhere whose twin at
            // the right place changed).
            long differing = 0;
            for (std::size_t k = 0; k < old.size(); ++k) {
                const auto at = static_cast<std::size_t>(std::max(0L, r.where - 1)) + k;
                differing += at >= cur.size() || cur[at] != old[k] ? 1 : 0;
            }
            // ... and when no other region of the target resembles the
            // hunk as much: the right place whose removed line changed can
            // otherwise lose to a similar block that matches all but the
            // fuzzed ends.
            const auto best = best_regions(cur, old);
            const bool only_best =
                best.starts.size() == 1 &&
                best.starts[0] == static_cast<std::size_t>(std::max(0L, r.where - 1)) &&
                best.score == old.size() - static_cast<std::size_t>(differing);
            Lines result = lines_of(f2.content);
            const auto twin =
                twin_place(cur, old, static_cast<std::size_t>(std::max(0L, r.where - 1)));
            if (!twin.empty()) {
                refused += "; fuzz refused: " + twin;
            }
            if (differing <= r.fuzz && only_best && occurrences(cur, core).size() <= 1 &&
                twin.empty() && !refuse(result, "fuzz")) {
                placed(Step::Fuzz, std::move(result), expected + r.offset, r.fuzz,
                       fmt::format("fuzz {}, context refreshed from the target", r.fuzz));
                out.hunks.push_back(std::move(hp));
                continue;
            }
        }
        // 2, at a file's edge whose outer context lines the target lacks.
        if (auto edge = at_file_edge(cur, h); edge && !refuse(edge->first, "the file's edge")) {
            const long line = first_difference(cur, edge->first) - prefix_lines(h) + edge->second;
            placed(Step::Fuzz, std::move(edge->first), std::max(1L, line), edge->second,
                   fmt::format("at the {} of the file, without its {} outermost context line(s)",
                               h.old_start <= 1 ? "start" : "end", edge->second));
            out.hunks.push_back(std::move(hp));
            continue;
        }
        // 3. three-way merge.
        auto merged = options.base ? merge_with_base(file, h, cur, *options.base)
                                   : merge_with_fake_ancestor(h, cur);
        if (!merged) {
            return std::unexpected(merged.error());
        }
        if (merged->result && !refuse(*merged->result, "the three-way merge")) {
            const long line = first_difference(cur, *merged->result) - (prefix_lines(h));
            placed(Step::Merged, std::move(*merged->result), std::max(1L, line), 0,
                   merged->placement.note);
            out.hunks.push_back(std::move(hp));
            continue;
        }
        std::string why =
            merged->result ? "the three-way merge is refused" : merged->placement.note;
        // 4. relocation by enclosing C function.
        if (const auto name = hunk_function(h, base)) {
            if (const auto body = function_body(cur, *name)) {
                std::string reloc_why;
                if (auto result = relocate(cur, *body, h, reloc_why);
                    result && reproduces(cur, *result, h) && !refuse(*result, "relocation")) {
                    const long line = first_difference(cur, *result);
                    placed(Step::Relocated, std::move(*result), line, 0,
                           fmt::format("relocated into {}()", *name));
                    out.hunks.push_back(std::move(hp));
                    continue;
                }
                why += fmt::format("; in {}(): {}", *name,
                                   reloc_why.empty() ? "the aligned lines do not reproduce the hunk"
                                                     : reloc_why);
            } else {
                why += fmt::format("; its function {}() is not defined once in the target", *name);
            }
        } else {
            why += "; its enclosing function is not known";
        }
        if (!not_applied.empty()) {
            why += "; not already applied: " + not_applied;
        }
        hp.step = Step::Unplaced;
        hp.note = why + refused;
        out.hunks.push_back(std::move(hp));
    }
    out.content = joined(cur);
    return out;
}

std::string with_conflict(std::string_view content, const Hunk& hunk, std::string_view label) {
    const Lines cur = lines_of(content);
    const Lines old = old_side(hunk);
    const auto regions = best_regions(cur, old);
    std::size_t lo = 0;
    std::size_t hi = 0;
    if (regions.starts.size() == 1) {
        lo = regions.starts[0];
        hi = std::min(cur.size(), lo + old.size());
    } else {
        lo = std::min(cur.size(), static_cast<std::size_t>(std::max(0L, hunk.old_start - 1)));
        hi = lo;
    }
    const auto section = [](const Lines& lines) {
        std::string s = joined(lines);
        if (!s.empty() && s.back() != '\n') {
            s += '\n';
        }
        return s;
    };
    std::string out = joined(cur, 0, lo);
    if (!out.empty() && out.back() != '\n') {
        out += '\n';
    }
    out += fmt::format("<<<<<<< target\n{}||||||| {} (old)\n{}=======\n{}>>>>>>> {} (new)\n",
                       section(Lines(cur.begin() + static_cast<long>(lo),
                                     cur.begin() + static_cast<long>(hi))),
                       label, section(old), section(new_side(hunk)), label);
    out += joined(cur, hi);
    return out;
}

} // namespace kseries::rebase
