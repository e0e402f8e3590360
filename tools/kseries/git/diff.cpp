#include <algorithm>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include <kseries/git/diff.hpp>
#include <kseries/git/libgit2.hpp>
#include <kseries/util/text.hpp>

namespace kseries::git {

using namespace detail;

namespace {

using Patch = std::unique_ptr<git_patch, Deleter<git_patch, git_patch_free>>;

// git's struct func_line holds at most 80 bytes of a heading (xemit.c).
constexpr std::size_t heading_max = 80;

// git's own ctype (sane_ctype), not the locale's: ASCII letters only, and
// only these four bytes are space (no '\v', no '\f').
bool git_isalpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool git_isspace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// git's default funcname rule (xemit.c, def_ff): a line starting with a
// letter, '_' or '$', cut to 80 bytes and only then stripped of trailing
// space. libgit2's own rule (diff_driver.c, diff_context_find) strips first
// and cuts afterwards, so a long line whose 80th byte is a blank comes out
// different: that is why we compute headings ourselves.
std::optional<std::string_view> heading_of(std::string_view line) {
    if (line.empty() ||
        !(git_isalpha(line.front()) || line.front() == '_' || line.front() == '$')) {
        return std::nullopt;
    }
    line = line.substr(0, heading_max);
    while (!line.empty() && git_isspace(line.back())) {
        line.remove_suffix(1);
    }
    return line;
}

// The headings of successive hunks, searched as git's xdl_emit_diff does:
// upwards from the line above the hunk, down to where the previous hunk's
// search began; when nothing matches there, the previous heading stands.
class Headings {
public:
    explicit Headings(std::string_view old_text) : m_lines(text::split_lines(old_text)) {}

    // `first` is the 0-based index of the hunk's first line in the old file.
    std::string_view next(std::size_t first) {
        for (std::size_t l = std::min(first, m_lines.size()); l > m_limit; --l) {
            if (auto heading = heading_of(m_lines[l - 1])) {
                m_heading = *heading;
                break;
            }
        }
        m_limit = std::max(m_limit, first);
        return m_heading;
    }

private:
    std::vector<std::string_view> m_lines;
    std::size_t m_limit = 0; // lines below index m_limit were searched already
    std::string_view m_heading;
};

// "-5,7", or "-5" for one line: xdiff's xdl_emit_hunk_hdr.
std::string range(char sign, int start, int count) {
    return count == 1 ? fmt::format("{}{}", sign, start)
                      : fmt::format("{}{},{}", sign, start, count);
}

bool is_binary(std::optional<std::string_view> text) {
    return text && text->find('\0') != std::string_view::npos;
}

Expected<Patch> make_patch(std::optional<std::string_view> old_text,
                           std::optional<std::string_view> new_text, const DiffOptions& options) {
    init_once();
    git_diff_options opts{};
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    // FORCE_TEXT: we refused NUL bytes already, and libgit2 must not call a
    // large file binary where git would not. The indent heuristic is on by
    // default in git since 2.14 (diff.indentHeuristic).
    opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
    opts.context_lines = options.context;
    opts.interhunk_lines = 0;
    git_patch* raw = nullptr;
    // A null buffer is "no file"; an empty view may have a null data(), so
    // existing empty content gets a real (empty) buffer.
    const auto buffer = [](std::optional<std::string_view> text) -> const char* {
        if (!text) {
            return nullptr;
        }
        return text->empty() ? "" : text->data();
    };
    if (git_patch_from_buffers(&raw, buffer(old_text), old_text ? old_text->size() : 0, nullptr,
                               buffer(new_text), new_text ? new_text->size() : 0, nullptr,
                               &opts) != 0) {
        return fail(ErrorKind::Internal, "cannot diff with libgit2: " + last_error());
    }
    return Patch(raw);
}

// Would git write this path in "---"/"+++" quoted, with C escapes (core.quotePath)?
bool git_would_quote(std::string_view path) {
    return std::any_of(path.begin(), path.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u >= 0x7f || c == '"' || c == '\\';
    });
}

} // namespace

