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
    bool patched = false; // LINE_PATCHED: written by an earlier hunk
};

// The image git apply edits in place (update_image). A gap buffer: hunks
// are replaced where they are found, and as they mostly come in file order
// each replacement moves only the lines between it and the previous one,
// instead of every line after it (which made a patch of many hunks cost
// hunks x lines).
class Image {
public:
    explicit Image(std::span<const std::string_view> lines) {
        m_buf.reserve(lines.size() + 64);
        for (const auto line : lines) {
            m_buf.push_back({line, false});
        }
        m_gap_start = m_buf.size();
        m_gap_end = m_buf.size();
    }

    [[nodiscard]] long size() const {
        return static_cast<long>(m_buf.size() - (m_gap_end - m_gap_start));
    }

    [[nodiscard]] const ImageLine& operator[](long i) const {
        const auto u = static_cast<std::size_t>(i);
        return u < m_gap_start ? m_buf[u] : m_buf[u + (m_gap_end - m_gap_start)];
    }

    // Replaces `count` lines at `at` with `post`, marked as patched.
    void replace(long at, long count, const std::vector<std::string_view>& post) {
        move_gap(static_cast<std::size_t>(at));
        m_gap_end += static_cast<std::size_t>(count);
        if (m_gap_end - m_gap_start < post.size()) {
            grow(post.size());
        }
        for (const auto line : post) {
            m_buf[m_gap_start++] = {line, true};
        }
    }

    [[nodiscard]] std::string text() const {
        std::size_t bytes = 0;
        const long n = size();
        for (long i = 0; i < n; ++i) {
            bytes += (*this)[i].text.size();
        }
        std::string out;
        out.reserve(bytes);
        for (long i = 0; i < n; ++i) {
            out += (*this)[i].text;
        }
        return out;
    }

private:
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
        if (line.patched || line.text != f.pre[static_cast<std::size_t>(i)]) {
            return false;
        }
    }
    return true;
}

// find_pos: the stated line first, then one line further, one line back,
// two further, two back, ... until both ends are reached.
long find_pos(const Image& img, const Fragment& f, long line, bool match_beginning,
              bool match_end) {
    const long nr = img.size();
    if (match_beginning) {
        line = 0;
    } else if (match_end) {
        line = nr - static_cast<long>(f.pre.size());
    }
    if (line < 0 || line > nr) {
        line = nr; // git compares as unsigned: negative lines go to the end
    }
    long backwards = line;
    long forwards = line;
    long current = line;
    for (long i = 0;; ++i) {
        if (matches(img, f, current, match_beginning, match_end)) {
            return current;
        }
        for (;;) {
            if (backwards == 0 && forwards == nr) {
                return -1;
            }
            if ((i & 1) != 0) {
                if (backwards == 0) {
                    ++i;
                    continue;
                }
                current = --backwards;
            } else {
                if (forwards == nr) {
                    ++i;
                    continue;
                }
                current = ++forwards;
            }
            break;
        }
    }
}

} // namespace

FileResult git_apply_file(const FilePatch& file, std::optional<std::string_view> input) {
    const LineIndex index(input.value_or(std::string_view{}));
    return git_apply_file(file, input, index);
}

FileResult git_apply_file(const FilePatch& file, std::optional<std::string_view> input,
                          const LineIndex& index) {
    FileResult result;
    auto all_failed = [&](FileStatus status) {
        result.status = status;
        for (const auto& h : file.hunks) {
            HunkResult r;
            r.status = HunkStatus::Failed;
            r.line = h.new_start;
            result.hunks.push_back(r);
        }
        result.content = std::string(input.value_or(std::string_view{}));
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
        const long at = find_pos(img, f, pos, match_beginning, match_end);
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
    result.content = img.text();
    if (file.deletes()) {
        if (result.content.empty()) {
            result.removed = true;
        } else if (result.status == FileStatus::Applied) {
            result.status = FileStatus::NotDeleted;
        }
    }
    return result;
}

} // namespace kseries::patch
