#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include <kseries/patch/git_apply.hpp>

namespace kseries::patch {

namespace {

// A line of the file being patched, viewed where it lives: in the input,
// or in a hunk of the patch (both outlive the apply).
struct ImageLine {
    std::string_view text;
    long orig = -1; // its index in the input (0-based); -1: written by a hunk (LINE_PATCHED)

    [[nodiscard]] bool patched() const { return orig < 0; }
};

// The image git apply edits in place (update_image). A gap buffer: hunks
// are replaced where they are found, and as they mostly come in file order
// each replacement moves only the lines between it and the previous one,
// instead of every line after it (which made a patch of many hunks cost
// hunks x lines). It also records each replacement by input line, so an
// input line's place in the image is found without walking the image.
class Image {
public:
    explicit Image(std::span<const std::string_view> lines) {
        m_buf.reserve(lines.size() + 64);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            m_buf.push_back({lines[i], static_cast<long>(i)});
        }
        m_gap_start = m_buf.size();
        m_gap_end = m_buf.size();
        m_input = static_cast<long>(lines.size());
    }

    [[nodiscard]] long size() const {
        return static_cast<long>(m_buf.size() - (m_gap_end - m_gap_start));
    }

    [[nodiscard]] const ImageLine& operator[](long i) const {
        const auto u = static_cast<std::size_t>(i);
        return u < m_gap_start ? m_buf[u] : m_buf[u + (m_gap_end - m_gap_start)];
    }

    // Replaces `count` input lines at `at` (none of them patched) with
    // `post`, marked as patched.
    void replace(long at, long count, const std::vector<std::string_view>& post) {
        if (count > 0) {
            record({(*this)[at].orig, count, static_cast<long>(post.size()) - count});
        } else {
            // An insertion: it lands before the first input line at or after `at`.
            long before = m_input;
            for (long i = at; i < size(); ++i) {
                if (!(*this)[i].patched()) {
                    before = (*this)[i].orig;
                    break;
                }
            }
            record({before, 0, static_cast<long>(post.size())});
        }
        move_gap(static_cast<std::size_t>(at));
        m_gap_end += static_cast<std::size_t>(count);
        if (m_gap_end - m_gap_start < post.size()) {
            grow(post.size());
        }
        for (const auto line : post) {
            m_buf[m_gap_start++] = {line, -1};
        }
    }

    // Where input line `orig` (0-based) is in the image; -1 when a hunk
    // replaced it.
    [[nodiscard]] long place_of(long orig) const {
        // The first edit that starts after `orig`, or at it with lines removed
        // (an insertion at `orig` goes before it).
        const auto it = std::partition_point(m_edits.begin(), m_edits.end(), [&](const Edit& e) {
            return e.start < orig || (e.start == orig && e.removed == 0);
        });
        const auto n = static_cast<std::size_t>(it - m_edits.begin());
        if (n > 0) {
            const Edit& prev = m_edits[n - 1];
            if (orig < prev.start + prev.removed) {
                return -1;
            }
        }
        return orig + (n > 0 ? m_shift[n - 1] : 0);
    }

    [[nodiscard]] std::size_t bytes() const {
        std::size_t bytes = 0;
        const long n = size();
        for (long i = 0; i < n; ++i) {
            bytes += (*this)[i].text.size();
        }
        return bytes;
    }

    [[nodiscard]] std::string text() const {
        const long n = size();
        std::string out;
        out.reserve(bytes());
        for (long i = 0; i < n; ++i) {
            out += (*this)[i].text;
        }
        return out;
    }

private:
    struct Edit {
        long start = 0;   // first input line replaced (or the one an insertion precedes)
        long removed = 0; // input lines replaced
        long delta = 0;   // lines added less lines removed
    };

    // Keeps the edits in input order with the running sum of their deltas.
    void record(const Edit& e) {
        const auto it = std::partition_point(m_edits.begin(), m_edits.end(), [&](const Edit& x) {
            return x.start < e.start || (x.start == e.start && x.removed == 0);
        });
        const auto n = static_cast<std::size_t>(it - m_edits.begin());
        m_edits.insert(it, e);
        m_shift.resize(m_edits.size());
        for (std::size_t i = n; i < m_edits.size(); ++i) {
            m_shift[i] = (i > 0 ? m_shift[i - 1] : 0) + m_edits[i].delta;
        }
    }

