// Finds a patch's file sections and reads their hunks; the header lines
// around the hunks (file names, git's extended headers, mail headers) are
// read in parser_headers.cpp.
#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/format.h>

#include <kseries/patch/parser.hpp>
#include <kseries/patch/parser_headers.hpp>
#include <kseries/util/text.hpp>

namespace kseries::patch {

namespace {

using text::starts_with;

// Largest line number or count we accept in a hunk header. Far beyond any
// real source file, small enough that no arithmetic on it can overflow.
constexpr long max_line_number = 1'000'000'000;

bool is_hunk_header(std::string_view line) {
    return starts_with(line, "@@ -");
}

// A line right after a hunk that can only be more hunk body: its header
// counts were wrong. "-- " (a mail signature) and "---" separators are not.
bool looks_like_hunk_line(std::string_view line) {
    if (line.starts_with("--")) {
        return false;
    }
    return line.starts_with('+') || line.starts_with('-') || line.starts_with(' ');
}

bool is_binary_marker(std::string_view line) {
    return starts_with(line, "GIT binary patch") ||
           (starts_with(line, "Binary files ") && text::chomp(line).ends_with(" differ"));
}

class Parser {
public:
    // The hunks' lines are views of `data`, which they share.
    Parser(std::shared_ptr<const std::string> data, std::string name)
        : m_bytes(std::move(data)), m_lines(text::split_lines(*m_bytes)), m_name(std::move(name)) {}

    Expected<Patch> run();

private:
    [[nodiscard]] std::size_t size() const { return m_lines.size(); }
    [[nodiscard]] std::string_view at(std::size_t i) const { return m_lines[i]; }
    [[nodiscard]] Location where(std::size_t index) const { return {m_name, index + 1}; }
    [[nodiscard]] std::unexpected<Error> error(std::size_t index, std::string message) const {
        return fail(ErrorKind::Parse, std::move(message), where(index));
    }

    [[nodiscard]] bool section_start(std::size_t i) const;
    [[nodiscard]] std::optional<std::size_t> next_section_or_hunk(std::size_t from,
                                                                  bool* is_hunk) const;
    Expected<FilePatch> parse_file(std::size_t leading_begin, std::size_t begin);
    Expected<Hunk> parse_hunk(FilePatch& file);
    Expected<void> parse_hunk_header(std::string_view line, std::size_t index, Hunk& hunk) const;
    Expected<void> read_marker(HunkLine& line, bool last_old, bool last_new);

