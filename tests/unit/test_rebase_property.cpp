// The rebase property: applied to random patches on random perturbations of
// their base, placement either reproduces the intended change or leaves the
// hunk for the maintainer - it never writes a misplaced or partial change.
//
// A case: a random C-like file F (unique calls mixed with lines that repeat,
// as in kernel code: braces, returns, gotos), 1-3 random edits making F', the
// patch F -> F' made by git's diff, and a target T made from F by one family
// of perturbations whose right answer is known:
//   moved     lines inserted, deleted or changed anywhere but on the edited
//             lines and right beside them; the intended result is F''s
//             edits applied where F's edited lines now are;
//   copied    a block around an edit copied verbatim elsewhere: two equally
//             good places, so the only right answers are the original
//             position (when a step can prove it) or a stop;
//   clashing  a line the patch removes was changed in T: no placement can
//             reproduce the removal, so that hunk must stop;
//   wrong-function  F is three C functions and the one edit is in the
//             second; in T the two context lines before the edit changed,
//             and a twin of the hunk's old text (its first line changed)
//             sits in the first function: only the twin fits, at fuzz 1,
//             and it is in another function than the heading names;
//   removal-only  the one edit deletes lines; in T the hunk's first context
//             line changed (so it applies only with fuzz) and its new text,
//             only context, is also at the end of T, far away: that twin is
//             no evidence the deletion is already applied.
//   applied-different-context  T is F' (the one edit applied) with one or
//             two of the lines beside the edit changed: the change is there,
//             under other context; the only right answers are "already
//             applied" or a stop, T unchanged, never the edit added twice;
//   vendor-branch  the one edit inserts lines; in T a vendor block
//             (#ifdef CONFIG_RHEL_DIFFERENCES ... #endif) sits in that slot:
//             the edit belongs before it (after the line it followed), so a
//             placement after the block is wrong;
//   other-slot  the one edit inserts lines; in T the line before the slot
//             moved up a line, or the one after it down: which slot is meant
//             is a guess, so the only right answer is a stop;
//   edges     the start of a file (a comment line deleted near the top, T
//             lacks the SPDX line above it), a function that ends the file
//             (an edit whose context runs to EOF, an outer context line
//             changed in T), or the same edit made in two functions (two
//             hunks of identical text under different headings): each edit
//             at its own place.
// For every hunk placed, the result must equal T with exactly the placed
// hunks' edits applied at their true position.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <kseries/git/diff.hpp>
#include <kseries/patch/parser.hpp>
#include <kseries/rebase/place.hpp>

#include "rebase_property_cases.hpp"

using namespace kseries;

namespace {

using namespace kseries::test::rebase_property;

// The hunk of `file` an edit of F falls in (file.hunks.size() when none).
std::size_t hunk_of(const patch::FilePatch& file, const Edit& e) {
    for (std::size_t h = 0; h < file.hunks.size(); ++h) {
        const auto first = static_cast<std::size_t>(std::max(0L, file.hunks[h].old_start - 1));
        const auto count = static_cast<std::size_t>(file.hunks[h].old_count);
        if (e.start >= first && e.start <= first + count) {
            return h;
        }
    }
    return file.hunks.size();
}

// The true result: T with the placed hunks' edits at the original lines
// (before a vendor block; none where the slot is a guess).
Lines intended(const Case& c, const patch::FilePatch& file, const std::vector<bool>& hunk_placed,
               Family family) {
    Lines expected;
    for (std::size_t i = 0; i < c.t.size(); ++i) {
        const long o = c.origin[i];
        bool skip = false;
        for (const auto& e : c.edits) {
            const std::size_t h = hunk_of(file, e);
            if (h >= hunk_placed.size() || !hunk_placed[h] || o < 0) {
                continue;
            }
            const auto uo = static_cast<std::size_t>(o);
            if (uo == e.start) {
                expected.insert(expected.end(), e.lines.begin(), e.lines.end());
            }
            skip = skip || (uo >= e.start && uo < e.start + e.old_count);
        }
        if (!skip) {
            expected.push_back(c.t[i]);
        }
    }
    if (family == Family::VendorBranch && hunk_placed[0]) {
        // Before the vendor block: right after the line the edit followed.
        expected = c.t;
        const auto& e = c.edits[0];
        expected.insert(expected.begin() + static_cast<long>(e.start), e.lines.begin(),
                        e.lines.end());
    }
    if (family == Family::OtherSlot) {
        expected = c.t; // the slot is a guess: no placement is right
    }
    return expected;
}

// What the cases did, for the not-vacuous checks and the summary lines.
struct Tally {
    unsigned cases = 0;
    std::size_t placed_cases = 0;
    std::size_t stopped_cases = 0;
    std::size_t by_step[7] = {};
    std::size_t real_cases = 0;
    std::size_t family_placed[families] = {};
    std::size_t family_stopped[families] = {};
    std::size_t family_dropped[families] = {};
    std::size_t edge_placed[3] = {};   // edges cases carried: start, end, repeated
    std::size_t refused_elsewhere = 0; // wrong-function hunks the function guard refused

