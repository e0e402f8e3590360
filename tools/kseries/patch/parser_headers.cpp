// The lines around a patch's hunks: a file section's header ("diff --git"
// and git's extended headers, "---"/"+++" names and timestamps, "Index:")
// and the mail headers of a format-patch preamble. Split from parser.cpp,
// which finds the sections and reads the hunk bodies, to keep both files
// small; parser_headers.hpp is internal to the two.
#include <utility>

#include <fmt/format.h>

#include <kseries/patch/names.hpp>
#include <kseries/patch/parser_headers.hpp>
#include <kseries/util/text.hpp>

namespace kseries::patch::detail {

using text::starts_with;

namespace {

// git's extended header lines (mode, rename, copy, index) of a "diff --git"
// section: they say what no "---"/"+++" line can (a new, deleted or renamed
// file, its mode), and a mode other than a regular file's is refused here.
Expected<void> git_extended_header(std::string_view line, const std::string& patch_name,
                                   std::size_t number, FilePatch& file) {
    const std::string_view content = text::chomp(line);
    auto value = [&](std::size_t n) { return std::string(content.substr(n)); };
    // Regular files only: a mode that makes a symbolic link, a
    // submodule or a setuid file is refused, whatever the hunks say.
    const auto mode = [&](std::size_t n) -> Expected<std::string> {
        std::string m = value(n);
        if (m != "100644" && m != "100755") {
            return fail(ErrorKind::Unsafe,
                        fmt::format("file mode {} is refused: kseries patches regular files "
                                    "only (100644, 100755), never links, submodules or "
                                    "setuid files",
                                    text::quote_line(m)),
                        Location{patch_name, number});
        }
        return m;
    };
    if (starts_with(content, "old mode ") || starts_with(content, "new mode ") ||
        starts_with(content, "deleted file mode ") || starts_with(content, "new file mode ")) {
        const bool deleted = starts_with(content, "deleted file mode ");
        const bool created = starts_with(content, "new file mode ");
        const auto m = KSERIES_TRY(mode(deleted ? 18 : created ? 14 : 9));
        file.deleted_file = file.deleted_file || deleted;
        file.new_file = file.new_file || created;
        (starts_with(content, "old mode ") || deleted ? file.old_mode : file.new_mode) = m;
    } else if (starts_with(content, "rename from ") || starts_with(content, "rename to ")) {
        file.rename = true;
    } else if (starts_with(content, "copy from ") || starts_with(content, "copy to ")) {
        file.copy = true;
    } else if (starts_with(content, "index ")) {
        const std::string_view ids = content.substr(6);
        const auto dots = ids.find("..");
        if (dots == std::string_view::npos) {
            return fail(ErrorKind::Parse,
                        fmt::format("malformed git index line {} (expected "
                                    "'index <old>..<new> [mode]')",
                                    text::quote_line(line)),
                        Location{patch_name, number});
        }
        const auto space = ids.find(' ', dots);
        file.old_blob = std::string(ids.substr(0, dots));
        file.new_blob = std::string(ids.substr(
            dots + 2, space == std::string_view::npos ? std::string_view::npos : space - dots - 2));
    }
    return {};
}

} // namespace

Expected<void> parse_header_line(std::string_view line, const std::string& patch_name,
                                 std::size_t number, FilePatch& file) {
    const std::string_view content = text::chomp(line);
    auto error = [&](std::string message) {
        return fail(ErrorKind::Parse, std::move(message), Location{patch_name, number});
    };
    auto name_error = [&](std::string_view what) {
        return error(
            fmt::format("cannot read the file name in {}: {}", text::quote_line(line), what));
    };

    if (starts_with(content, "diff --git ")) {
        file.git = true;
        auto names = split_git_diff_names(content.substr(11));
        if (!names) {
            return name_error(names.error());
        }
        if (file.old_name.empty()) {
            file.old_name = names->first;
        }
        if (file.new_name.empty()) {
            file.new_name = names->second;
        }
    } else if (starts_with(content, "--- ") || starts_with(content, "+++ ")) {
        auto parsed = parse_header_name(content.substr(4));
        if (!parsed) {
            return name_error(parsed.error());
        }
        const bool old_side = content[0] == '-';
        (old_side ? file.old_name : file.new_name) = parsed->name;
        (old_side ? file.old_timestamp : file.new_timestamp) = parsed->timestamp;
        file.strip_trailing_cr = line.ends_with("\r\n");
    } else if (starts_with(content, "Index:")) {
        file.strip_trailing_cr = line.ends_with("\r\n");
    } else if (file.git) {
        return git_extended_header(line, patch_name, number, file);
    }
    return {};
}

// "diff --git a/x y b/z w" cannot be split on its own when the names hold
// spaces and differ; the "rename from"/"rename to" (or copy) lines name the
// two paths without their prefixes, which fixes the split.
Expected<void> names_from_rename(std::string_view diff_git_line, const std::string& patch_name,
                                 std::size_t number, FilePatch& file) {
    std::string from;
    std::string to;
    for (const auto& raw : file.header) {
        const std::string_view line = text::chomp(raw);
        for (const std::string_view key : {"rename from ", "copy from "}) {
            if (starts_with(line, key)) {
                from = std::string(line.substr(key.size()));
            }
        }
        for (const std::string_view key : {"rename to ", "copy to "}) {
            if (starts_with(line, key)) {
                to = std::string(line.substr(key.size()));
            }
        }
    }
    for (std::string* name : {&from, &to}) {
        if (!name->empty() && name->front() == '"') {
            auto unquoted = unquote_c(*name);
            if (!unquoted) {
                return fail(ErrorKind::Parse,
                            "cannot read a rename or copy name: " + unquoted.error(),
                            Location{patch_name, number});
            }
            *name = std::move(*unquoted);
        }
    }
    const std::string_view rest = text::chomp(diff_git_line).substr(11);
    for (std::size_t sp = rest.find(' '); sp != std::string_view::npos;
         sp = rest.find(' ', sp + 1)) {
        const std::string_view left = rest.substr(0, sp);
        const std::string_view right = rest.substr(sp + 1);
        if (!from.empty() && !to.empty() && left.ends_with(from) && right.ends_with(to)) {
            file.old_name = std::string(left);
            file.new_name = std::string(right);
            return {};
        }
    }
    return {};
}

MailHeaders parse_mail_headers(std::string_view preamble) {
    MailHeaders mail;
    std::string* last = nullptr;
    for (const std::string_view raw : text::split_lines(preamble)) {
        const std::string_view line = text::chomp(raw);
        if (line.empty()) {
            break;
        }
        if ((line.front() == ' ' || line.front() == '\t') && last != nullptr) {
            *last += ' ';
            *last += text::trim(line);
            continue;
        }
        last = nullptr;
        if (starts_with(line, "From: ")) {
            mail.from = std::string(text::trim(line.substr(6)));
            last = &mail.from;
        } else if (starts_with(line, "Date: ")) {
            mail.date = std::string(text::trim(line.substr(6)));
            last = &mail.date;
        } else if (starts_with(line, "Subject: ")) {
            mail.subject = std::string(text::trim(line.substr(9)));
            last = &mail.subject;
        } else if (!starts_with(line, "From ") && line.find(':') == std::string_view::npos) {
            break; // not a header block
        }
    }
    return mail;
}

} // namespace kseries::patch::detail