    std::shared_ptr<const std::string> m_bytes;
    std::vector<std::string_view> m_lines;
    std::string m_name;
    std::size_t m_pos = 0;
};

// A file section starts at "diff --git", at "--- " directly followed by
// "+++ ", or at a "diff ..."/"Index:" line that leads to such a pair within
// a few lines (the lines in between being "===="/"index" style headers).
bool Parser::section_start(std::size_t i) const {
    const std::string_view line = at(i);
    if (starts_with(line, "diff --git ")) {
        return true;
    }
    if (starts_with(line, "--- ")) {
        return i + 1 < size() && starts_with(at(i + 1), "+++ ");
    }
    if (starts_with(line, "diff ") || starts_with(line, "Index: ")) {
        for (std::size_t j = i + 1; j < size() && j <= i + 4; ++j) {
            if (starts_with(at(j), "--- ")) {
                return j + 1 < size() && starts_with(at(j + 1), "+++ ");
            }
            if (is_binary_marker(at(j))) {
                return true;
            }
            if (starts_with(at(j), "@@ ") || starts_with(at(j), "diff ")) {
                return false;
            }
        }
    }
    return false;
}

std::optional<std::size_t> Parser::next_section_or_hunk(std::size_t from, bool* is_hunk) const {
    for (std::size_t i = from; i < size(); ++i) {
        if (is_hunk_header(at(i))) {
            *is_hunk = true;
            return i;
        }
        if (section_start(i)) {
            *is_hunk = false;
            return i;
        }
    }
    return std::nullopt;
}

Expected<Patch> Parser::run() {
    Patch patch;
    patch.name = m_name;

    std::size_t first = size();
    for (std::size_t i = 0; i < size(); ++i) {
        if (section_start(i)) {
            first = i;
            break;
        }
        if (is_hunk_header(at(i))) {
            return error(i, "hunk header before any file header (expected '--- ' and '+++ ' "
                            "lines naming the file)");
        }
        if (is_binary_marker(at(i))) {
            return error(i, "binary patches are not supported");
        }
    }
    if (first == size()) {
        return fail(ErrorKind::Parse,
                    "no unified diff found (expected '--- ' and '+++ ' lines "
                    "followed by '@@' hunks)",
                    Location{m_name, 0});
    }
    for (std::size_t i = 0; i < first; ++i) {
        patch.preamble += at(i);
    }
    patch.mail = detail::parse_mail_headers(patch.preamble);

    std::size_t leading_begin = first;
    m_pos = first;
    while (m_pos < size()) {
        auto file = KSERIES_TRY(parse_file(leading_begin, m_pos));
        patch.files.push_back(std::move(file));

        // After the last hunk of a file: the next file, the end, or text that
        // belongs between files or after the last one. Text followed by more
        // hunks of no file is garbage between hunks.
        if (m_pos >= size() || section_start(m_pos)) {
            leading_begin = m_pos;
            continue;
        }
        if (looks_like_hunk_line(at(m_pos))) {
            const auto& hunk = patch.files.back().hunks.back();
            return error(m_pos, fmt::format("hunk body does not match its header: {} follows "
                                            "the hunk at line {}, whose header says {} old and "
                                            "{} new lines",
                                            text::quote_line(at(m_pos)), hunk.line, hunk.old_count,
                                            hunk.new_count));
        }
        bool is_hunk = false;
        const auto next = next_section_or_hunk(m_pos, &is_hunk);
        if (next && is_hunk) {
            return error(m_pos,
                         fmt::format("unexpected {} after the hunk at line {} (its header "
                                     "counts are used up; expected the next '@@' hunk header "
                                     "or the next file's header)",
                                     text::quote_line(at(m_pos)),
                                     patch.files.back().hunks.back().line));
        }
        if (!next) {
            for (std::size_t i = m_pos; i < size(); ++i) {
                patch.trailer += at(i);
            }
            m_pos = size();
            break;
        }
        leading_begin = m_pos;
        m_pos = *next;
    }
    return patch;
}

Expected<FilePatch> Parser::parse_file(std::size_t leading_begin, std::size_t begin) {
    FilePatch file;
    file.line = begin + 1;
    for (std::size_t i = leading_begin; i < begin; ++i) {
        file.header.emplace_back(at(i));
    }

    bool saw_old = false;
    bool saw_new = false;
    m_pos = begin;
    while (m_pos < size() && !is_hunk_header(at(m_pos))) {
        const std::string_view line = at(m_pos);
        if (m_pos != begin &&
            (starts_with(line, "diff --git ") || (saw_new && section_start(m_pos)))) {
            break; // the next file begins: this one has no hunks
        }
        if (is_binary_marker(line)) {
            return error(m_pos, "binary patches are not supported");
        }
        if (starts_with(line, "--- ") && !saw_old) {
            saw_old = true;
        } else if (starts_with(line, "+++ ") && saw_old && !saw_new) {
            saw_new = true;
        } else if (m_pos != begin && saw_new) {
            return error(m_pos, fmt::format("unexpected {} after the '+++ ' line (expected an "
                                            "'@@' hunk header)",
                                            text::quote_line(line)));
        }
        KSERIES_TRY(detail::parse_header_line(line, m_name, m_pos + 1, file));
        file.header.emplace_back(line);
        ++m_pos;
    }

    if (saw_old != saw_new) {
        return error(m_pos == 0 ? 0 : m_pos - 1, "'--- ' line without a following '+++ ' line");
    }
    if (!saw_new && !file.git) {
        return error(begin, "file header without '--- ' and '+++ ' lines");
    }
    if (!saw_new && m_pos < size() && is_hunk_header(at(m_pos))) {
        return error(m_pos, "hunk without '--- ' and '+++ ' lines naming the file");
    }

    while (m_pos < size() && is_hunk_header(at(m_pos))) {
        auto hunk = KSERIES_TRY(parse_hunk(file));
        file.hunks.push_back(std::move(hunk));
    }
    if (file.git && (file.rename || file.copy) && !saw_new) {
        KSERIES_TRY(detail::names_from_rename(at(begin), m_name, begin + 1, file));
    }
    if (file.hunks.empty() && !file.git) {
        return error(begin, "file header without any '@@' hunk");
    }
    if (file.old_name.empty() || file.new_name.empty()) {
        return error(begin, "cannot tell which file this diff changes (no usable names in its "
                            "header)");
    }
    return file;
}

Expected<void> Parser::parse_hunk_header(std::string_view line, std::size_t index,
                                         Hunk& hunk) const {
    const std::string_view content = text::chomp(line);
    std::string_view rest = content.substr(4); // after "@@ -"
    auto bad = [&](std::string_view what) {
        return error(index, fmt::format("malformed hunk header {}: {} (expected "
                                        "'@@ -start,count +start,count @@')",
                                        text::quote_line(line), what));
    };
    auto number = [&](long& out) -> bool {
        std::size_t n = 0;
        while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
            ++n;
        }
        if (n == 0) {
            return false;
        }
        long value = 0;
        const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + n, value);
        if (ec != std::errc{} || ptr != rest.data() + n || value > max_line_number) {
            out = -1;
        } else {
            out = value;
        }
        rest.remove_prefix(n);
        return true;
    };
    auto range = [&](long& start, long& count) -> std::optional<std::string> {
        if (!number(start)) {
            return "missing line number";
        }
        count = 1;
        if (!rest.empty() && rest.front() == ',') {
            rest.remove_prefix(1);
            if (!number(count)) {
                return "missing line count after ','";
            }
        }
        if (start < 0 || count < 0) {
            return fmt::format("number out of range (the limit is {})", max_line_number);
        }
        return std::nullopt;
    };