    void move_gap(std::size_t at) {
        const std::size_t gap = m_gap_end - m_gap_start;
        if (at < m_gap_start) {
            std::move_backward(m_buf.begin() + static_cast<long>(at),
                               m_buf.begin() + static_cast<long>(m_gap_start),
                               m_buf.begin() + static_cast<long>(m_gap_end));
        } else if (at > m_gap_start) {
            std::move(m_buf.begin() + static_cast<long>(m_gap_end),
                      m_buf.begin() + static_cast<long>(at + gap),
                      m_buf.begin() + static_cast<long>(m_gap_start));
        }
        m_gap_start = at;
        m_gap_end = at + gap;
    }

    // Widens the gap to at least `need` slots (doubling, so growth is amortised).
    void grow(std::size_t need) {
        const std::size_t tail = m_buf.size() - m_gap_end;
        const std::size_t extra = std::max(need, m_buf.size() + 64);
        m_buf.resize(m_buf.size() + extra);
        std::move_backward(m_buf.begin() + static_cast<long>(m_gap_end),
                           m_buf.begin() + static_cast<long>(m_gap_end + tail),
                           m_buf.end());
        m_gap_end = m_buf.size() - tail;
    }

    std::vector<ImageLine> m_buf;
    std::size_t m_gap_start = 0;
    std::size_t m_gap_end = 0;
    long m_input = 0;          // input lines
    std::vector<Edit> m_edits; // in input order
    std::vector<long> m_shift; // per edit: the sum of the deltas up to it
};

struct Fragment {
    std::vector<std::string_view> pre;  // context and '-' lines
    std::vector<std::string_view> post; // context and '+' lines
    long leading = 0;
    long trailing = 0;
    long oldpos = 0;
    long newpos = 0;
};

Fragment to_fragment(const Hunk& h) {
    Fragment f;
    for (const auto& l : h.lines) {
        if (l.on_old_side()) {
            f.pre.push_back(l.old_text());
        }
        if (l.on_new_side()) {
            f.post.push_back(l.new_text());
        }
    }
    f.leading = h.prefix_context();
    f.trailing = h.suffix_context();
    f.oldpos = h.old_start;
    f.newpos = h.new_start;
    return f;
}

// match_fragment without whitespace correction or --ignore-whitespace.
bool matches(const Image& img, const Fragment& f, long lno, bool match_beginning,
             bool match_end) {
    const long nr = img.size();
    const auto pre = static_cast<long>(f.pre.size());
    if (pre + lno > nr) {
        return false;
    }
    if (match_end && pre + lno != nr) {
        return false;
    }
    if (match_beginning && lno != 0) {
        return false;
    }
    for (long i = 0; i < pre; ++i) {
        const auto& line = img[lno + i];
        if (line.patched() || line.text != f.pre[static_cast<std::size_t>(i)]) {
            return false;
        }
    }
    return true;
}

// Distances find_pos tries one by one before it asks the index: a hunk
// near its line never pays for the lookup.
constexpr long linear_window = 64;

// find_pos: the stated line first, then one line further, one line back,
// two further, two back, ... until both ends are reached; the first
// position that matches. Past a short window the positions come from the
// index of the input instead of a walk over the whole image: a match holds
// the hunk's rarest line at an input line no hunk replaced, so those lines'
// places in the image are all the positions that can match, and a hunk
// whose rarest line is nowhere fails at once instead of after a walk over
// the file.
long find_pos(const Image& img, const Fragment& f, long line, bool match_beginning,
              bool match_end, const LineIndex& index) {
    const long nr = img.size();
    const auto pre = static_cast<long>(f.pre.size());
    if (match_beginning) {
        line = 0;
    } else if (match_end) {
        line = nr - pre;
    }
    if (line < 0 || line > nr) {
        line = nr; // git compares as unsigned: negative lines go to the end
    }
    if (match_beginning || match_end) {
        return matches(img, f, line, match_beginning, match_end) ? line : -1;
    }
    for (long d = 0; d <= linear_window; ++d) {
        if (line + d <= nr && matches(img, f, line + d, false, false)) {
            return line + d;
        }
        if (d > 0 && line - d >= 0 && matches(img, f, line - d, false, false)) {
            return line - d;
        }
        if (line + d >= nr && line - d <= 0) {
            return -1;
        }
    }
    if (pre == 0) {
        return -1; // it matches anywhere, so it matched at `line`
    }
    std::size_t anchor = 0;
    std::span<const long> anchored = index.positions(f.pre[0]);
    for (std::size_t i = 1; i < f.pre.size() && !anchored.empty(); ++i) {
        const auto at = index.positions(f.pre[i]);
        if (at.size() < anchored.size()) {
            anchor = i;
            anchored = at;
        }
    }
    // git's order: the nearer first, and at the same distance the further one.
    std::vector<std::pair<long, long>> order; // (rank, position)
    for (const long input_line : anchored) {
        const long place = img.place_of(input_line - 1);
        const long lno = place - static_cast<long>(anchor);
        if (place < 0 || lno < 0) {
            continue;
        }
        const long d = lno > line ? lno - line : line - lno;
        if (d > linear_window) {
            order.emplace_back(lno > line ? 2 * d - 1 : 2 * d, lno);
        }
    }
    std::sort(order.begin(), order.end());
    for (const auto& [rank, lno] : order) {
        if (matches(img, f, lno, false, false)) {
            return lno;
        }
    }
    return -1;
}

} // namespace

