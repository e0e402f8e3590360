// The cases of the rebase property test (test_rebase_property.cpp, where
// the families are described): a random or real file F, its edits, and a
// target T perturbed as a family says, with each line's origin in F, so
// that the right result of any placement is known.
#pragma once

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace kseries::test::rebase_property {

using Lines = std::vector<std::string>;

struct Edit {
    std::size_t start = 0;     // first line of F replaced (0-based)
    std::size_t old_count = 0; // lines of F replaced
    Lines lines;               // what replaces them
};

inline std::string joined(const Lines& l) {
    std::string s;
    for (const auto& x : l) {
        s += x;
    }
    return s;
}

inline Lines apply_edits(const Lines& f, const std::vector<Edit>& edits) {
    Lines out;
    std::size_t i = 0;
    for (const auto& e : edits) {
        out.insert(out.end(), f.begin() + static_cast<long>(i),
                   f.begin() + static_cast<long>(e.start));
        out.insert(out.end(), e.lines.begin(), e.lines.end());
        i = e.start + e.old_count;
    }
    out.insert(out.end(), f.begin() + static_cast<long>(i), f.end());
    return out;
}

struct Case {
    std::mt19937 rng;
    Lines f;
    std::vector<Edit> edits;
    Lines t;
    std::vector<long> origin; // per line of T: its line in F, or -1

    explicit Case(unsigned seed) : rng(seed) {}

    std::size_t pick(std::size_t lo, std::size_t hi) { // [lo, hi]
        return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
    }

    std::string line() {
        static const Lines common{
            "}\n", "\n",           "\treturn 0;\n", "\tif (err)\n",    "\t\tgoto out;\n",
            "{\n", "\tint err;\n", "out:\n",        "\treturn err;\n", "\t}\n"};
        if (pick(0, 9) < 3) {
            return common[pick(0, common.size() - 1)];
        }
        return fmt::format("\tcall_{}(x, {});\n", pick(0, 99999), pick(0, 9));
    }

    // A line of a function body: indented, so that git's heading for a
    // change in it is the function's definition line.
    std::string body_line() {
        for (;;) {
            auto l = line();
            if (l[0] == '\t') {
                return l;
            }
        }
    }

    // F as three functions of about `want` lines in all; their bodies'
    // [first, end) lines in `bodies`.
    std::vector<std::pair<std::size_t, std::size_t>> bodies;
    void functions(std::size_t want) {
        for (const char* name : {"fn_a", "fn_b", "fn_c"}) {
            f.push_back(fmt::format("static int {}(struct x *x)\n", name));
            f.push_back("{\n");
            const std::size_t first = f.size();
            for (std::size_t i = std::max<std::size_t>(14, want / 3); i > 0; --i) {
                f.push_back(body_line());
            }
            bodies.emplace_back(first, f.size());
            f.push_back("}\n");
            f.push_back("\n");
        }
    }

    // Is F's line i on an edit or right beside one?
    bool near_edit(std::size_t i) const {
        return std::any_of(edits.begin(), edits.end(), [&](const Edit& e) {
            return i + 1 >= e.start && i <= e.start + e.old_count;
        });
    }
};

enum class Family {
    Moved,
    Copied,
    Clashing,
    WrongFunction,
    RemovalOnly,
    AppliedElsewhere,
    VendorBranch,
    OtherSlot,
    Edges,
};
constexpr std::size_t families = 9;
constexpr const char* family_names[families] = {
    "moved",          "copied",       "clashing",
    "wrong-function", "removal-only", "applied-different-context",
    "vendor-branch",  "other-slot",   "edges"};
enum class Edge { Start, End, Repeated };

// A new line for an edit.
inline std::string new_line(Case& c) {
    return fmt::format("\tnew_{}(y);\n", c.pick(0, 99999));
}

// F for the edges family: the start of a real file (or an SPDX line and a
// comment above random lines), a file whose last function ends it, or three
// functions with the same block in the first and the third.
inline void edge_file(Case& c, Edge edge, const Lines* src, std::size_t want) {
    if (edge == Edge::Repeated) {
        c.functions(want);
        Lines block;
        for (std::size_t i = 0; i < 7; ++i) {
            block.push_back(fmt::format("\tshared_{}(x, {});\n", c.pick(0, 99999), i));
        }
        // Into fn_c first, so fn_a's body indices stay right.
        for (const std::size_t fn : {2UL, 0UL}) {
            const std::size_t at = c.pick(c.bodies[fn].first + 4, c.bodies[fn].second - 4);
            c.f.insert(c.f.begin() + static_cast<long>(at), block.begin(), block.end());
            c.bodies[fn] = {at, at + block.size()}; // now: the block's lines
        }
        c.bodies[2].first += block.size();
        c.bodies[2].second += block.size();
        return;
    }
    if (src != nullptr) {
        const std::size_t take = std::min(src->size(), want);
        const auto from = edge == Edge::Start ? src->begin() : src->end() - static_cast<long>(take);
        c.f.assign(from, from + static_cast<long>(take));
        return;
    }
    if (edge == Edge::Start) {
        c.f = {"// SPDX-License-Identifier: GPL-2.0-only\n",
               "/*\n",
               " * A driver.\n",
               " *\n",
               " * Copyright (C) 2011 Someone.\n",
               " */\n",
               "\n"};
        while (c.f.size() < want) {
            c.f.push_back(c.line());
        }
        return;
    }
    c.functions(want);
    c.f.pop_back(); // the file ends with the last function's "}"
}

// Debian's real fs/overlayfs/super.c and copy_up.c, as lines: half the
// cases take their file from real kernel code.
inline std::vector<Lines> real_files() {
    std::vector<Lines> out;
#ifdef KSERIES_CORPUS_61
    for (const char* name : {"/fs/overlayfs/super.c", "/fs/overlayfs/copy_up.c"}) {
        std::ifstream in(std::string(KSERIES_CORPUS_61) + name);
        std::stringstream ss;
        ss << in.rdbuf();
        Lines lines;
        std::string l;
        while (std::getline(ss, l)) {
            lines.push_back(l + "\n");
        }
        if (!lines.empty()) {
            out.push_back(std::move(lines));
        }
    }
#endif
    return out;
}

// F for a case: three functions (wrong-function), an edge of a file, a
// window of Debian's real sources (every second seed, when there), or random
// lines. True when it came from real kernel code.
inline bool base_file(Case& c, unsigned seed, const std::vector<Lines>& real, Family family,
                      Edge edge, std::size_t want) {
    if (family == Family::WrongFunction) {
        c.functions(want);
        return false;
    }
    if (family == Family::Edges) {
        // The start from super.c, the end from copy_up.c (whose last
        // function ends the file), when Debian's sources are there.
        const bool use_real = seed % 2 == 0 && real.size() == 2 && edge != Edge::Repeated;
        edge_file(c, edge, use_real ? &real[edge == Edge::Start ? 0 : 1] : nullptr, want);
        return use_real;
    }
    if (seed % 2 == 0 && !real.empty()) {
        const auto& src = real[c.pick(0, real.size() - 1)];
        const std::size_t from = c.pick(0, src.size() - std::min(src.size(), want));
        c.f.assign(src.begin() + static_cast<long>(from),
                   src.begin() + static_cast<long>(std::min(src.size(), from + want)));
        return true;
    }
    for (std::size_t i = 0; i < want; ++i) {
        c.f.push_back(c.line());
    }
    return false;
}

// The one edit a family's perturbation is built around (none for moved,
// copied and clashing, which take spread_edits' random ones).
inline void family_edits(Case& c, Family family, Edge edge) {
    const std::size_t n = c.f.size();
    if (family == Family::WrongFunction) {
        // One edit in the second function, 4 lines inside its body.
        Edit e;
        const auto [first, end] = c.bodies[1];
        e.start = c.pick(first + 4, end - 6);
        const std::size_t kind = c.pick(0, 2); // replace, delete, insert
        e.old_count = kind == 2 ? 0 : c.pick(1, 2);
        for (std::size_t j = kind == 1 ? 0 : c.pick(1, 3); j > 0; --j) {
            e.lines.push_back(fmt::format("\tnew_{}(y);\n", c.pick(0, 99999)));
        }
        c.edits.push_back(e);
    } else if (family == Family::RemovalOnly) {
        Edit e;
        e.start = c.pick(3, n - 8);
        e.old_count = c.pick(1, 2);
        c.edits.push_back(e);
    } else if (family == Family::AppliedElsewhere || family == Family::VendorBranch ||
               family == Family::OtherSlot) {
        // One edit that adds lines (vendor-branch, other-slot: only adds).
        Edit e;
        e.start = c.pick(4, n - 8);
        e.old_count = family == Family::AppliedElsewhere ? c.pick(0, 2) : 0;
        for (std::size_t j = c.pick(1, 3); j > 0; --j) {
            e.lines.push_back(new_line(c));
        }
        c.edits.push_back(e);
    } else if (family == Family::Edges) {
        Edit e;
        if (edge == Edge::Start) { // a comment line near the top deleted
            e.start = c.pick(1, 3);
            e.old_count = 1;
        } else if (edge == Edge::End) { // before the last function's "}"
            e.start = n - 2;
            e.old_count = c.pick(0, 1);
            e.lines.push_back(new_line(c));
        } else { // the same edit, 3 lines into each copy of the block
            e.old_count = c.pick(0, 1);
            e.lines.push_back(new_line(c));
            for (const std::size_t fn : {0UL, 2UL}) {
                e.start = c.bodies[fn].first + 3;
                c.edits.push_back(e);
            }
        }
        if (edge != Edge::Repeated) {
            c.edits.push_back(e);
        }
    }
}

// When no family made an edit: 1-3 random ones, at least 8 lines apart.
// (The first position is drawn either way, so every seed's draws stay the
// same whatever the family.)
inline void spread_edits(Case& c) {
    const std::size_t n = c.f.size();
    std::size_t at = c.pick(3, 20);
    for (std::size_t k = c.edits.empty() ? c.pick(1, 3) : 0; k > 0 && at + 8 < n; --k) {
        Edit e;
        e.start = at;
        const std::size_t kind = c.pick(0, 2); // replace, delete, insert
        e.old_count = kind == 2 ? 0 : c.pick(1, 3);
        for (std::size_t j = kind == 1 ? 0 : c.pick(1, 3); j > 0; --j) {
            e.lines.push_back(fmt::format("\tnew_{}(y);\n", c.pick(0, 99999)));
        }
        c.edits.push_back(e);
        at += e.old_count + c.pick(8, 40);
    }
}

// moved: lines inserted, deleted or changed away from every edit.
inline void target_moved(Case& c) {
    for (std::size_t k = c.pick(1, 6); k > 0; --k) {
        const std::size_t p = c.pick(0, c.t.size() - 1);
        if (c.origin[p] >= 0 && c.near_edit(static_cast<std::size_t>(c.origin[p]))) {
            continue;
        }
        if (p > 0 && c.origin[p - 1] >= 0 &&
            c.near_edit(static_cast<std::size_t>(c.origin[p - 1]))) {
            continue;
        }
        switch (c.pick(0, 2)) {
        case 0:
            c.t.insert(c.t.begin() + static_cast<long>(p), c.line());
            c.origin.insert(c.origin.begin() + static_cast<long>(p), -1);
            break;
        case 1:
            c.t.erase(c.t.begin() + static_cast<long>(p));
            c.origin.erase(c.origin.begin() + static_cast<long>(p));
            break;
        default:
            c.t[p].insert(c.t[p].size() - 1, " /* changed */");
            c.origin[p] = -1;
            break;
        }
    }
}

// copied: a block around one edit copied verbatim away from all of them.
inline void target_copied(Case& c) {
    const std::size_t n = c.f.size();
    const auto& e = c.edits[c.pick(0, c.edits.size() - 1)];
    const std::size_t lo = e.start >= 4 ? e.start - 4 : 0;
    const std::size_t hi = std::min(n, e.start + e.old_count + 4);
    const Lines block(c.f.begin() + static_cast<long>(lo), c.f.begin() + static_cast<long>(hi));
    // Before the first edit or after the last, away from all of them.
    const bool before = c.pick(0, 1) == 0 && c.edits.front().start > 12;
    const std::size_t p = before ? c.pick(0, c.edits.front().start - 10) : n;
    c.t.insert(c.t.begin() + static_cast<long>(p), block.begin(), block.end());
    c.origin.insert(c.origin.begin() + static_cast<long>(p), block.size(), -1);
}

// wrong-function: the context before the edit changed, and a twin of the
// hunk's old text in the first function.
inline void target_wrong_function(Case& c) {
    const auto& e = c.edits[0];
    const std::size_t s = e.start;
    Lines twin(c.f.begin() + static_cast<long>(s - 3),
               c.f.begin() + static_cast<long>(s + e.old_count + 3));
    twin[0].insert(twin[0].size() - 1, " /* twin */");
    for (const std::size_t r : {s - 2, s - 1}) {
        c.t[r].insert(c.t[r].size() - 1, " /* target */");
        c.origin[r] = -1;
    }
    const auto [first, end] = c.bodies[0];
    const std::size_t p = c.pick(first + 1, end - 1);
    c.t.insert(c.t.begin() + static_cast<long>(p), twin.begin(), twin.end());
    c.origin.insert(c.origin.begin() + static_cast<long>(p), twin.size(), -1);
}

// applied-different-context: T is F' with lines beside the edit changed;
// its origin is not used (the right result is T itself).
inline void target_applied_elsewhere(Case& c, const Lines& fp) {
    const auto& e = c.edits[0];
    c.t = fp;
    c.origin.assign(c.t.size(), -1);
    const std::size_t k = e.lines.size();
    const std::size_t beside[4] = {e.start - 1, e.start - 2, e.start + k, e.start + k + 1};
    for (std::size_t j = c.pick(1, 2); j > 0; --j) {
        const std::size_t r = beside[c.pick(0, 3)];
        if (c.t[r].find("/* target */") == std::string::npos) {
            c.t[r].insert(c.t[r].size() - 1, " /* target */");
        }
    }
}

// vendor-branch: an #ifdef CONFIG_RHEL_DIFFERENCES block in the edit's slot.
inline void target_vendor_branch(Case& c) {
    const Lines vendor{"#ifdef CONFIG_RHEL_DIFFERENCES\n",
                       fmt::format("\tif (rhel_legacy_{}(x))\n", c.pick(0, 99999)),
                       "\t\treturn rhel_legacy_path(x);\n", "#endif\n"};
    const std::size_t s = c.edits[0].start;
    c.t.insert(c.t.begin() + static_cast<long>(s), vendor.begin(), vendor.end());
    c.origin.insert(c.origin.begin() + static_cast<long>(s), vendor.size(), -1);
}

// other-slot: the line before the slot moves up, or the one after it down.
// The four lines around the slot must differ, or the slot's neighbours can
// still meet after the swap: then T stays F and this returns false (the
// case is a moved one whose edit applies exactly).
inline bool target_other_slot(Case& c) {
    const std::size_t s = c.edits[0].start;
    Lines four(c.t.begin() + static_cast<long>(s - 2), c.t.begin() + static_cast<long>(s + 2));
    std::sort(four.begin(), four.end());
    if (std::adjacent_find(four.begin(), four.end()) != four.end()) {
        return false;
    }
    const std::size_t a = c.pick(0, 1) == 0 ? s - 2 : s;
    std::swap(c.t[a], c.t[a + 1]);
    std::swap(c.origin[a], c.origin[a + 1]);
    return true;
}

// edges: T lacks the SPDX line, an outer context line of the last function
// changed, a function follows it, or a line added at the top.
inline void target_edges(Case& c, Edge edge) {
    if (edge == Edge::Start) { // T lacks the SPDX line
        c.t.erase(c.t.begin());
        c.origin.erase(c.origin.begin());
    } else if (edge == Edge::End && c.pick(0, 1) == 0) { // an outer context line changed
        const std::size_t r = c.edits[0].start - 3;
        c.t[r].insert(c.t[r].size() - 1, " /* target */");
        c.origin[r] = -1;
    } else if (edge == Edge::End) { // the target has a function after it
        const Lines more{"\n", "static int rhel_extra(struct x *x)\n", "{\n", "\treturn 0;\n",
                         "}\n"};
        c.t.insert(c.t.end(), more.begin(), more.end());
        c.origin.insert(c.origin.end(), more.size(), -1);
    } else { // a line added at the top: both copies moved
        c.t.insert(c.t.begin(), "#include <linux/rhel.h>\n");
        c.origin.insert(c.origin.begin(), -1);
    }
}

// removal-only: the first context line changed, and the hunk's new text
// (only context) as a twin far away at the end of T.
inline void target_removal_only(Case& c) {
    const auto& e = c.edits[0];
    const std::size_t s = e.start;
    Lines post(c.f.begin() + static_cast<long>(s - 3), c.f.begin() + static_cast<long>(s));
    post.insert(post.end(), c.f.begin() + static_cast<long>(s + e.old_count),
                c.f.begin() + static_cast<long>(s + e.old_count + 3));
    c.t[s - 3].insert(c.t[s - 3].size() - 1, " /* target */");
    c.origin[s - 3] = -1;
    // Further than any window of "where the hunk belongs".
    for (std::size_t k = 0; k < 120; ++k) {
        c.t.push_back(c.line());
        c.origin.push_back(-1);
    }
    c.t.insert(c.t.end(), post.begin(), post.end());
    c.origin.insert(c.origin.end(), post.size(), -1);
}

// T: F perturbed as the family says. Returns the family the case ends up
// in (clashing without a removed line and other-slot without distinct
// neighbours are moved cases).
inline Family make_target(Case& c, Family family, Edge edge, const Lines& fp) {
    c.t = c.f;
    for (std::size_t i = 0; i < c.f.size(); ++i) {
        c.origin.push_back(static_cast<long>(i));
    }
    std::vector<std::size_t> removed_lines;
    for (const auto& e : c.edits) {
        for (std::size_t j = 0; j < e.old_count; ++j) {
            removed_lines.push_back(e.start + j);
        }
    }
    if (family == Family::Clashing && removed_lines.empty()) {
        family = Family::Moved;
    }
    switch (family) {
    case Family::Moved:
        target_moved(c);
        break;
    case Family::Copied:
        target_copied(c);
        break;
    case Family::Clashing: {
        const std::size_t r = removed_lines[c.pick(0, removed_lines.size() - 1)];
        c.t[r].insert(c.t[r].size() - 1, " /* target */");
        c.origin[r] = -1;
        break;
    }
    case Family::WrongFunction:
        target_wrong_function(c);
        break;
    case Family::AppliedElsewhere:
        target_applied_elsewhere(c, fp);
        break;
    case Family::VendorBranch:
        target_vendor_branch(c);
        break;
    case Family::OtherSlot:
        if (!target_other_slot(c)) {
            family = Family::Moved;
        }
        break;
    case Family::Edges:
        target_edges(c, edge);
        break;
    case Family::RemovalOnly:
        target_removal_only(c);
        break;
    }
    return family;
}

} // namespace kseries::test::rebase_property