    if (auto problem = range(hunk.old_start, hunk.old_count)) {
        return bad(*problem);
    }
    if (!starts_with(rest, " +")) {
        return bad("missing ' +' before the new range");
    }
    rest.remove_prefix(2);
    if (auto problem = range(hunk.new_start, hunk.new_count)) {
        return bad(*problem);
    }
    if (!starts_with(rest, " @@")) {
        return bad("missing ' @@' after the new range");
    }
    rest.remove_prefix(3);
    if (starts_with(rest, " ")) {
        hunk.section = std::string(rest.substr(1));
    }
    if ((hunk.old_start == 0 && hunk.old_count != 0) ||
        (hunk.new_start == 0 && hunk.new_count != 0)) {
        return bad("a range that starts at line 0 must be empty");
    }
    if (hunk.old_count == 0 && hunk.new_count == 0) {
        return bad("both ranges are empty");
    }
    return {};
}

// A "\ No newline at end of file" marker may follow the last line of the old
// side or of the new side (GNU patch looks for it exactly there).
Expected<void> Parser::read_marker(HunkLine& line, bool last_old, bool last_new) {
    if (m_pos >= size() || !starts_with(at(m_pos), "\\")) {
        return {};
    }
    if (!last_old && !last_new) {
        return error(m_pos, "'\\ No newline at end of file' in the middle of a hunk (it may "
                            "only follow the last line of the old or the new side)");
    }
    line.marker = at(m_pos);
    if (line.kind == LineKind::Context) {
        line.old_no_newline = last_old;
        line.new_no_newline = true;
    } else {
        line.old_no_newline = line.kind == LineKind::Removed;
        line.new_no_newline = line.kind == LineKind::Added;
    }
    ++m_pos;
    return {};
}

