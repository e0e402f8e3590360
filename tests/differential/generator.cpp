#include "generator.hpp"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include <fmt/format.h>

#include <kseries/proc/run.hpp>
#include <kseries/util/text.hpp>

#include "temp_dir.hpp"

namespace kseries::difftest {

namespace {

using Lines = std::vector<std::string>;
using Rng = std::mt19937_64;

Lines to_lines(std::string_view data) {
    Lines out;
    for (const auto line : text::split_lines(data)) {
        out.emplace_back(line);
    }
    return out;
}

std::string join(const Lines& lines) {
    std::string out;
    for (const auto& l : lines) {
        out += l;
    }
    return out;
}

std::size_t pick(Rng& rng, std::size_t lo, std::size_t hi) { // inclusive
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
}

bool chance(Rng& rng, double p) {
    return std::bernoulli_distribution(p)(rng);
}

// A line that occurs nowhere in the kernel sources.
std::string fresh_line(Rng& rng) {
    static const char* const shapes[] = {
        "\tkseries_edit_{}();\n",
        "\tif (err == -{})\n",
        "\t\treturn {};\n",
        "/* edit {} */\n",
        "\n",
        "\t}}\n",
        "\terr = {};\n",
    };
    const auto* shape = shapes[pick(rng, 0, std::size(shapes) - 1)];
    return fmt::format(fmt::runtime(shape), pick(rng, 0, 99999));
}

struct Edit {
    std::size_t pos = 0; // first line replaced
    std::size_t del = 0; // lines deleted
    Lines insert;
};

// Applies edits (sorted by position, non-overlapping) to `lines`.
Lines apply_edits(const Lines& lines, const std::vector<Edit>& edits) {
    Lines out;
    std::size_t i = 0;
    for (const auto& e : edits) {
        while (i < e.pos && i < lines.size()) {
            out.push_back(lines[i++]);
        }
        out.insert(out.end(), e.insert.begin(), e.insert.end());
        i = std::min(lines.size(), i + e.del);
    }
    while (i < lines.size()) {
        out.push_back(lines[i++]);
    }
    return out;
}

std::vector<Edit> random_edits(Rng& rng, const Lines& lines) {
    std::vector<Edit> edits;
    const std::size_t n = lines.size();
    const std::size_t count = pick(rng, 1, 5);
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < count; ++i) {
        // Favour the ends of the file: hunks there have short context.
        std::size_t pos = chance(rng, 0.15)   ? pick(rng, 0, std::min<std::size_t>(n, 4))
                          : chance(rng, 0.15) ? n - std::min<std::size_t>(n, pick(rng, 0, 4))
                                              : pick(rng, 0, n);
        positions.push_back(pos);
    }
    std::sort(positions.begin(), positions.end());
    std::size_t next_free = 0;
    for (const auto pos0 : positions) {
        const std::size_t pos = std::max(pos0, next_free);
        if (pos > n) {
            break;
        }
        Edit e;
        e.pos = pos;
        const auto kind = pick(rng, 0, 2); // 0 delete, 1 insert, 2 replace
        if (kind != 1) {
            e.del = std::min(n - pos, pick(rng, 1, 3));
        }
        if (kind != 0 || e.del == 0) {
            const std::size_t ins = pick(rng, 1, 3);
            for (std::size_t k = 0; k < ins; ++k) {
                // Copies of existing lines make placement ambiguous.
                e.insert.push_back(chance(rng, 0.3) && n > 0 ? lines[pick(rng, 0, n - 1)]
                                                             : fresh_line(rng));
            }
        }
        next_free = pos + e.del + 1;
        edits.push_back(std::move(e));
    }
    return edits;
}

struct HunkSpan {
    std::size_t old_start = 0; // 0-based
    std::size_t old_count = 0;
};

std::vector<HunkSpan> hunk_spans(const std::string& patch) {
    std::vector<HunkSpan> spans;
    for (const auto line : text::split_lines(patch)) {
        if (!line.starts_with("@@ -")) {
            continue;
        }
        long start = 0;
        long count = 1;
        const std::string s(line);
        if (std::sscanf(s.c_str(), "@@ -%ld,%ld", &start, &count) < 1) {
            continue;
        }
        if (s.find(',') == std::string::npos || s.find(',') > s.find(' ', 4)) {
            count = 1;
        }
        spans.push_back(
            {static_cast<std::size_t>(std::max(0L, start - 1)), static_cast<std::size_t>(count)});
    }
    return spans;
}

// Some targets already carry some or all of the change.
void pre_apply(Rng& rng, Lines& target, const Lines& old_lines, const std::vector<Edit>& edits,
               std::vector<std::string>& notes) {
    std::vector<Edit> subset;
    for (const auto& e : edits) {
        if (chance(rng, 0.6)) {
            subset.push_back(e);
        }
    }
    target = apply_edits(old_lines, subset);
    notes.push_back(fmt::format("pre-applied {} of {} edits", subset.size(), edits.size()));
}

// Where a perturbation goes: most are aimed at a hunk (its context edges,
// just before or after it, or its middle), where placement is hardest.
std::size_t aim(Rng& rng, const std::vector<HunkSpan>& spans, std::size_t n) {
    std::size_t pos = pick(rng, 0, n);
    if (!spans.empty() && chance(rng, 0.7)) {
        const auto& s = spans[pick(rng, 0, spans.size() - 1)];
        const long delta = static_cast<long>(pick(rng, 0, 8)) - 4;
        const long base =
            static_cast<long>(chance(rng, 0.5) ? s.old_start : s.old_start + s.old_count);
        pos = static_cast<std::size_t>(std::clamp(base + delta, 0L, static_cast<long>(n)));
    }
    return pos;
}

// One random change of the target at `pos`, noted for the report.
void perturb_at(Rng& rng, Lines& target, const std::vector<HunkSpan>& spans, std::size_t pos,
                std::vector<std::string>& notes) {
    const std::size_t n = target.size();
    switch (pick(rng, 0, 6)) {
    case 0: { // insert lines
        const std::size_t m = pick(rng, 1, 12);
        Lines ins;
        for (std::size_t i = 0; i < m; ++i) {
            ins.push_back(fresh_line(rng));
        }
        target.insert(target.begin() + static_cast<long>(pos), ins.begin(), ins.end());
        notes.push_back(fmt::format("inserted {} lines at {}", m, pos + 1));
        break;
    }
    case 1: { // delete lines
        const std::size_t m = std::min(n - std::min(n, pos), pick(rng, 1, 10));
        target.erase(target.begin() + static_cast<long>(pos),
                     target.begin() + static_cast<long>(pos + m));
        notes.push_back(fmt::format("deleted {} lines at {}", m, pos + 1));
        break;
    }
    case 2:
    case 3: { // alter one line
        if (n == 0) {
            break;
        }
        const std::size_t at = std::min(pos, n - 1);
        target[at] = chance(rng, 0.3) ? "    " + target[at] : fresh_line(rng);
        notes.push_back(fmt::format("altered line {}", at + 1));
        break;
    }
    case 4: { // duplicate a region (ambiguous placement)
        if (n == 0) {
            break;
        }
        const std::size_t from =
            spans.empty() || chance(rng, 0.3)
                ? pick(rng, 0, n - 1)
                : std::min(n - 1, spans[pick(rng, 0, spans.size() - 1)].old_start);
        const std::size_t len = std::min(n - from, pick(rng, 3, 14));
        const Lines copy(target.begin() + static_cast<long>(from),
                         target.begin() + static_cast<long>(from + len));
        target.insert(target.begin() + static_cast<long>(pos), copy.begin(), copy.end());
        notes.push_back(fmt::format("copied lines {}..{} to {}", from + 1, from + len, pos + 1));
        break;
    }
    case 6: { // a long block, part copies of the file: placements far from the stated line
        const std::size_t m = pick(rng, 65, 300);
        Lines ins;
        for (std::size_t i = 0; i < m; ++i) {
            ins.push_back(n > 0 && chance(rng, 0.5) ? target[pick(rng, 0, n - 1)]
                                                    : fresh_line(rng));
        }
        target.insert(target.begin() + static_cast<long>(pos), ins.begin(), ins.end());
        notes.push_back(fmt::format("inserted a block of {} lines at {}", m, pos + 1));
        break;
    }
    default: { // swap two neighbouring lines
        if (n < 2) {
            break;
        }
        const std::size_t at = std::min(pos, n - 2);
        std::swap(target[at], target[at + 1]);
        notes.push_back(fmt::format("swapped lines {} and {}", at + 1, at + 2));
        break;
    }
    }
}

void perturb(Rng& rng, Lines& target, const Lines& old_lines, const std::vector<Edit>& edits,
             const std::string& patch, std::vector<std::string>& notes) {
    const auto spans = hunk_spans(patch);
    if (chance(rng, 0.12)) {
        pre_apply(rng, target, old_lines, edits, notes);
    }
    const std::size_t count = chance(rng, 0.2) ? 0 : pick(rng, 1, 4);
    for (std::size_t k = 0; k < count; ++k) {
        const std::size_t pos = aim(rng, spans, target.size());
        perturb_at(rng, target, spans, pos, notes);
    }
    if (!target.empty() && chance(rng, 0.04) && target.back().ends_with('\n')) {
        target.back().pop_back();
        notes.emplace_back("removed the final newline");
    }
}

// Hand-edited and carried-forward patches have stale line numbers and,
// sometimes, hunks out of order; diff never writes either.
std::string perturb_patch(Rng& rng, const std::string& patch, std::vector<std::string>& notes) {
    Lines lines = to_lines(patch);
    std::vector<std::size_t> headers;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].starts_with("@@ -")) {
            headers.push_back(i);
        }
    }
    if (headers.empty()) {
        return patch;
    }
    if (chance(rng, 0.12)) {
        const std::size_t h = pick(rng, 0, headers.size() - 1);
        long old_start = 0, old_count = 0, new_start = 0, new_count = 0;
        std::string& header = lines[headers[h]];
        if (std::sscanf(header.c_str(), "@@ -%ld,%ld +%ld,%ld", &old_start, &old_count, &new_start,
                        &new_count) == 4 &&
            old_start > 0 && new_start > 0) {
            const long reach = chance(rng, 0.3) ? 400 : 60;
            const long delta = static_cast<long>(pick(rng, 0, 2 * static_cast<std::size_t>(reach))) - reach;
            const long os = std::max(1L, old_start + delta);
            const long ns = std::max(1L, new_start + delta);
            const auto tail = header.find(" @@");
            header = fmt::format("@@ -{},{} +{},{}{}", os, old_count, ns, new_count,
                                 header.substr(tail));
            notes.push_back(fmt::format("moved hunk {} by {} lines in the patch", h + 1, delta));
        }
    }
    if (headers.size() >= 2 && chance(rng, 0.06)) {
        const std::size_t h = pick(rng, 0, headers.size() - 2);
        const auto a = static_cast<long>(headers[h]);
        const auto b = static_cast<long>(headers[h + 1]);
        const auto end = h + 2 < headers.size() ? static_cast<long>(headers[h + 2])
                                                : static_cast<long>(lines.size());
        Lines swapped(lines.begin(), lines.begin() + a);
        swapped.insert(swapped.end(), lines.begin() + b, lines.begin() + end);
        swapped.insert(swapped.end(), lines.begin() + a, lines.begin() + b);
        swapped.insert(swapped.end(), lines.begin() + end, lines.end());
        lines = std::move(swapped);
        notes.push_back(fmt::format("swapped hunks {} and {} in the patch", h + 1, h + 2));
    }
    return join(lines);
}

} // namespace