FileResult git_apply_file(const FilePatch& file, std::optional<std::string_view> input) {
    const LineIndex index(input.value_or(std::string_view{}));
    return git_apply_file(file, input, index);
}

FileResult git_apply_file(const FilePatch& file, std::optional<std::string_view> input,
                          const LineIndex& index, bool output) {
    FileResult result;
    auto all_failed = [&](FileStatus status) {
        result.status = status;
        for (const auto& h : file.hunks) {
            HunkResult r;
            r.status = HunkStatus::Failed;
            r.line = h.new_start;
            result.hunks.push_back(r);
        }
        if (output) {
            result.content = std::string(input.value_or(std::string_view{}));
        }
        return result;
    };

    // git refuses what its own parser would: a context line whose ' ' was
    // replaced by a tab is a corrupt patch to git, not to GNU patch.
    for (const auto& h : file.hunks) {
        for (const auto& l : h.lines) {
            if (!l.raw.empty() && l.raw.front() == '\t') {
                return all_failed(FileStatus::Failed);
            }
        }
    }
    if (!input && !file.creates()) {
        return all_failed(FileStatus::Missing);
    }
    if (input && file.creates()) {
        return all_failed(FileStatus::AlreadyExists);
    }

    Image img(index.lines());
    for (const auto& h : file.hunks) {
        const Fragment f = to_fragment(h);
        const bool match_beginning = f.oldpos == 0 || f.oldpos == 1;
        const bool match_end = f.trailing == 0;
        const long pos = f.newpos != 0 ? f.newpos - 1 : 0;
        const long at = find_pos(img, f, pos, match_beginning, match_end, index);
        HunkResult r;
        if (at < 0) {
            r.status = HunkStatus::Failed;
            r.line = h.new_start;
            result.status = FileStatus::Failed;
        } else {
            r.status = HunkStatus::Applied;
            r.line = at + 1;
            r.where = at + 1;
            r.offset = at - pos;
            img.replace(at, static_cast<long>(f.pre.size()), f.post);
        }
        result.hunks.push_back(r);
    }
    if (output) {
        result.content = img.text();
    }
    if (file.deletes()) {
        if (img.bytes() == 0) {
            result.removed = true;
        } else if (result.status == FileStatus::Applied) {
            result.status = FileStatus::NotDeleted;
        }
    }
    return result;
}

} // namespace kseries::patch
