#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/guards.hpp>
#include <kseries/rebase/guards_internal.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

using patch::Hunk;
using patch::LineKind;

namespace {

Lines side_of(const Hunk& h, bool old) {
    Lines out;
    for (const auto& l : h.lines) {
        if (old ? l.on_old_side() : l.on_new_side()) {
            out.emplace_back(old ? l.old_text() : l.new_text());
        }
    }
    return out;
}

bool matches_at(const Lines& hay, std::size_t at, const Lines& needle) {
    if (at + needle.size() > hay.size()) {
        return false;
    }
    return std::equal(needle.begin(), needle.end(), hay.begin() + static_cast<long>(at));
}

// Does the hunk's context reach the start (end) of the file it was made
// on? Git shortens the context only at a file's edges; the shorter side of
// a hunk that starts at line 1 is the start, else a short suffix is the end.
bool reaches_start(const Hunk& h) {
    return h.old_start <= 1;
}
bool reaches_end(const Hunk& h) {
    return h.suffix_context() < 3 && h.suffix_context() < h.prefix_context();
}

} // namespace

namespace detail {

// Occurrences of `needle` starting in [lo, hi - needle.size()].
std::vector<std::size_t> occurrences_in(const Lines& hay, const Lines& needle, std::size_t lo,
                                        std::size_t hi) {
    std::vector<std::size_t> out;
    hi = std::min(hi, hay.size());
    for (std::size_t i = lo; !needle.empty() && i + needle.size() <= hi; ++i) {
        if (matches_at(hay, i, needle)) {
            out.push_back(i);
        }
    }
    return out;
}

std::string quoted_line(std::string_view line) {
    return text::quote_line(text::chomp(line));
}

bool substantive_run(const Lines& run) {
    return std::any_of(run.begin(), run.end(), [](const std::string& l) { return substantive(l); });
}

// The hunk's runs of consecutive added lines.
std::vector<Lines> added_runs(const Hunk& h) {
    std::vector<Lines> out;
    for (std::size_t k = 0; k < h.lines.size();) {
        if (h.lines[k].kind != LineKind::Added) {
            ++k;
            continue;
        }
        Lines run;
        for (; k < h.lines.size() && h.lines[k].kind == LineKind::Added; ++k) {
            run.emplace_back(h.lines[k].new_text());
        }
        out.push_back(std::move(run));
    }
    return out;
}

} // namespace detail

using namespace detail;

bool substantive(std::string_view line) {
    const auto t = text::trim(text::chomp(line));
    return t.size() >= 3 && std::any_of(t.begin(), t.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) != 0;
           });
}

Lines old_side(const Hunk& h) {
    return side_of(h, true);
}
Lines new_side(const Hunk& h) {
    return side_of(h, false);
}

std::vector<std::size_t> occurrences(const Lines& hay, const Lines& needle) {
    return occurrences_in(hay, needle, 0, hay.size());
}

std::pair<std::size_t, std::size_t> common_ends(const Lines& before, const Lines& after) {
    std::size_t pre = 0;
    while (pre < before.size() && pre < after.size() && before[pre] == after[pre]) {
        ++pre;
    }
    std::size_t post = 0;
    while (post < before.size() - pre && post < after.size() - pre &&
           before[before.size() - 1 - post] == after[after.size() - 1 - post]) {
        ++post;
    }
    return {pre, post};
}

bool reproduces(const Lines& before, const Lines& after, const Hunk& h) {
    std::size_t first = h.lines.size();
    std::size_t last = 0;
    for (std::size_t i = 0; i < h.lines.size(); ++i) {
        if (h.lines[i].kind != LineKind::Context) {
            first = std::min(first, i);
            last = i;
        }
    }
    if (first == h.lines.size()) {
        return before == after; // a hunk without changes
    }
    const auto [pre, post] = common_ends(before, after);
    // Equal lines at the edges of the change may have been trimmed off as
    // common: give them back to the middle until the script fits.
    for (std::size_t back = 0; back <= pre; ++back) {
        std::size_t i = pre - back;
        std::size_t j = pre - back;
        const std::size_t bend = before.size() - post;
        const std::size_t aend = after.size() - post;
        bool ok = true;
        for (std::size_t k = first; k <= last && ok; ++k) {
            const auto& l = h.lines[k];
            switch (l.kind) {
            case LineKind::Context:
                ok = i < bend && j < aend && before[i] == after[j];
                ++i;
                ++j;
                break;
            case LineKind::Removed:
                ok = i < bend && before[i] == l.old_text();
                ++i;
                break;
            case LineKind::Added:
                ok = j < aend && after[j] == l.new_text();
                ++j;
                break;
            }
        }
        if (ok && i == bend && j == aend) {
            return true;
        }
        if (back == pre) {
            break;
        }
    }
    return false;
}

