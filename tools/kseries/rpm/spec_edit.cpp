#include <algorithm>
#include <regex>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <kseries/kernel/policy.hpp>
#include <kseries/rpm/spec_edit.hpp>

namespace kseries::rpm {

namespace {

// A spec as lines, each with its own ending, so that an edit keeps CRLF
// lines CRLF and inserted lines follow the file's first ending.
struct Lines {
    std::vector<std::string> body;   // without the ending
    std::vector<std::string> ending; // "\n", "\r\n" or "" (the last line)
    std::string eol = "\n";

    explicit Lines(std::string_view text) {
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t nl = text.find('\n', start);
            std::string_view line = nl == std::string_view::npos ? text.substr(start)
                                                                 : text.substr(start, nl - start);
            std::string end = nl == std::string_view::npos ? "" : "\n";
            if (!end.empty() && line.ends_with('\r')) {
                line.remove_suffix(1);
                end = "\r\n";
            }
            if (body.empty() && !end.empty()) {
                eol = end;
            }
            body.emplace_back(line);
            ending.push_back(std::move(end));
            start = nl == std::string_view::npos ? text.size() : nl + 1;
        }
    }

    void insert(std::size_t at, const std::vector<std::string>& lines) {
        body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), lines.begin(), lines.end());
        ending.insert(ending.begin() + static_cast<std::ptrdiff_t>(at), lines.size(), eol);
    }
    void erase(std::size_t from, std::size_t to) { // [from, to)
        body.erase(body.begin() + static_cast<std::ptrdiff_t>(from),
                   body.begin() + static_cast<std::ptrdiff_t>(to));
        ending.erase(ending.begin() + static_cast<std::ptrdiff_t>(from),
                     ending.begin() + static_cast<std::ptrdiff_t>(to));
    }
    [[nodiscard]] std::string str() const {
        std::string out;
        for (std::size_t i = 0; i < body.size(); ++i) {
            out += body[i];
            out += ending[i];
        }
        return out;
    }
};

std::unexpected<Error> spec_error(const std::string& label, std::size_t index, std::string message) {
    return fail(ErrorKind::Parse, std::move(message), Location{label, index + 1});
}

// About the whole spec: something it lacks.
std::unexpected<Error> spec_lacks(const std::string& label, std::string message) {
    return fail(ErrorKind::Parse, std::move(message), Location{label, 0});
}

std::string begin_marker(const SpecPatches& p) {
    return fmt::format("# kseries begin: {} {}", p.series, p.version);
}
std::string end_marker(const SpecPatches& p) { return fmt::format("# kseries end: {}", p.series); }

bool matches(const std::string& line, const std::regex& re) { return std::regex_match(line, re); }

// std::regex recurses once per character, so every regex here runs only on
// bounded input: spec lines (checked by check_line_sizes) and words.
constexpr std::size_t max_line_size = 4096;
constexpr std::size_t max_word_size = 255;

// A kernel.spec's lines are short (the longest in RHEL's are a few hundred
// bytes); a longer one is refused rather than matched.
Expected<void> check_line_sizes(const Lines& lines, const std::string& label) {
    for (std::size_t i = 0; i < lines.body.size(); ++i) {
        if (lines.body[i].size() > max_line_size) {
            return spec_error(label, i,
                              fmt::format("a line of {} bytes; kseries reads spec lines of at "
                                          "most {}",
                                          lines.body[i].size(), max_line_size));
        }
    }
    return {};
}