Generator::Generator(std::vector<std::pair<std::string, std::string>> corpus, std::uint64_t seed)
    : m_corpus(std::move(corpus)), m_seed(seed) {
    if (m_corpus.empty()) {
        throw std::runtime_error("differential corpus is empty");
    }
}

Case Generator::make(std::uint64_t index) const {
    std::seed_seq seq{static_cast<std::uint32_t>(m_seed), static_cast<std::uint32_t>(m_seed >> 32),
                      static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32)};
    Rng rng(seq);
    Case c;
    c.seed = m_seed;
    c.index = index;

    const auto& [path, content] = m_corpus[pick(rng, 0, m_corpus.size() - 1)];
    c.path = path;
    Lines lines = to_lines(content);
    if (lines.size() > 60 && chance(rng, 0.7)) {
        // A window of the file keeps cases small and puts hunks near its ends.
        const std::size_t len = pick(rng, 30, std::min<std::size_t>(lines.size(), 300));
        const std::size_t start = pick(rng, 0, lines.size() - len);
        lines = Lines(lines.begin() + static_cast<long>(start),
                      lines.begin() + static_cast<long>(start + len));
        c.notes.push_back(fmt::format("window {}..{} of {}", start + 1, start + len, path));
    }

    // Edits that copy lines can cancel out; draw again until something changes.
    std::vector<Edit> edits;
    Lines new_lines;
    do {
        edits = random_edits(rng, lines);
        new_lines = apply_edits(lines, edits);
    } while (new_lines == lines);
    // Mostly -U3 as kernel patches are; -U0 makes zero-length ranges.
    const std::size_t context_choice = pick(rng, 0, 19);
    const int context = context_choice < 12   ? 3
                        : context_choice < 15 ? 2
                        : context_choice < 17 ? 1
                        : context_choice < 19 ? 5
                                              : 0;

    const test::TempDir dir;
    dir.write("old", join(lines));
    dir.write("new", join(new_lines));
    auto diff = proc::run({{"diff", fmt::format("-U{}", context), "--label", "a/" + path, "--label",
                            "b/" + path, "old", "new"},
                           dir.path(),
                           {}});
    if (!diff || diff->exit_code != 1) {
        throw std::runtime_error("diff failed for case " + std::to_string(index));
    }
    c.patch = std::move(diff->out);
    c.notes.push_back(fmt::format("diff -U{} with {} edits", context, edits.size()));

    Lines target = lines;
    perturb(rng, target, lines, edits, c.patch, c.notes);
    c.patch = perturb_patch(rng, c.patch, c.notes);
    c.target = join(target);
    return c;
}

std::vector<std::pair<std::string, std::string>> load_corpus(const std::filesystem::path& root,
                                                             const std::string& subdir) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& entry : std::filesystem::directory_iterator(root / subdir)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".c" || ext == ".h")) {
            std::ifstream in(entry.path(), std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            out.emplace_back(subdir + "/" + entry.path().filename().string(), ss.str());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace kseries::difftest