    // Counts a case's outcome: placed whole, dropped (a hunk found already
    // applied, only right in applied-different-context) or stopped.
    void record(Family family, Edge edge, const rebase::FilePlacement& placed) {
        const bool dropped =
            std::any_of(placed.hunks.begin(), placed.hunks.end(),
                        [](const auto& h) { return h.step == rebase::Step::AlreadyApplied; });
        (placed.complete() ? placed_cases : stopped_cases)++;
        (!placed.complete() ? family_stopped
         : dropped          ? family_dropped
                            : family_placed)[static_cast<std::size_t>(family)]++;
        if (family == Family::Edges && placed.complete()) {
            edge_placed[static_cast<std::size_t>(edge)]++;
        }
    }

    // The two summary lines the property test prints.
    void print() const {
        std::string per_family;
        for (std::size_t k = 0; k < families; ++k) {
            per_family += fmt::format("{}{} {} placed/{} dropped/{} stopped", k == 0 ? "" : ", ",
                                      family_names[k], family_placed[k], family_dropped[k],
                                      family_stopped[k]);
        }
        std::cout << fmt::format(
            "[ property ] {} cases ({} on real kernel code): {} placed, {} stopped; hunks: "
            "exact {}, offset {}, fuzz {}, merged {}, relocated {}, unplaced {}\n",
            cases, real_cases, placed_cases, stopped_cases, by_step[0], by_step[1], by_step[2],
            by_step[3], by_step[4], by_step[6]);
        std::cout << fmt::format(
            "[ property ] by family (0 wrong: every placement was the intended "
            "change): {}; wrong-function hunks refused by the function guard: {}; edges carried: "
            "start {}, end {}, repeated {}\n",
            per_family, refused_elsewhere, edge_placed[0], edge_placed[1], edge_placed[2]);
    }
};

// Counts each hunk's step and whether it was placed; "already applied" is
// only right where the change is there (applied-different-context).
void judge_hunks(const Case& c, Family family, unsigned seed, const std::string& section,
                 const rebase::FilePlacement& placed, std::vector<bool>& hunk_placed,
                 Tally& tally) {
    for (const auto& h : placed.hunks) {
        hunk_placed.push_back(h.step != rebase::Step::Unplaced);
        tally.refused_elsewhere +=
            family == Family::WrongFunction &&
                    h.note.find("that its heading names") != std::string::npos
                ? 1U
                : 0U;
        tally.by_step[static_cast<std::size_t>(h.step)]++;
        if (family != Family::AppliedElsewhere) {
            ASSERT_NE(h.step, rebase::Step::AlreadyApplied)
                << "seed " << seed << ", family " << family_names[static_cast<std::size_t>(family)]
                << ": " << h.note << "\npatch:\n"
                << section << "target:\n"
                << joined(c.t);
        }
    }
}

// One case: F, its edits, the patch git makes of them, the perturbed
// target; placed, and every placed hunk checked against the true result.
void run_case(unsigned seed, const std::vector<Lines>& real, Tally& tally) {
    Case c(seed);
    Family family = static_cast<Family>(c.pick(0, families - 1));
    const std::size_t want = c.pick(40, 160);
    const auto edge = static_cast<Edge>(c.pick(0, 2));
    tally.real_cases += base_file(c, seed, real, family, edge, want) ? 1U : 0U;
    family_edits(c, family, edge);
    spread_edits(c);
    const Lines fp = apply_edits(c.f, c.edits);
    auto section = git::diff_file("f.c", joined(c.f), joined(fp));
    ASSERT_TRUE(section) << section.error().message();
    auto parsed = patch::parse(*section, "p");
    ASSERT_TRUE(parsed && parsed->files.size() == 1) << *section;
    const auto& file = parsed->files[0];
    family = make_target(c, family, edge, fp);

    auto placed = rebase::place_file(file, joined(c.t));
    ASSERT_TRUE(placed) << placed.error().message();
    std::vector<bool> hunk_placed;
    ASSERT_NO_FATAL_FAILURE(judge_hunks(c, family, seed, *section, *placed, hunk_placed, tally));
    std::string steps;
    for (const auto& h : placed->hunks) {
        steps += fmt::format("  {} @{}: {}\n", rebase::step_key(h.step), h.stated, h.note);
    }
    ASSERT_EQ(placed->content, joined(intended(c, file, hunk_placed, family)))
        << "seed " << seed << ", family " << family_names[static_cast<std::size_t>(family)]
        << ": a placed hunk is not the intended change\nsteps:\n"
        << steps << "patch:\n"
        << *section;
    if (family == Family::Clashing) {
        EXPECT_FALSE(placed->complete()) << "seed " << seed << ": a clashing hunk was placed";
    }
    tally.record(family, edge, *placed);
}

} // namespace

