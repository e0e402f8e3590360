#include <algorithm>
#include <utility>

#include <kseries/patch/line_index.hpp>

#include <kseries/patch/apply.hpp>
#include <kseries/util/text.hpp>

// The control flow below mirrors GNU patch 2.7.6 (src/patch.c: main loop,
// locate_hunk, patch_match, apply_hunk, copy_till) so that every decision,
// including its quirks, comes out the same. Line numbers are 1-based and
// signed, as in patch. Comments name the patch function each part mirrors.

namespace kseries::patch {

namespace {

struct PatternLine {
    char ch = ' '; // ' ', '-' or '+'
    std::string_view text;
};

// One hunk as patch sees it after reading it (pch.c another_hunk).
struct GnuHunk {
    long first = 0;
    long newfirst = 0;
    long prefix_context = 0;
    long suffix_context = 0;
    std::vector<PatternLine> old_lines; // the pattern: ' ' and '-'
    std::vector<PatternLine> new_lines; // the replacement: ' ' and '+'

    [[nodiscard]] long ptrn_lines() const { return static_cast<long>(old_lines.size()); }
    [[nodiscard]] long repl_lines() const { return static_cast<long>(new_lines.size()); }
    [[nodiscard]] const PatternLine& old_line(long i) const {
        return old_lines[static_cast<std::size_t>(i - 1)];
    }

    // pch_swap: the new text becomes the pattern. Context counts stay.
    void swap() {
        std::swap(first, newfirst);
        std::swap(old_lines, new_lines);
        for (auto& l : old_lines) {
            l.ch = l.ch == '+' ? '-' : l.ch;
        }
        for (auto& l : new_lines) {
            l.ch = l.ch == '-' ? '+' : l.ch;
        }
    }
};

GnuHunk to_gnu(const Hunk& hunk) {
    GnuHunk g;
    g.first = hunk.old_start + (hunk.old_count == 0 ? 1 : 0); // append, not insert
    g.newfirst = hunk.new_start + (hunk.new_count == 0 ? 1 : 0);
    g.prefix_context = hunk.prefix_context();
    g.suffix_context = hunk.suffix_context();
    g.old_lines.reserve(hunk.lines.size());
    g.new_lines.reserve(hunk.lines.size());
    for (const auto& l : hunk.lines) {
        if (l.on_old_side()) {
            g.old_lines.push_back({l.kind == LineKind::Context ? ' ' : '-', l.old_text()});
        }
        if (l.on_new_side()) {
            g.new_lines.push_back({l.kind == LineKind::Context ? ' ' : '+', l.new_text()});
        }
    }
    return g;
}

// Offsets locate() tries one by one before it looks the hunk up in the
// index: hunks near their line never pay for building it.
constexpr long linear_offsets = 32;

class FileApplier {
public:
    FileApplier(const LineIndex& input, const ApplyOptions& options)
        : m_in(input), m_options(options) {}

    void run(std::vector<GnuHunk>& hunks, FileResult& result);
    [[nodiscard]] bool zero_output() const { return m_zero_output; }
    std::string take_output() { return std::move(m_out); }

private:
    long locate(const GnuHunk& h, long fuzz);
    [[nodiscard]] bool match(const GnuHunk& h, long base, long offset, long prefix_fuzz,
                             long suffix_fuzz) const;
    bool copy_till(long lastline);
    bool apply(const GnuHunk& h, long where);
    void write_line(std::string_view line) {
        if (m_options.output) {
            m_out += line;
        }
        m_after_newline = line.ends_with('\n');
    }

    [[nodiscard]] long search(const GnuHunk& h, long first_guess, long from_offset,
                              long max_pos_offset, long max_neg_offset, long prefix_fuzz,
                              long suffix_fuzz);