bool anchored(const Lines& before, const Lines& after, const Hunk& h) {
    const auto [pre, post] = common_ends(before, after);
    std::size_t first = 0;
    while (first < h.lines.size() && h.lines[first].kind == LineKind::Context) {
        ++first;
    }
    std::size_t last = h.lines.size();
    while (last > 0 && h.lines[last - 1].kind == LineKind::Context) {
        --last;
    }
    if (first > 0 && (pre == 0 || before[pre - 1] != h.lines[first - 1].old_text())) {
        return false;
    }
    const std::size_t after_change = before.size() - post;
    return last == h.lines.size() ||
           (after_change < before.size() && before[after_change] == h.lines[last].old_text());
}

std::optional<std::string> guarded_function(const Hunk& h) {
    if (!defined_function(h.section)) {
        return std::nullopt;
    }
    return hunk_function(h, std::nullopt);
}

namespace {

// The lines the hunk's first (last) run of changed lines removes, in order.
// When the target has them once near the change they pin its place on that
// side; a run of only added lines, or a removed line the target has more
// than once nearby (`return ERR_PTR(-EINVAL);`), is placed by its
// neighbours alone.
Lines edge_removed(const Hunk& h, bool first) {
    const long n = static_cast<long>(h.lines.size());
    long k = first ? 0 : n - 1;
    const long step = first ? 1 : -1;
    while (k >= 0 && k < n && h.lines[static_cast<std::size_t>(k)].kind == LineKind::Context) {
        k += step;
    }
    Lines removed;
    for (; k >= 0 && k < n && h.lines[static_cast<std::size_t>(k)].kind != LineKind::Context;
         k += step) {
        if (h.lines[static_cast<std::size_t>(k)].kind == LineKind::Removed) {
            removed.emplace_back(h.lines[static_cast<std::size_t>(k)].old_text());
        }
    }
    if (!first) {
        std::reverse(removed.begin(), removed.end());
    }
    return removed;
}

// A placement's surroundings: the hunk's context on each side of its change
// (hpre, hpost lines) against the target's lines around the change the
// placement made (before[pre], before[size - post]).
struct Neighbourhood {
    const Lines& before;
    const Hunk& h;
    Lines old;
    std::size_t hpre = 0;
    std::size_t hpost = 0;
    std::size_t pre = 0;
    std::size_t post = 0;
    std::size_t lo = 0; // the window "near the change"
    std::size_t hi = 0;

    Neighbourhood(const Lines& b, const Lines& after, const Hunk& hunk)
        : before(b), h(hunk), old(old_side(hunk)) {
        std::tie(hpre, hpost) = common_ends(old, new_side(hunk));
        std::tie(pre, post) = common_ends(before, after);
        lo = pre > applied_window ? pre - applied_window : 0;
        hi = before.size() - post + applied_window;
    }