Expected<Hunk> Parser::parse_hunk(FilePatch& file) {
    Hunk hunk;
    hunk.bytes = m_bytes;
    const std::size_t header_index = m_pos;
    hunk.line = header_index + 1;
    hunk.header = std::string(at(header_index));
    KSERIES_TRY(parse_hunk_header(hunk.header, header_index, hunk));
    ++m_pos;

    long old_left = hunk.old_count;
    long new_left = hunk.new_count;
    auto counts = [&] {
        return fmt::format("the header at line {} says {} old and {} new lines", hunk.line,
                           hunk.old_count, hunk.new_count);
    };
    while (old_left > 0 || new_left > 0) {
        if (m_pos >= size()) {
            return error(m_pos == 0 ? 0 : m_pos - 1,
                         fmt::format("truncated hunk: the patch ends {} old and {} new lines "
                                     "short ({})",
                                     old_left, new_left, counts()));
        }
        const std::string_view raw = at(m_pos);
        if (!raw.ends_with('\n')) {
            return error(m_pos, "truncated hunk: the patch ends in the middle of a line");
        }
        HunkLine line;
        line.raw = raw;
        std::string_view body = raw;
        const char first = raw.front();
        if (first == ' ' || first == '-' || first == '+') {
            line.kind = static_cast<LineKind>(first);
            body.remove_prefix(1);
        } else if (first == '\n' || first == '\t' || (file.strip_trailing_cr && raw == "\r\n")) {
            line.kind = LineKind::Context; // the leading space was eaten
            line.prefix = 0;
        } else if (is_hunk_header(raw) || section_start(m_pos)) {
            return error(m_pos, fmt::format("hunk ends {} old and {} new lines early ({})",
                                            old_left, new_left, counts()));
        } else {
            return error(m_pos, fmt::format("unexpected {} in a hunk body (expected a line "
                                            "starting with ' ', '-' or '+'; {})",
                                            text::quote_line(raw), counts()));
        }
        if ((line.on_old_side() && old_left == 0) || (line.on_new_side() && new_left == 0)) {
            return error(m_pos, fmt::format("hunk body does not match its header: more {} "
                                            "lines than {}",
                                            old_left == 0 ? "old" : "new", counts()));
        }
        if (file.strip_trailing_cr && body.ends_with("\r\n")) {
            line.folded = std::string(body.substr(0, body.size() - 2)) + '\n';
        }
        if (line.on_old_side()) {
            --old_left;
        }
        if (line.on_new_side()) {
            --new_left;
        }
        ++m_pos;
        const bool last_old = line.on_old_side() && old_left == 0;
        const bool last_new = line.on_new_side() && new_left == 0;
        KSERIES_TRY(read_marker(line, last_old, last_new));
        hunk.lines.push_back(std::move(line));
    }
    if (hunk.prefix_context() == static_cast<long>(hunk.lines.size())) {
        return error(header_index, "hunk changes nothing (all its lines are context)");
    }
    return hunk;
}

// The lines that give a patch its structure (not hunk bodies, which carry
// the file's own line endings).
bool is_structural(std::string_view line) {
    return line.starts_with("--- ") || line.starts_with("+++ ") || line.starts_with("@@ ") ||
           line.starts_with("diff ") || line.starts_with("Index: ") || line.starts_with("index ");
}

// Text a patch tool can trust: no line longer than max_line_bytes, and
// structural lines that all end alike. A patch whose "---", "+++" and "@@"
// lines mix CRLF and LF went through a mail client or an editor that
// mangled it; GNU patch would guess per line, kseries refuses. (A diff of
// a CRLF file has LF structural lines and CRLF body lines: that is fine.)
Expected<void> check_text(std::string_view data, const std::string& name) {
    std::size_t number = 0;
    std::optional<std::pair<bool, std::size_t>> first_ending; // CRLF?, line
    for (const std::string_view line : text::split_lines(data)) {
        ++number;
        if (line.size() > max_line_bytes) {
            return fail(ErrorKind::Parse,
                        fmt::format("a line of {} bytes; kseries reads patch lines of up to {} "
                                    "MiB (kernel patches have none this long)",
                                    line.size(), max_line_bytes >> 20),
                        Location{name, number});
        }
        if (!is_structural(line)) {
            continue;
        }
        const bool crlf = line.ends_with("\r\n");
        if (!first_ending) {
            first_ending.emplace(crlf, number);
        } else if (first_ending->first != crlf) {
            return fail(ErrorKind::Parse,
                        fmt::format("this line ends in {} but line {} ends in {}: a patch whose "
                                    "header lines mix line endings was mangled on the way "
                                    "(a mail client, an editor); kseries does not guess",
                                    crlf ? "CRLF" : "LF", first_ending->second,
                                    first_ending->first ? "CRLF" : "LF"),
                        Location{name, number});
        }
    }
    return {};
}

} // namespace

Expected<Patch> parse(std::string_view data, std::string name) {
    // Patches are text: a NUL byte is binary data or an attack on tools that
    // stop reading at it, never part of a kernel patch.
    if (const auto nul = data.find('\0'); nul != std::string_view::npos) {
        const auto line = static_cast<std::size_t>(
                              std::count(data.begin(), data.begin() + static_cast<long>(nul), '\n')) +
                          1;
        return fail(ErrorKind::Parse, "a NUL byte: a patch is text, not binary data",
                    Location{std::move(name), line});
    }
    KSERIES_TRY(check_text(data, name));
    return Parser(std::make_shared<const std::string>(data), std::move(name)).run();
}

} // namespace kseries::patch