    const LineIndex& m_in;
    const ApplyOptions& m_options;
    long m_in_offset = 0;
    long m_out_offset = 0;
    long m_last_frozen_line = 0;
    std::string m_out;
    bool m_after_newline = true;
    bool m_zero_output = true;
};

// patch.c patch_match: do the pattern's lines (less the fuzzed ones) equal
// the input at base + offset?
bool FileApplier::match(const GnuHunk& h, long base, long offset, long prefix_fuzz,
                        long suffix_fuzz) const {
    const long pat_lines = h.ptrn_lines() - suffix_fuzz;
    long iline = base + offset + prefix_fuzz;
    for (long pline = 1 + prefix_fuzz; pline <= pat_lines; ++pline, ++iline) {
        if (m_in.line(iline) != h.old_line(pline).text) {
            return false;
        }
    }
    return true;
}

// patch.c locate_hunk: search from the stated line (shifted by the offset so
// far) outward, never before the last line an earlier hunk changed.
long FileApplier::locate(const GnuHunk& h, long fuzz) {
    const long first_guess = h.first + m_in_offset;
    const long pat_lines = h.ptrn_lines();
    const long context = std::max(h.prefix_context, h.suffix_context);
    long prefix_fuzz = fuzz + h.prefix_context - context;
    const long suffix_fuzz = fuzz + h.suffix_context - context;
    const long input_lines = m_in.count();
    const long max_where = input_lines - (pat_lines - suffix_fuzz) + 1;
    const long min_where = m_last_frozen_line + 1;
    const long max_pos_offset = max_where - first_guess;
    long max_neg_offset = first_guess - min_where;
    const long max_offset = std::max(max_pos_offset, max_neg_offset);

    if (pat_lines == 0) { // a null range matches always
        return first_guess;
    }
    if (first_guess <= max_neg_offset) { // do not try lines <= 0
        max_neg_offset = first_guess - 1;
    }

    if (prefix_fuzz < 0 && h.first <= 1) {
        // Can only match the start of the file.
        if (suffix_fuzz < 0) {
            // Can only match the entire file.
            if (pat_lines != input_lines || h.prefix_context < m_last_frozen_line) {
                return 0;
            }
        }
        const long offset = 1 - first_guess;
        if (m_last_frozen_line <= h.prefix_context && offset <= max_pos_offset &&
            match(h, first_guess, offset, 0, suffix_fuzz)) {
            m_in_offset += offset;
            return first_guess + offset;
        }
        return 0;
    }
    if (prefix_fuzz < 0) {
        prefix_fuzz = 0;
    }

    if (suffix_fuzz < 0) {
        // Can only match the end of the file.
        const long offset = first_guess - (input_lines - pat_lines + 1);
        if (offset <= max_neg_offset && match(h, first_guess, -offset, prefix_fuzz, 0)) {
            m_in_offset -= offset;
            return first_guess - offset;
        }
        return 0;
    }

    // patch 2.7.6 starts here; when the stated line is outside the allowed
    // range the first offsets tried are the nearest allowed ones, and the
    // formula for a guess before min_where also probes lines below it. Those
    // hunks then fail as "misordered" in apply(), as they do in patch.
    const long min_offset = max_pos_offset < 0   ? first_guess - max_where
                            : max_neg_offset < 0 ? first_guess - min_where
                                                 : 0;
    // The nearest offsets are tried one by one, as patch does; a hunk not
    // found near its line is looked up in the file's index (search()), which
    // tries the same positions in the same order but skips those where a
    // line of the pattern cannot match.
    const long scan_end = std::min(max_offset, min_offset + linear_offsets - 1);
    for (long offset = min_offset; offset <= scan_end; ++offset) {
        if (offset <= max_pos_offset && match(h, first_guess, offset, prefix_fuzz, suffix_fuzz)) {
            m_in_offset += offset;
            return first_guess + offset;
        }
        if (offset <= max_neg_offset && match(h, first_guess, -offset, prefix_fuzz, suffix_fuzz)) {
            m_in_offset -= offset;
            return first_guess - offset;
        }
    }
    if (scan_end >= max_offset) {
        return 0;
    }
    return search(h, first_guess, scan_end + 1, std::min(max_offset, max_pos_offset),
                  std::min(max_offset, max_neg_offset), prefix_fuzz, suffix_fuzz);
}

// The rest of locate()'s loop, offsets from `from_offset` on: a position
// can only match where the input holds the pattern's rarest compared line,
// so only those positions are tried, nearest first, "+" before "-" at equal
// offsets, as the loop would.
long FileApplier::search(const GnuHunk& h, long first_guess, long from_offset, long max_pos_offset,
                         long max_neg_offset, long prefix_fuzz, long suffix_fuzz) {
    const long last = h.ptrn_lines() - suffix_fuzz;
    long key = 0;
    std::span<const long> lines;
    for (long pline = 1 + prefix_fuzz; pline <= last; ++pline) {
        const std::string_view text = h.old_line(pline).text;
        if (text.empty()) {
            continue; // matches outside the file too: not a key
        }
        const auto found = m_in.positions(text);
        if (key == 0 || found.size() < lines.size()) {
            key = pline;
            lines = found;
        }
    }
    if (key == 0) { // nothing to look up: try every offset
        for (long offset = from_offset; offset <= std::max(max_pos_offset, max_neg_offset);
             ++offset) {
            if (offset <= max_pos_offset &&
                match(h, first_guess, offset, prefix_fuzz, suffix_fuzz)) {
                m_in_offset += offset;
                return first_guess + offset;
            }
            if (offset <= max_neg_offset &&
                match(h, first_guess, -offset, prefix_fuzz, suffix_fuzz)) {
                m_in_offset -= offset;
                return first_guess - offset;
            }
        }
        return 0;
    }
    // Position p holds the key line at input line p + key - 1.
    const long shift = key - 1;
    auto up = std::lower_bound(lines.begin(), lines.end(), first_guess + from_offset + shift);
    auto down = std::upper_bound(lines.begin(), lines.end(), first_guess - from_offset + shift);
    for (;;) {
        const bool has_up = up != lines.end() && *up - shift - first_guess <= max_pos_offset;
        const bool has_down = down != lines.begin() &&
                              first_guess - (*std::prev(down) - shift) <= max_neg_offset;
        if (!has_up && !has_down) {
            return 0;
        }
        const long up_offset = has_up ? *up - shift - first_guess : 0;
        const long down_offset = has_down ? first_guess - (*std::prev(down) - shift) : 0;
        if (has_up && (!has_down || up_offset <= down_offset)) {
            ++up;
            if (match(h, first_guess, up_offset, prefix_fuzz, suffix_fuzz)) {
                m_in_offset += up_offset;
                return first_guess + up_offset;
            }
        } else {
            --down;
            if (match(h, first_guess, -down_offset, prefix_fuzz, suffix_fuzz)) {
                m_in_offset -= down_offset;
                return first_guess - down_offset;
            }
        }
    }
}

// patch.c copy_till: copy input lines up to `lastline` to the output.
bool FileApplier::copy_till(long lastline) {
    if (m_last_frozen_line > lastline) {
        return false; // "misordered hunks! output would be garbled"
    }
    if (!m_options.output) {
        // Only what later steps ask of the output: whether anything was
        // written, and whether it ends a line. Every line of the file is
        // non-empty; none past its end is copied.
        const long last = std::min(lastline, m_in.count());
        if (last > m_last_frozen_line) {
            m_zero_output = false;
            m_after_newline = m_in.line(last).ends_with('\n');
        }
        m_last_frozen_line = lastline;
        return true;
    }
    while (m_last_frozen_line < lastline) {
        const std::string_view s = m_in.line(++m_last_frozen_line);
        if (!s.empty()) {
            if (!m_after_newline) {
                m_out += '\n';
            }
            write_line(s);
            m_zero_output = false;
        }
    }
    return true;
}

// patch.c apply_hunk (unified hunks, no #ifdef output).
bool FileApplier::apply(const GnuHunk& h, long where) {
    const long lastline = h.ptrn_lines();
    std::size_t next_new = 0;
    long old = 1;
    --where;
    while (old <= lastline) {
        if (h.old_line(old).ch == '-') {
            if (!copy_till(where + old - 1)) {
                return false;
            }
            ++m_last_frozen_line;
            ++old;
        } else if (next_new >= h.new_lines.size()) {
            break;
        } else if (h.new_lines[next_new].ch == '+') {
            if (!copy_till(where + old - 1)) {
                return false;
            }
            write_line(h.new_lines[next_new].text);
            m_zero_output = false;
            ++next_new;
        } else {
            ++old;
            ++next_new;
        }
    }
    if (next_new < h.new_lines.size() && h.new_lines[next_new].ch == '+') {
        if (!copy_till(where + old - 1)) {
            return false;
        }
        do {
            if (!m_after_newline && m_options.output) {
                m_out += '\n';
            }
            write_line(h.new_lines[next_new].text);
            m_zero_output = false;
            ++next_new;
        } while (next_new < h.new_lines.size() && h.new_lines[next_new].ch == '+');
    }
    m_out_offset += h.repl_lines() - h.ptrn_lines();
    return true;
}

// patch.c main: the per-hunk loop of one file.
void FileApplier::run(std::vector<GnuHunk>& hunks, FileResult& result) {
    bool skip_rest = false;
    bool apply_anyway = false;
    long hunk_number = 0;
    for (auto& h : hunks) {
        ++hunk_number;
        const long context = std::max(h.prefix_context, h.suffix_context);
        const long max_fuzz = std::min(m_options.max_fuzz, context);
        long where = 0;
        long fuzz = 0;
        if (!skip_rest) {
            do {
                where = locate(h, fuzz);
                if (hunk_number == 1 && where == 0 && !apply_anyway) {
                    // Does the first hunk apply reversed? Without a terminal
                    // patch answers "Assume -R? [n]" and "Apply anyway? [n]"
                    // with no and skips the file; so do we.
                    h.swap();
                    where = locate(h, fuzz);
                    h.swap();
                    if (where != 0) {
                        skip_rest = true;
                        result.status = FileStatus::Reversed;
                        result.reversed_fuzz = fuzz;
                        apply_anyway = true;
                        --fuzz;
                        where = 0;
                    }
                }
            } while (!skip_rest && where == 0 && ++fuzz <= max_fuzz);
        }

        HunkResult r;
        r.line = (where != 0 ? where : h.first) + m_out_offset;
        r.where = where;
        r.offset = m_in_offset;
        if (skip_rest) {
            r.status = HunkStatus::Ignored;
            r.line = h.first + m_out_offset;
            r.where = 0;
        } else if (where == 0 || !apply(h, where)) {
            r.status = HunkStatus::Failed;
            if (result.status == FileStatus::Applied) {
                result.status = FileStatus::Failed;
            }
        } else {
            r.status = HunkStatus::Applied;
            r.fuzz = fuzz;
        }
        result.hunks.push_back(r);
    }
    if (!skip_rest && m_last_frozen_line < m_in.count()) {
        copy_till(m_in.count()); // spew_output
    }
}

} // namespace

FileResult apply_file(const FilePatch& file, std::optional<std::string_view> input,
                      const ApplyOptions& options) {
    const LineIndex index(input.value_or(std::string_view{}));
    return apply_file(file, input, options, index);
}

FileResult apply_file(const FilePatch& file, std::optional<std::string_view> input,
                      const ApplyOptions& options, const LineIndex& in) {
    FileResult result;
    const bool creates = options.reverse ? file.deletes() : file.creates();
    const bool deletes = options.reverse ? file.creates() : file.deletes();

    auto skip_all = [&](FileStatus status) {
        result.status = status;
        for (const auto& hunk : file.hunks) {
            HunkResult r;
            r.status = HunkStatus::Ignored;
            r.line = options.reverse ? hunk.new_start : hunk.old_start;
            result.hunks.push_back(r);
        }
        if (options.output) {
            result.content = std::string(input.value_or(std::string_view{}));
        }
        return result;
    };

    // pch.c intuit_diff_type / maybe_reverse: decisions made before any hunk.
    if (!input && !creates) {
        return skip_all(deletes ? FileStatus::Reversed : FileStatus::Missing);
    }
    if (input && creates && !input->empty()) {
        return skip_all(FileStatus::AlreadyExists);
    }

    std::vector<GnuHunk> hunks;
    hunks.reserve(file.hunks.size());
    for (const auto& hunk : file.hunks) {
        hunks.push_back(to_gnu(hunk));
        if (options.reverse) {
            hunks.back().swap();
        }
    }

    const std::string_view data = input.value_or(std::string_view{});
    FileApplier applier(in, options);
    applier.run(hunks, result);
    if (result.status == FileStatus::Reversed) {
        if (options.output) {
            result.content = std::string(data);
        }
        return result;
    }
    const bool zero_output = applier.zero_output();
    result.content = applier.take_output();
    if (deletes) {
        if (zero_output) {
            result.removed = true;
        } else if (result.status == FileStatus::Applied) {
            result.status = FileStatus::NotDeleted;
        }
    }
    return result;
}

} // namespace kseries::patch