    // A common neighbour ("return false;", a blank) may be a twin's.
    [[nodiscard]] bool common_near(const std::string& l) const {
        return occurrences_in(before, Lines{l}, lo, hi).size() > 1;
    }
    [[nodiscard]] bool pins(const Lines& removed) const {
        return !removed.empty() && occurrences_in(before, removed, lo, hi).size() == 1;
    }
};

// Trimmed, so that a re-indented line still counts; but a brace or a blank
// line by its indentation alone says which block it closes.
bool same_line(std::string_view a, std::string_view b) {
    return substantive(a) ? text::trim(text::chomp(a)) == text::trim(text::chomp(b))
                          : text::chomp(a) == text::chomp(b);
}

// The nearest substantive line outward from the change, in the hunk's old
// text and in the target: the evidence a pinned side still needs when both
// sides are pinned (a removed line the target has once may be a twin's when
// the target already made the change at its own place).
bool neighbour_agrees(const Neighbourhood& nb, bool first) {
    const Lines& old = nb.old;
    const Lines& before = nb.before;
    std::optional<std::string> want;
    for (std::size_t k = 1; first && k <= nb.hpre && !want; ++k) {
        want = substantive(old[nb.hpre - k]) ? std::optional(old[nb.hpre - k]) : std::nullopt;
    }
    for (std::size_t k = 0; !first && k < nb.hpost && !want; ++k) {
        const auto& l = old[old.size() - nb.hpost + k];
        want = substantive(l) ? std::optional(l) : std::nullopt;
    }
    if (!want) {
        return true; // no substantive context on that side: nothing to contradict
    }
    for (std::size_t k = 1; first && k <= nb.pre; ++k) {
        if (substantive(before[nb.pre - k])) {
            return text::trim(text::chomp(before[nb.pre - k])) == text::trim(text::chomp(*want));
        }
    }
    for (std::size_t at = before.size() - nb.post; !first && at < before.size(); ++at) {
        if (substantive(before[at])) {
            return text::trim(text::chomp(before[at])) == text::trim(text::chomp(*want));
        }
    }
    // The file's edge, where the hunk's context reaches it too (a target
    // without the hunk's outermost lines: at_file_edge()).
    return first ? reaches_start(nb.h) : reaches_end(nb.h);
}

// Pinned on both sides: one of the nearest context lines must still be the
// hunk's, and both when the hunk removes a single substantive line
// (`return -E2BIG;`: too little to know the place by).
std::string pinned_sides_disagree(const Neighbourhood& nb) {
    const auto removed = std::count_if(nb.h.lines.begin(), nb.h.lines.end(), [](const auto& l) {
        return l.kind == LineKind::Removed && substantive(l.old_text());
    });
    const bool before_ok = neighbour_agrees(nb, true);
    const bool after_ok = neighbour_agrees(nb, false);
    if ((!before_ok && !after_ok) || (removed < 2 && !(before_ok && after_ok))) {
        return fmt::format("the nearest context line {} the removed lines is not the "
                           "hunk's: the target may have made the change at another place",
                           before_ok ? "after" : "before");
    }
    return {};
}

// The `hpre` context lines before the change, outward, up to the first line
// the target has only once near it.
std::string before_side_broken(const Neighbourhood& nb, std::size_t hpre) {
    for (std::size_t k = 1; k <= hpre; ++k) {
        const std::string& want = nb.old[hpre - k];
        if (nb.pre < k) {
            if (reaches_start(nb.h)) {
                break;
            }
            return fmt::format("the line before the change would be the start of the file, "
                               "not {}",
                               quoted_line(want));
        }
        const std::string& have = nb.before[nb.pre - k];
        if (!same_line(have, want)) {
            return fmt::format("{} before the change would be {}, not {}",
                               k == 1 ? "the line" : fmt::format("{} lines", k), quoted_line(have),
                               quoted_line(want));
        }
        if (!nb.common_near(have)) {
            break;
        }
    }
    return {};
}

// The `hpost` context lines after the change, the same way.
std::string after_side_broken(const Neighbourhood& nb, std::size_t hpost) {
    for (std::size_t k = 0; k < hpost; ++k) {
        const std::string& want = nb.old[nb.old.size() - hpost + k];
        const std::size_t at = nb.before.size() - nb.post + k;
        if (at >= nb.before.size()) {
            if (reaches_end(nb.h)) {
                break;
            }
            return fmt::format("the line after the change would be the end of the file, not {}",
                               quoted_line(want));
        }
        if (!same_line(nb.before[at], want)) {
            return fmt::format("{} after the change would be {}, not {}",
                               k == 0 ? "the line" : fmt::format("{} lines", k + 1),
                               quoted_line(nb.before[at]), quoted_line(want));
        }
        if (!nb.common_near(nb.before[at])) {
            break;
        }
    }
    return {};
}

} // namespace

