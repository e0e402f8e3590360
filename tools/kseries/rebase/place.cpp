#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include <kseries/git/merge.hpp>
#include <kseries/patch/apply.hpp>
#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/c_relocate.hpp>
#include <kseries/rebase/guards.hpp>
#include <kseries/rebase/place.hpp>
#include <kseries/util/text.hpp>

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
    const auto merged = KSERIES_TRY(git::merge_file({base, joined(cur), theirs.content}));
    if (!merged.clean) {
        out.placement.note = "the three-way merge with the base file conflicts";
        return out;
    }
    auto result = lines_of(merged.text);
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
    const auto merged = KSERIES_TRY(git::merge_file({ancestor, joined(window), theirs}));
    if (!merged.clean) {
        out.placement.note = "the three-way merge with the hunk's old text conflicts";
        return out;
    }
    const Lines merged_window = lines_of(merged.text);
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

namespace {

// One file's placement so far: the target as placed hunks left it, and how
// far they moved it.
struct FileState {
    Lines cur;
    std::optional<Lines> base;
    long shift = 0; // net lines added by the hunks placed so far
    long drift = 0; // how far the last placed hunk moved: the next likely moved as far
    std::vector<bool> ours; // the lines of `cur` placed hunks changed
};

// One hunk going through the steps: what each step needs and what the
// refused ones said, for the note of an unplaced hunk.
struct HunkRun {
    const patch::FilePatch& file;
    const Hunk& h;
    const PlaceOptions& options;
    FileState& s;
    HunkPlacement hp;
    long expected = 0;
    Lines old;
    std::optional<std::string> function; // Guard A: the function its heading names
    std::string refused;
    std::string not_applied;
    std::string why; // why the merge and the relocation did not place it
    std::string cur_text;

    HunkRun(const patch::FilePatch& f, const Hunk& hunk, const PlaceOptions& o, FileState& state)
        : file(f), h(hunk), options(o), s(state), expected(hunk.old_start + state.shift),
          old(old_side(hunk)), function(guarded_function(hunk)), cur_text(joined(state.cur)) {
        hp.stated = hunk.old_start;
    }

    // Records the placement and moves the file's state past it.
    bool placed(Step step, Lines result, long line, long fuzz, std::string note) {
        hp.step = step;
        hp.line = line;
        hp.moved = line - expected;
        hp.fuzz = fuzz;
        hp.note = std::move(note);
        s.drift = hp.moved;
        s.shift += static_cast<long>(result.size()) - static_cast<long>(s.cur.size());
        const auto [pre, post] = common_ends(s.cur, result);
        std::vector<bool> now(s.ours.begin(), s.ours.begin() + static_cast<long>(pre));
        now.resize(result.size() - post, true);
        now.insert(now.end(), s.ours.end() - static_cast<long>(post), s.ours.end());
        s.ours = std::move(now);
        s.cur = std::move(result);
        return true;
    }

    // Guard A: an inexact placement (every step but exact-at-its-stated-
    // line) must change the function the hunk's heading names. A similar
    // block in another function is a twin, not the hunk's place.
    bool elsewhere(const Lines& result, std::string_view step) {
        if (!function) {
            return false;
        }
        const auto first = static_cast<std::size_t>(first_difference(s.cur, result) - 1);
        const auto in = function_above(s.cur, first);
        if (in == function) {
            return false;
        }
        const std::string place = in ? fmt::format("{}()", *in) : "no function";
        if (refused.find(" in " + place + ",") == std::string::npos) {
            refused += fmt::format("; {} would place it in {}, not in {}() that its heading names",
                                   step, place, *function);
        }
        return true;
    }

    // A heading that names no function (a label, a struct) still names
    // where the hunk goes: an offset placement stays under it (the same
    // text at the end of another function is a twin).
    bool broken_heading(const Lines& result, std::string_view step) {
        auto reason = heading_broken(s.cur, result, h);
        if (!reason.empty()) {
            refused += fmt::format("; {} refused: {}", step, reason);
        }
        return !reason.empty();
    }

