// The guards of `kseries rebase`'s placement (place.hpp,
// docs/commands/rebase.md): what a step must prove before its result
// counts, and the questions asked before any inexact placement (is the hunk's
// change already there, does the result keep the hunk's neighbourhood, does
// it add a block the target already had). Lines keep their terminators.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <kseries/patch/model.hpp>

namespace kseries::rebase {

using Lines = std::vector<std::string>;

// A line that says something: not blank, not a lone brace or comment end.
// Only such lines are evidence of where a hunk is (or that it is there).
[[nodiscard]] bool substantive(std::string_view line);

// The hunk's text before (old) or after (new) the change.
[[nodiscard]] Lines old_side(const patch::Hunk& h);
[[nodiscard]] Lines new_side(const patch::Hunk& h);

// Where `needle` occurs contiguously in `hay` (0-based starts).
[[nodiscard]] std::vector<std::size_t> occurrences(const Lines& hay, const Lines& needle);

// How many lines `before` and `after` share at their start and, after
// that, at their end.
[[nodiscard]] std::pair<std::size_t, std::size_t> common_ends(const Lines& before,
                                                              const Lines& after);

// Does `after` differ from `before` by exactly the hunk's change: its
// removed lines gone and its added lines in, in order, with the lines
// between its changes present on both sides (their text may be the
// target's)? What every step must prove before its result counts.
[[nodiscard]] bool reproduces(const Lines& before, const Lines& after, const patch::Hunk& h);

// Is the change from `before` to `after` anchored like the hunk's: the
// target's line just before it is the hunk's context line just before its
// first change, and the line just after it the context line after its last
// (where the hunk has them)? Exact text: the fake-ancestor merge's check.
[[nodiscard]] bool anchored(const Lines& before, const Lines& after, const patch::Hunk& h);

// Guard A's function: the one the hunk's `@@` heading names (or the
// definition in its leading context). None when the heading names none.
[[nodiscard]] std::optional<std::string> guarded_function(const patch::Hunk& h);

// Where the hunk belongs in `cur`: its function's body when that function
// is defined once there, else `applied_window` lines either side of
// `centre` (1-based). `where` says which, for messages.
struct Region {
    std::size_t lo = 0;
    std::size_t hi = 0;
    std::string where;
};
inline constexpr std::size_t applied_window = 100;
[[nodiscard]] Region belonging_region(const Lines& cur, const patch::Hunk& h, long centre,
                                      const std::optional<Lines>& base);

// Guard B / step 5: the line the hunk's whole new text starts at where the
// hunk belongs, when the target already has it there and not its old text
// (nor a run of its removed lines beside it), or why not.
// `ours` marks the lines of `cur` that earlier hunks of the same patch
// placed (the same edit made twice in a file): they are never evidence that
// a later hunk's change is already there.
[[nodiscard]] std::optional<std::size_t> applied_at(const Lines& cur, const std::vector<bool>& ours,
                                                    const patch::Hunk& h, long centre,
                                                    const std::optional<Lines>& base,
                                                    std::string& why);

// Is the hunk's *change* already there under other context? Asked before
// any inexact placement, where the hunk belongs.
enum class Presence {
    Absent,  // no substantial run of its added lines is there: place it
    Applied, // every run of added lines there once, in order, together, no removed line
    Unclean, // some of it there, but not cleanly: stop
};
struct PresenceResult {
    Presence presence = Presence::Absent;
    std::size_t line = 0; // Applied: where its first added run starts (0-based)
    std::string why;      // Applied / Unclean: what was found
};
[[nodiscard]] PresenceResult change_present(const Lines& cur, const std::vector<bool>& ours,
                                            const patch::Hunk& h, long centre,
                                            const std::optional<Lines>& base);

// Does the inexact result keep the hunk's neighbourhood: the line just
// before its first change and the one just after its last are, trimmed,
// the hunk's own context lines beside the change (where it has them; at
// the start or end of a file that the hunk's context reaches, the file's
// edge counts)? Empty when kept, else what was found instead.
[[nodiscard]] std::string neighbourhood_broken(const Lines& before, const Lines& after,
                                               const patch::Hunk& h);

// When the hunk's `@@` heading names no function (a struct, a table), the
// heading git would give the result must still be that one: the nearest
// line above the hunk's context that git takes as a heading. Empty when
// it is (or the hunk has no heading), else what was found.
[[nodiscard]] std::string heading_broken(const Lines& before, const Lines& after,
                                         const patch::Hunk& h);

// Is the region at `at` (0-based) of `cur`, where a step matched the hunk's
// old text only in part, a twin of the hunk's place: an old line that does
// not match there is in the target nearby (within `applied_window`)? Empty
// when not, else which line and where.
[[nodiscard]] std::string twin_place(const Lines& cur, const Lines& old, std::size_t at);

// Does the result hold a run of the hunk's added lines more often than the
// target did, near the change, where the target already had it? Empty when
// not, else the run's first line and where the target had it.
[[nodiscard]] std::string added_twice(const Lines& before, const Lines& after,
                                      const patch::Hunk& h);

} // namespace kseries::rebase