std::string neighbourhood_broken(const Lines& before, const Lines& after, const Hunk& h) {
    const Neighbourhood nb(before, after, h);
    // Outward from the change, up to the first line the target has only once
    // near it; a side pinned by removed lines the target has once near the
    // change needs no context there.
    const bool pinned_before = nb.pins(edge_removed(h, true));
    const bool pinned_after = nb.pins(edge_removed(h, false));
    if (pinned_before && pinned_after) {
        if (auto why = pinned_sides_disagree(nb); !why.empty()) {
            return why;
        }
    }
    if (auto why = before_side_broken(nb, pinned_before ? 0 : nb.hpre); !why.empty()) {
        return why;
    }
    return after_side_broken(nb, pinned_after ? 0 : nb.hpost);
}

namespace {

// A line git's hunk heading can name: it starts with a letter, '_' or '$'
// (git's default); `labels` false leaves out goto labels, as the cpp driver
// the kernel's .gitattributes selects does.
bool heading_line(std::string_view line, bool labels) {
    line = text::chomp(line);
    if (line.empty() || !(std::isalpha(static_cast<unsigned char>(line[0])) != 0 ||
                          line[0] == '_' || line[0] == '$')) {
        return false;
    }
    const auto t = text::trim(line);
    const bool label = t.back() == ':' && t.find_first_of(" \t(") == std::string_view::npos;
    return labels || !label;
}

} // namespace

std::string heading_broken(const Lines& before, const Lines& after, const Hunk& h) {
    const auto section = text::trim(h.section);
    if (section.empty() || guarded_function(h)) {
        return {};
    }
    const auto [pre, post] = common_ends(before, after);
    const auto top =
        static_cast<std::size_t>(std::max(0L, static_cast<long>(pre) - h.prefix_context()));
    std::string found;
    for (const bool labels : {false, true}) {
        for (std::size_t i = std::min(top, before.size()); i-- > 0;) {
            if (!heading_line(before[i], labels)) {
                continue;
            }
            const auto line = text::trim(text::chomp(before[i]));
            if (line.starts_with(section) || section.starts_with(line)) {
                return {};
            }
            found = fmt::format("under {}", quoted_line(line));
            break;
        }
    }
    return fmt::format("it would be {}, not under {} that its heading names",
                       found.empty() ? "under no heading" : found, quoted_line(section));
}

std::string twin_place(const Lines& cur, const Lines& old, std::size_t at) {
    const std::size_t lo = at > applied_window ? at - applied_window : 0;
    const std::size_t hi = at + old.size() + applied_window;
    // Lines moved a little (the region grew or shrank inside) are not
    // evidence: only a line missing from the region and its margin is.
    const std::size_t margin = std::max<std::size_t>(3, old.size() / 2);
    const std::size_t near_lo = at > margin ? at - margin : 0;
    const std::size_t near_hi = at + old.size() + margin;
    for (std::size_t k = 0; k < old.size(); ++k) {
        const Lines line{old[k]};
        if ((at + k < cur.size() && cur[at + k] == old[k]) || !substantive(old[k]) ||
            !occurrences_in(cur, line, near_lo, near_hi).empty()) {
            continue;
        }
        if (const auto there = occurrences_in(cur, line, lo, hi); !there.empty()) {
            return fmt::format("its context line {} is not there but at line {}: a twin of "
                               "the hunk's place",
                               quoted_line(old[k]), there[0] + 1);
        }
    }
    return {};
}

std::string added_twice(const Lines& before, const Lines& after, const Hunk& h) {
    const Lines old = old_side(h);
    const auto [pre, post] = common_ends(before, after);
    const std::size_t lo = pre > applied_window ? pre - applied_window : 0;
    for (const auto& run : added_runs(h)) {
        if (!substantive_run(run) || !occurrences(old, run).empty()) {
            continue;
        }
        const auto had = occurrences_in(before, run, lo, before.size() - post + applied_window);
        const auto has = occurrences_in(after, run, lo, after.size() - post + applied_window);
        if (!had.empty() && has.size() > had.size()) {
            return fmt::format("its added line {} would be there twice (the target has it at "
                               "line {})",
                               quoted_line(run[0]), had[0] + 1);
        }
    }
    return {};
}

} // namespace kseries::rebase