// Removes every block an earlier edit for the same series put in.
Expected<bool> remove_earlier_edit(Lines& lines, const std::string& label, const SpecPatches& p) {
    const std::string begin_prefix = fmt::format("# kseries begin: {} ", p.series);
    const std::string end = end_marker(p);
    bool removed = false;
    for (std::size_t i = 0; i < lines.body.size();) {
        if (!lines.body[i].starts_with(begin_prefix)) {
            if (lines.body[i] == end) {
                return spec_error(label, i,
                                  fmt::format("'{}' without its begin line: the spec was edited "
                                              "by hand; remove kseries' lines for {} and retry",
                                              end, p.series));
            }
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        while (j < lines.body.size() && lines.body[j] != end) {
            ++j;
        }
        if (j == lines.body.size()) {
            return spec_error(label, i,
                              fmt::format("'{}' has no '{}' line after it: the spec was edited "
                                          "by hand; remove kseries' lines for {} and retry",
                                          lines.body[i], end, p.series));
        }
        lines.erase(i, j + 1);
        removed = true;
    }
    return removed;
}

struct Found {
    std::vector<std::size_t> at;
    [[nodiscard]] bool one() const { return at.size() == 1; }
};

Found find_all(const Lines& lines, const std::regex& re) {
    Found f;
    for (std::size_t i = 0; i < lines.body.size(); ++i) {
        if (matches(lines.body[i], re)) {
            f.at.push_back(i);
        }
    }
    return f;
}

std::string line_list(const Found& f) {
    std::vector<std::string> parts;
    for (const auto i : f.at) {
        parts.push_back(std::to_string(i + 1));
    }
    std::string out;
    for (const auto& s : parts) {
        out += out.empty() ? s : ", " + s;
    }
    return out;
}

// Sets the buildid. A spec with one active definition of a plain value
// (an earlier edit, or a site's own) gets that value replaced; otherwise the
// documented way: the template line (`# define buildid .local`,
// `# % define buildid .local`, ...) is uncommented. Replacing first is what
// makes a second edit find the line the first one made.
Expected<void> set_buildid(Lines& lines, const std::string& label, std::string_view buildid,
                           SpecEdit& out) {
    static const std::regex commented(R"(#\s*%{0,2}\s*define\s+buildid\s+\S+\s*)");
    static const std::regex active(R"((\s*)%(define|global)\s+buildid\s+([^\s%{}]+)\s*)");
    const Found defined = find_all(lines, active);
    if (defined.at.size() > 1) {
        return spec_error(label, defined.at[1],
                          fmt::format("buildid is defined on lines {}: kseries does not know "
                                      "which one the build uses",
                                      line_list(defined)));
    }
    if (defined.one()) {
        std::smatch m;
        const std::string line = lines.body[defined.at.front()];
        std::regex_match(line, m, active);
        if (m[3].str() != buildid) {
            out.old_buildid = m[3].str();
        }
        lines.body[defined.at.front()] =
            fmt::format("{}%{} buildid {}", m[1].str(), m[2].str(), buildid);
        return {};
    }
    const Found templates = find_all(lines, commented);
    if (!templates.at.empty()) {
        lines.body[templates.at.front()] = fmt::format("%define buildid {}", buildid);
        out.buildid_uncommented = true;
        return {};
    }
    return spec_lacks(label,
                      "no buildid line: neither the template '# define buildid .local' nor a "
                      "'%define buildid .<id>' (kernel.spec asks local builds to set one; "
                      "kseries does not guess where it goes)");
}

} // namespace