    // Every inexact step's result must also keep the hunk's neighbourhood
    // on both sides and must not add a block the target already had.
    bool refuse(const Lines& result, std::string_view step) {
        if (elsewhere(result, step)) {
            return true;
        }
        auto reason = heading_broken(s.cur, result, h);
        if (reason.empty()) {
            reason = neighbourhood_broken(s.cur, result, h);
        }
        if (reason.empty()) {
            reason = added_twice(s.cur, result, h);
        }
        if (!reason.empty()) {
            refused += fmt::format("; {} refused: {}", step, reason);
        }
        return !reason.empty();
    }
};

// Step 1, exact or offset at fuzz 0: GNU patch's own search, trusted only
// where the hunk's text occurs once.
bool exact_or_offset(HunkRun& r) {
    const auto f0 = patch::apply_file(single(r.file, r.h, r.s.shift), r.cur_text, {0, false});
    if (f0.status != patch::FileStatus::Applied) {
        return false;
    }
    const auto& hunk = f0.hunks[0];
    Lines result = lines_of(f0.content);
    // Even at its stated line: text that occurs twice is a guess.
    if (occurrences(r.s.cur, r.old).size() > 1 ||
        (hunk.offset != 0 &&
         (r.elsewhere(result, "offset") || r.broken_heading(result, "offset")))) {
        return false;
    }
    return r.placed(
        hunk.offset == 0 ? Step::Exact : Step::Offset, std::move(result), r.expected + hunk.offset,
        0, hunk.offset == 0 ? "at its stated line" : fmt::format("moved {:+} lines", hunk.offset));
}

// Step 1 again for the same edit made in two functions: its text occurs
// more than once, but only once in the function its heading names.
bool in_its_function(HunkRun& r) {
    const auto at = in_named_function(r.s.cur, r.old, r.function);
    if (!at) {
        return false;
    }
    const auto one = patch::apply_file(
        single(r.file, r.h, static_cast<long>(*at) + 1 - r.h.old_start), r.cur_text, {0, false});
    if (one.status != patch::FileStatus::Applied || one.hunks[0].offset != 0) {
        return false;
    }
    const long line = static_cast<long>(*at) + 1;
    return r.placed(line == r.expected ? Step::Exact : Step::Offset, lines_of(one.content), line, 0,
                    fmt::format("the one place of its text in {}()", *r.function));
}

// Step 5, checked early: a hunk whose change the target already has must
// not be placed again by the more lenient steps below. Guard B: only where
// the hunk belongs (applied_at()).
bool already_applied(HunkRun& r) {
    const auto at =
        applied_at(r.s.cur, r.s.ours, r.h, r.expected + r.s.drift, r.s.base, r.not_applied);
    if (!at) {
        return false;
    }
    r.hp.step = Step::AlreadyApplied;
    r.hp.line = static_cast<long>(*at) + 1;
    r.hp.moved = r.hp.line - r.expected;
    r.hp.note = "the target already has the hunk's new text";
    return true;
}

// Shape 1: the change is there under other context (applied_at() looks
// for its whole new text). Asked before any inexact step.
bool present_under_other_context(HunkRun& r) {
    const auto present = change_present(r.s.cur, r.s.ours, r.h, r.expected + r.s.drift, r.s.base);
    if (present.presence == Presence::Absent) {
        return false;
    }
    const bool applied = present.presence == Presence::Applied;
    r.hp.step = applied ? Step::AlreadyApplied : Step::Unplaced;
    r.hp.line = applied ? static_cast<long>(present.line) + 1 : 0;
    r.hp.moved = applied ? r.hp.line - r.expected : 0;
    r.hp.note = present.why;
    return true;
}

// Step 2, fuzz: the context then the target's own, only where no more lines
// differ than were fuzzed and no other region resembles the hunk as much.
bool fuzzed(HunkRun& r) {
    const auto f2 = patch::apply_file(single(r.file, r.h, r.s.shift), r.cur_text, {2, false});
    if (f2.status != patch::FileStatus::Applied) {
        return false;
    }
    const Lines& cur = r.s.cur;
    const Lines& old = r.old;
    const auto& hunk = f2.hunks[0];
    const long pre = std::min(hunk.fuzz, prefix_lines(r.h));
    const long suf = std::min(hunk.fuzz, r.h.suffix_context());
    const Lines core(old.begin() + pre, old.end() - suf);
    const auto where = static_cast<std::size_t>(std::max(0L, hunk.where - 1));
    // GNU patch ignores up to `fuzz` lines at each end; a placement counts
    // only when no more than `fuzz` lines differ in all (a short core can
    // match a similar block elsewhere whose twin at the right place changed).
    long differing = 0;
    for (std::size_t k = 0; k < old.size(); ++k) {
        differing += where + k >= cur.size() || cur[where + k] != old[k] ? 1 : 0;
    }
    // ... and when no other region of the target resembles the hunk as
    // much: the right place whose removed line changed can otherwise lose to
    // a similar block that matches all but the fuzzed ends.
    const auto best = best_regions(cur, old);
    const bool only_best = best.starts.size() == 1 && best.starts[0] == where &&
                           best.score == old.size() - static_cast<std::size_t>(differing);
    Lines result = lines_of(f2.content);
    const auto twin = twin_place(cur, old, where);
    if (!twin.empty()) {
        r.refused += "; fuzz refused: " + twin;
    }
    if (differing > hunk.fuzz || !only_best || occurrences(cur, core).size() > 1 || !twin.empty() ||
        r.refuse(result, "fuzz")) {
        return false;
    }
    return r.placed(Step::Fuzz, std::move(result), r.expected + hunk.offset, hunk.fuzz,
                    fmt::format("fuzz {}, context refreshed from the target", hunk.fuzz));
}

// Step 2 at a file's edge whose outer context lines the target lacks.
bool at_edge(HunkRun& r) {
    auto edge = at_file_edge(r.s.cur, r.h);
    if (!edge || r.refuse(edge->first, "the file's edge")) {
        return false;
    }
    const long line = first_difference(r.s.cur, edge->first) - prefix_lines(r.h) + edge->second;
    return r.placed(Step::Fuzz, std::move(edge->first), std::max(1L, line), edge->second,
                    fmt::format("at the {} of the file, without its {} outermost context line(s)",
                                r.h.old_start <= 1 ? "start" : "end", edge->second));
}

// Step 3, a three-way merge: with the recorded base, else with the hunk's
// old text as the ancestor. An error only when libgit2 refuses to merge.
Expected<bool> merged(HunkRun& r) {
    auto attempt =
        KSERIES_TRY(r.options.base ? merge_with_base(r.file, r.h, r.s.cur, *r.options.base)
                                   : merge_with_fake_ancestor(r.h, r.s.cur));
    if (attempt.result && !r.refuse(*attempt.result, "the three-way merge")) {
        const long line = first_difference(r.s.cur, *attempt.result) - prefix_lines(r.h);
        return r.placed(Step::Merged, std::move(*attempt.result), std::max(1L, line), 0,
                        attempt.placement.note);
    }
    r.why = attempt.result ? "the three-way merge is refused" : attempt.placement.note;
    return false;
}

// Step 4, relocation by enclosing C function: the function found by name in
// the target, the hunk's lines aligned to its body.
bool relocated(HunkRun& r) {
    const auto name = hunk_function(r.h, r.s.base);
    if (!name) {
        r.why += "; its enclosing function is not known";
        return false;
    }
    const auto body = function_body(r.s.cur, *name);
    if (!body) {
        r.why += fmt::format("; its function {}() is not defined once in the target", *name);
        return false;
    }
    std::string reloc_why;
    if (auto result = relocate(r.s.cur, *body, r.h, reloc_why);
        result && reproduces(r.s.cur, *result, r.h) && !r.refuse(*result, "relocation")) {
        const long line = first_difference(r.s.cur, *result);
        return r.placed(Step::Relocated, std::move(*result), line, 0,
                        fmt::format("relocated into {}()", *name));
    }
    r.why +=
        fmt::format("; in {}(): {}", *name,
                    reloc_why.empty() ? "the aligned lines do not reproduce the hunk" : reloc_why);
    return false;
}

// No step placed it: the note says why each one did not.
void leave_unplaced(HunkRun& r) {
    if (!r.not_applied.empty()) {
        r.why += "; not already applied: " + r.not_applied;
    }
    r.hp.step = Step::Unplaced;
    r.hp.note = r.why + r.refused;
}

// The steps in place.hpp's order (5 and the presence check before the
// lenient ones); the first that decides the hunk ends its run.
Expected<void> place_hunk(HunkRun& r) {
    if (exact_or_offset(r) || in_its_function(r) || already_applied(r) ||
        present_under_other_context(r) || fuzzed(r) || at_edge(r)) {
        return {};
    }
    if (KSERIES_TRY(merged(r)) || relocated(r)) {
        return {};
    }
    leave_unplaced(r);
    return {};
}

} // namespace

Expected<FilePlacement> place_file(const patch::FilePatch& file, std::string_view target,
                                   const PlaceOptions& options) {
    FilePlacement out;
    FileState state;
    state.cur = lines_of(target);
    state.base = options.base ? std::optional<Lines>(lines_of(*options.base)) : std::nullopt;
    state.ours.assign(state.cur.size(), false);
    for (const auto& h : file.hunks) {
        HunkRun run(file, h, options, state);
        KSERIES_TRY(place_hunk(run));
        out.hunks.push_back(std::move(run.hp));
    }
    out.content = joined(state.cur);
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
