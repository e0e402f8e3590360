// The in-memory form of a unified diff as it occurs in kernel work: plain
// `diff -u`/`diff -ru` output, `git diff`/`git format-patch` mails and quilt
// patches. Every line keeps its exact bytes, so writing an unmodified Patch
// back reproduces the input byte for byte (see writer.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kseries::patch {

// A path in a diff header that means "no file" (creation or deletion).
inline constexpr std::string_view dev_null = "/dev/null";

enum class LineKind : char { Context = ' ', Removed = '-', Added = '+' };

// A line of a hunk. Its bytes are views of the patch text its Hunk holds
// (`Hunk::bytes`), so a patch of many lines is not one allocation per line:
// a HunkLine is valid while a Hunk holding that text lives.
struct HunkLine {
    LineKind kind = LineKind::Context;
    // The line exactly as the patch holds it: prefix, content, terminator.
    std::string_view raw;
    // A following "\ No newline at end of file" line, exactly as written.
    std::string_view marker;
    // The content when it is not `raw` less its prefix: a CRLF line of a
    // patch whose CRs are stripped holds it here, with LF. Empty otherwise.
    std::string folded;
    // The prefix's length in `raw`. A bare "\n" in a hunk body is an empty
    // context line whose ' ' was eaten (GNU patch and git apply both accept
    // it), so the prefix is not always 1 byte.
    unsigned char prefix = 1;
    // The marker removes the terminator on the side(s) it belongs to.
    bool old_no_newline = false;
    bool new_no_newline = false;

    // The content as it appears in the file, with its terminator (a view of
    // `raw`, so a patch of many lines holds each line's bytes once).
    [[nodiscard]] std::string_view text() const {
        return folded.empty() ? std::string_view(raw).substr(prefix) : std::string_view(folded);
    }

    [[nodiscard]] bool on_old_side() const { return kind != LineKind::Added; }
    [[nodiscard]] bool on_new_side() const { return kind != LineKind::Removed; }
    // The line as the old (new) file holds it.
    [[nodiscard]] std::string_view old_text() const;
    [[nodiscard]] std::string_view new_text() const;
};

struct Hunk {
    long old_start = 0;
    long old_count = 0;
    long new_start = 0;
    long new_count = 0;
    // The text after the closing "@@" (git's function heading), without the
    // separating space and the terminator. Empty when there is none.
    std::string section;
    // The "@@ -a,b +c,d @@ section" line exactly as written.
    std::string header;
    std::vector<HunkLine> lines;
    // 1-based line of the header in the patch file; 0 for hunks made in memory.
    std::size_t line = 0;
    // The patch text the lines are views of, shared by every hunk of it (and
    // by copies of them in other patches).
    std::shared_ptr<const std::string> bytes;

    // Context lines before the first change and after the last one.
    [[nodiscard]] long prefix_context() const;
    [[nodiscard]] long suffix_context() const;
};

struct FilePatch {
    // Every line from the end of the previous file's last hunk (or from the
    // start of the patch body) up to the first hunk, exactly as written:
    // "diff --git"/"diff -ru" lines, git extended headers, "Index:", "---",
    // "+++" and any text between files such as diff's "Only in" notes.
    std::vector<std::string> header;
    // 1-based line where this file's section starts ("diff", "Index:" or "---").
    std::size_t line = 0;

    // Names as written in "---"/"+++" (or "diff --git" when those are absent),
    // unquoted, without timestamps. dev_null for a missing side.
    std::string old_name;
    std::string new_name;
    std::string old_timestamp;
    std::string new_timestamp;

    bool git = false;     // has a "diff --git" line
    std::string old_mode; // git modes, e.g. "100644"; empty when not stated
    std::string new_mode;
    bool new_file = false;     // "new file mode"
    bool deleted_file = false; // "deleted file mode"
    bool rename = false;
    bool copy = false;
    std::string old_blob; // abbreviated blob ids of the "index a..b" line
    std::string new_blob;
    // GNU patch strips a trailing CR from every hunk line when the file's
    // "---"/"+++"/"Index:" lines end in CRLF (the whole patch was converted).
    bool strip_trailing_cr = false;

    std::vector<Hunk> hunks;

    // The patch says the old (new) file does not exist.
    [[nodiscard]] bool creates() const;
    [[nodiscard]] bool deletes() const;
};

// Mail headers of a `git format-patch` patch (or a quilt header that uses them).
struct MailHeaders {
    std::string from;
    std::string date;
    std::string subject; // unfolded; "[PATCH n/m]" prefixes kept as written
};

struct Patch {
    // File name (or label) for messages.
    std::string name;
    // Everything before the first file section, exactly as written: mail
    // headers, the description, a diffstat.
    std::string preamble;
    MailHeaders mail;
    std::vector<FilePatch> files;
    // Everything after the last hunk, e.g. format-patch's "-- \n2.39.5\n".
    std::string trailer;

    [[nodiscard]] std::size_t hunk_count() const;
};

} // namespace kseries::patch