Expected<std::string> diff_hunks(std::optional<std::string_view> old_text,
                                 std::optional<std::string_view> new_text,
                                 const DiffOptions& options) {
    if (is_binary(old_text) || is_binary(new_text)) {
        return fail(ErrorKind::Usage, "cannot diff binary content (it holds a NUL byte)");
    }
    auto patch = KSERIES_TRY(make_patch(old_text, new_text, options));
    Headings headings(old_text.value_or(std::string_view{}));
    std::string out;
    const std::size_t hunk_count = git_patch_num_hunks(patch.get());
    for (std::size_t h = 0; h < hunk_count; ++h) {
        const git_diff_hunk* hunk = nullptr;
        std::size_t line_count = 0;
        if (git_patch_get_hunk(&hunk, &line_count, patch.get(), h) != 0) {
            return fail(ErrorKind::Internal, "cannot read a libgit2 hunk: " + last_error());
        }
        // An empty old range is stated as the line before it (xdiff prints s1, not s1 + 1).
        const int first = hunk->old_lines == 0 ? hunk->old_start : hunk->old_start - 1;
        const std::string_view heading = headings.next(static_cast<std::size_t>(first));
        out += fmt::format("@@ {} {} @@{}{}\n", range('-', hunk->old_start, hunk->old_lines),
                           range('+', hunk->new_start, hunk->new_lines), heading.empty() ? "" : " ",
                           heading);
        for (std::size_t l = 0; l < line_count; ++l) {
            const git_diff_line* line = nullptr;
            if (git_patch_get_line_in_hunk(&line, patch.get(), h, l) != 0) {
                return fail(ErrorKind::Internal, "cannot read a libgit2 line: " + last_error());
            }
            switch (line->origin) {
            case GIT_DIFF_LINE_CONTEXT:
            case GIT_DIFF_LINE_ADDITION:
            case GIT_DIFF_LINE_DELETION:
                out += line->origin;
                out.append(line->content, line->content_len);
                break;
            case GIT_DIFF_LINE_CONTEXT_EOFNL:
            case GIT_DIFF_LINE_ADD_EOFNL:
            case GIT_DIFF_LINE_DEL_EOFNL:
                // The line before it has no terminator; git ends it here.
                out += "\n\\ No newline at end of file\n";
                break;
            default:
                return fail(ErrorKind::Internal,
                            fmt::format("unexpected libgit2 diff line origin '{}'", line->origin));
            }
        }
    }
    return out;
}

Expected<std::string> diff_file(std::string_view path, std::optional<std::string_view> old_text,
                                std::optional<std::string_view> new_text,
                                const DiffOptions& options) {
    if (path.empty() || git_would_quote(path)) {
        return fail(ErrorKind::Usage,
                    fmt::format("cannot write a diff for '{}': git would quote this name", path));
    }
    auto hunks = diff_hunks(old_text, new_text, options);
    if (!hunks || hunks->empty()) {
        if (hunks && old_text.has_value() != new_text.has_value()) {
            return fail(ErrorKind::Usage,
                        fmt::format("cannot write a diff that {} the empty file {}: a unified diff "
                                    "without git's headers cannot express it",
                                    old_text ? "deletes" : "creates", path));
        }
        return hunks;
    }
    // git ends a name holding a space with a tab, so that readers know where it stops.
    const std::string_view tab = path.find(' ') != std::string_view::npos ? "\t" : "";
    const std::string old_name = old_text ? fmt::format("a/{}", path) : "/dev/null";
    const std::string new_name = new_text ? fmt::format("b/{}", path) : "/dev/null";
    return fmt::format("--- {}{}\n+++ {}{}\n{}", old_name, tab, new_name, tab, *hunks);
}

} // namespace kseries::git