std::size_t wc_lines(std::string_view text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

Expected<void> check_buildid(std::string_view buildid) {
    static const std::regex re(R"(\.[A-Za-z0-9._+]+)");
    if (buildid.size() > max_word_size || !std::regex_match(buildid.begin(), buildid.end(), re)) {
        return fail(ErrorKind::Usage,
                    fmt::format("buildid '{}' is not '.' followed by letters, digits, '.', '_' "
                                "or '+' (it becomes part of the package release)",
                                buildid));
    }
    return {};
}

Expected<void> check_patch_file_name(std::string_view name) {
    static const std::regex re(R"([A-Za-z0-9_+][A-Za-z0-9._+-]*)");
    if (name.size() > max_word_size || !std::regex_match(name.begin(), name.end(), re)) {
        return fail(ErrorKind::Usage,
                    fmt::format("patch file name '{}' cannot go into a kernel.spec: kernel.spec's "
                                "ApplyPatch uses it as a regular expression and a shell word; "
                                "use letters, digits, '.', '_', '+' and '-'",
                                name));
    }
    return {};
}

namespace {

// Where the edit goes: the definitions' anchor (the test patch's tag or
// "# END OF PATCH DEFINITIONS") and %prep's application anchor.
struct Anchors {
    std::size_t definitions = 0;
    std::size_t application = 0;
    bool test_tag = false; // the definitions' anchor is Patch999999's tag
};

const std::regex& apply_test_patch_re() {
    static const std::regex re(
        R"((\s*)ApplyOptionalPatch\s+(linux-kernel-test\.patch|%\{PATCH999999\})\s*)");
    return re;
}

// Pass 1, the names: they go into the spec as shell words and regexes.
Expected<void> check_names(const SpecPatches& patches, std::optional<std::string_view> buildid) {
    if (patches.files.empty()) {
        return fail(ErrorKind::Usage, fmt::format("{} {} has no patches to add", patches.series,
                                                  patches.version));
    }
    for (const auto& f : patches.files) {
        KSERIES_TRY(check_patch_file_name(f));
    }
    for (const std::string_view word : {std::string_view(patches.series), std::string_view(patches.version)}) {
        if (!check_patch_file_name(word)) {
            return fail(ErrorKind::Usage,
                        fmt::format("series or version name '{}' cannot go into a kernel.spec: use "
                                    "letters, digits, '.', '_', '+' and '-'",
                                    word));
        }
    }
    if (buildid) {
        KSERIES_TRY(check_buildid(*buildid));
    }
    return {};
}

// Pass 2, the anchors, all checked before anything changes: one of each,
// the application in %prep, after the definitions.
Expected<Anchors> find_anchors(const Lines& lines, const std::string& label) {
    static const std::regex test_patch_tag(R"(Patch999999\s*:\s*linux-kernel-test\.patch\s*)");
    static const std::regex end_of_definitions(R"(#\s*END OF PATCH DEFINITIONS\s*)");
    const std::regex& apply_test_patch = apply_test_patch_re();
    static const std::regex optional_function(R"(\s*ApplyOptionalPatch\s*\(\)\s*(\{\s*)?)");
    static const std::regex prep_section(R"(%prep(\s.*)?)");
    static const std::regex section(
        R"(%(build|install|check|clean|files|changelog|package|description|pre|post|preun|postun|posttrans|pretrans|trigger\w*)(\s.*)?)");

    const Found test_tags = find_all(lines, test_patch_tag);
    const Found end_defs = find_all(lines, end_of_definitions);
    if (test_tags.at.size() > 1 || (test_tags.at.empty() && end_defs.at.size() > 1)) {
        const Found& many = test_tags.at.size() > 1 ? test_tags : end_defs;
        return spec_error(label, many.at[1],
                          fmt::format("the patch definitions' anchor appears on lines {}: "
                                      "kseries does not guess which one to use",
                                      line_list(many)));
    }
    if (test_tags.at.empty() && end_defs.at.empty()) {
        return spec_lacks(label, "no anchor for patch definitions: neither 'Patch999999: "
                          "linux-kernel-test.patch' nor '# END OF PATCH DEFINITIONS' (is this a "
                          "RHEL kernel.spec?)");
    }
    const Found applies = find_all(lines, apply_test_patch);
    if (applies.at.empty()) {
        return spec_lacks(label, "no anchor for patch applications: no 'ApplyOptionalPatch "
                          "linux-kernel-test.patch' line in %prep (is this a RHEL kernel.spec?)");
    }
    if (applies.at.size() > 1) {
        return spec_error(label, applies.at[1],
                          fmt::format("'ApplyOptionalPatch linux-kernel-test.patch' appears on "
                                      "lines {}: kseries does not guess which one to use",
                                      line_list(applies)));
    }
    if (find_all(lines, optional_function).at.empty()) {
        return spec_error(label, applies.at.front(),
                          "the spec calls ApplyOptionalPatch but defines no ApplyOptionalPatch() "
                          "function");
    }
    // The application anchor must be in %prep.
    std::optional<std::size_t> prep;
    for (std::size_t i = 0; i < applies.at.front(); ++i) {
        if (matches(lines.body[i], prep_section)) {
            prep = i;
        } else if (prep && matches(lines.body[i], section)) {
            prep.reset();
        }
    }
    if (!prep) {
        return spec_error(label, applies.at.front(),
                          "'ApplyOptionalPatch linux-kernel-test.patch' is not in the %prep "
                          "section");
    }
    const Anchors found{!test_tags.at.empty() ? test_tags.at.front() : end_defs.at.front(),
                        applies.at.front(), !test_tags.at.empty()};
    if (found.definitions > found.application) {
        return spec_error(label, found.definitions,
                          "the patch definitions' anchor comes after %prep's "
                          "'ApplyOptionalPatch linux-kernel-test.patch'");
    }
    return found;
}

// Pass 3, the first free PatchNNNNN number, and no file name the spec has.
Expected<unsigned> first_free_number(const Lines& lines, const std::string& label,
                                     const SpecPatches& patches) {
    static const std::regex tag(R"((Patch|Source)(\d*)\s*:\s*(\S+)\s*)");
    unsigned highest = 0;
    std::set<std::string, std::less<>> names;
    for (std::size_t i = 0; i < lines.body.size(); ++i) {
        std::smatch m;
        if (!std::regex_match(lines.body[i], m, tag)) {
            continue;
        }
        const std::string value = m[3].str();
        const std::string base = value.substr(value.rfind('/') == std::string::npos
                                                  ? 0
                                                  : value.rfind('/') + 1);
        if (std::find(patches.files.begin(), patches.files.end(), base) != patches.files.end()) {
            return spec_error(label, i,
                              fmt::format("the spec already has a file named {} ({}); rename "
                                          "the patch in the series",
                                          base, lines.body[i]));
        }
        if (m[1].str() == "Patch" && m[2].length() > 0 && m[2].length() < 7) {
            const unsigned n = static_cast<unsigned>(std::stoul(m[2].str()));
            if (n >= first_patch_number && n < 999999) {
                highest = std::max(highest, n);
            }
        }
    }
    const unsigned first = highest == 0 ? first_patch_number : highest + 1;
    if (first + patches.files.size() > 999999) {
        return spec_lacks(label, "no free PatchNNNNN numbers below 999999");
    }
    std::set<std::string> unique(patches.files.begin(), patches.files.end());
    if (unique.size() != patches.files.size()) {
        return fail(ErrorKind::Usage, fmt::format("{} {} names a patch file twice", patches.series,
                                                  patches.version));
    }
    return first;
}

// Pass 5, the lines themselves: applications first, since inserting there
// does not move the definitions' anchor, which comes before it.
void insert_lines(Lines& lines, const Anchors& anchors, const SpecPatches& patches, SpecEdit& out) {
    // Applications first: inserting there does not move the definitions'
    // anchor, which comes before it.
    std::smatch m;
    std::regex_match(lines.body[anchors.application], m, apply_test_patch_re());
    const std::string indent = m[1].str();
    out.macro_style = m[2].str().starts_with('%');
    std::vector<std::string> applications{indent + begin_marker(patches)};
    std::vector<std::string> definitions{begin_marker(patches)};
    for (std::size_t k = 0; k < patches.files.size(); ++k) {
        const unsigned n = out.first_number + static_cast<unsigned>(k);
        applications.push_back(out.macro_style
                                   ? fmt::format("{}ApplyOptionalPatch %{{PATCH{}}}", indent, n)
                                   : fmt::format("{}ApplyOptionalPatch {}", indent,
                                                 patches.files[k]));
        definitions.push_back(fmt::format("Patch{}: {}", n, patches.files[k]));
    }
    applications.push_back(indent + end_marker(patches));
    definitions.push_back(end_marker(patches));
    lines.insert(anchors.application, applications);

    // Before the test patch's tag and the comment right above it.
    std::size_t at = anchors.definitions;
    if (anchors.test_tag) {
        while (at > 0 && lines.body[at - 1].starts_with('#') &&
               !lines.body[at - 1].starts_with("# kseries")) {
            --at;
        }
    }
    lines.insert(at, definitions);
}

} // namespace

Expected<SpecEdit> edit_spec(std::string_view spec, const std::string& label,
                             const SpecPatches& patches, std::optional<std::string_view> buildid) {
    KSERIES_TRY(check_names(patches, buildid));
    SpecEdit out;
    Lines lines(spec);
    KSERIES_TRY(check_line_sizes(lines, label));
    out.replaced_earlier_edit = KSERIES_TRY(remove_earlier_edit(lines, label, patches));
    const auto anchors = KSERIES_TRY(find_anchors(lines, label));
    out.first_number = KSERIES_TRY(first_free_number(lines, label, patches));
    if (buildid) {
        // Pass 4, the buildid, set or replaced.
        KSERIES_TRY(set_buildid(lines, label, *buildid, out));
    }
    insert_lines(lines, anchors, patches, out);
    out.text = lines.str();
    return out;
}

Expected<std::string> add_changelog(std::string_view spec, const std::string& label,
                                    const ChangelogEntry& entry) {
    for (const std::string_view s : {std::string_view(entry.packager), std::string_view(entry.evr)}) {
        if (s.find_first_of("%\r\n") != std::string_view::npos || s.empty()) {
            return fail(ErrorKind::Usage,
                        fmt::format("'{}' cannot go into a %changelog header (empty, or holds "
                                    "'%' or a line break)",
                                    s));
        }
    }
    Lines lines(spec);
    KSERIES_TRY(check_line_sizes(lines, label));
    static const std::regex changelog(R"(%changelog\s*)");
    const Found found = find_all(lines, changelog);
    if (found.at.empty()) {
        return spec_lacks(label, "no %changelog section to record the series in");
    }
    if (found.at.size() > 1) {
        return spec_error(label, found.at[1],
                          fmt::format("%changelog appears on lines {}", line_list(found)));
    }
    const std::string tail = fmt::format("{} [{}]", entry.packager, entry.evr);
    std::vector<std::string> body;
    for (const auto& item : entry.lines) {
        std::string escaped;
        for (const char c : item) {
            if (c == '\n' || c == '\r') {
                return fail(ErrorKind::Usage, "a %changelog item holds a line break");
            }
            escaped += c == '%' ? std::string("%%") : std::string(1, c);
        }
        body.push_back("- " + escaped);
    }
    // The same entry on top already (a repeated run): nothing to add.
    const std::size_t top = found.at.front() + 1;
    if (top < lines.body.size()) {
        const std::string& header = lines.body[top];
        bool same = header.starts_with("* ") && header.ends_with(" " + tail);
        for (std::size_t k = 0; same && k < body.size(); ++k) {
            same = top + 1 + k < lines.body.size() && lines.body[top + 1 + k] == body[k];
        }
        if (same) {
            return std::string(spec);
        }
    }
    std::vector<std::string> insert{fmt::format("* {:%a %b %d %Y} {}", entry.date, tail)};
    insert.insert(insert.end(), body.begin(), body.end());
    insert.emplace_back();
    lines.insert(top, insert);
    return lines.str();
}

std::optional<std::string> pad_optional_patch(std::string_view patch) {
    const std::size_t counted = wc_lines(patch);
    if (counted > kernel::optional_patch_max_lines) {
        return std::nullopt;
    }
    // An unterminated last line gets its newline, and then counts.
    const bool unterminated = !patch.empty() && !patch.ends_with('\n');
    const std::size_t lines = counted + (unterminated ? 1 : 0);
    std::string out =
        "kseries: the lines up to the diff were added because kernel.spec's ApplyOptionalPatch\n"
        "kseries: skips a patch file of 9 lines or fewer without a word.\n";
    for (std::size_t n = lines + 2; n <= kernel::optional_patch_max_lines; ++n) {
        out += "kseries:\n";
    }
    out += patch;
    if (unterminated) {
        out += '\n';
    }
    return out;
}

} // namespace kseries::rpm