TEST(RebaseProperty, placement_reproduces_the_change_or_stops) {
    Tally tally;
    // KSERIES_PROPERTY_CASES runs more (or fewer) cases than CI's 600.
    const char* env = std::getenv("KSERIES_PROPERTY_CASES");
    tally.cases = env != nullptr ? static_cast<unsigned>(std::stoul(env)) : 600U;
    const auto real = real_files();
    for (unsigned seed = 1; seed <= tally.cases; ++seed) {
        ASSERT_NO_FATAL_FAILURE(run_case(seed, real, tally));
    }
    // Not vacuous: most moved targets are carried without the maintainer,
    // and every step but relocation (which needs C functions) is exercised.
    const auto& t = tally;
    EXPECT_GT(t.real_cases, 0U) << "Debian's overlayfs sources were not found";
    EXPECT_GT(t.placed_cases, t.cases / 4)
        << "placed " << t.placed_cases << ", stopped " << t.stopped_cases;
    EXPECT_GT(t.stopped_cases, t.cases / 10);
    EXPECT_GT(t.by_step[static_cast<std::size_t>(rebase::Step::Offset)], 0U);
    EXPECT_GT(t.by_step[static_cast<std::size_t>(rebase::Step::Fuzz)], 0U);
    EXPECT_GT(t.by_step[static_cast<std::size_t>(rebase::Step::Merged)], 0U);
    EXPECT_GT(t.by_step[static_cast<std::size_t>(rebase::Step::Unplaced)], 0U);
    // The wrong function's twin is found (and refused), and a removal whose
    // context has a far twin is still placed where it belongs.
    EXPECT_GT(t.refused_elsewhere, 0U);
    EXPECT_GT(t.family_placed[static_cast<std::size_t>(Family::RemovalOnly)], 0U);
    // A change already there under other context is recognised, and the
    // easy edges are carried: each kind at least once.
    EXPECT_GT(t.family_dropped[static_cast<std::size_t>(Family::AppliedElsewhere)], 0U);
    EXPECT_GT(t.edge_placed[static_cast<std::size_t>(Edge::Start)], 0U);
    EXPECT_GT(t.edge_placed[static_cast<std::size_t>(Edge::End)], 0U);
    EXPECT_GT(t.edge_placed[static_cast<std::size_t>(Edge::Repeated)], 0U);
    tally.print();
}
