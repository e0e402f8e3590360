#include <cstdio>
#include <string>

#include <kseries/patch/model.hpp>

namespace kseries::patch {

namespace {

std::string_view without_newline(std::string_view text, bool no_newline) {
    if (no_newline && text.ends_with('\n')) {
        text.remove_suffix(1);
    }
    return text;
}

// diff -N marks a missing file with the epoch as its timestamp, e.g.
// "1970-01-01 00:00:00.000000000 +0000" or the same instant in local time.
bool is_epoch(std::string_view ts) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char sign = '+';
    int tz = 0;
    const std::string copy(ts);
    int consumed = 0;
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
                    &consumed) != 6) {
        return false;
    }
    std::string_view rest = ts.substr(static_cast<std::size_t>(consumed));
    if (rest.starts_with('.')) {
        rest.remove_prefix(1);
        while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
            if (rest.front() != '0') {
                return false;
            }
            rest.remove_prefix(1);
        }
    }
    while (rest.starts_with(' ')) {
        rest.remove_prefix(1);
    }
    if (!rest.empty()) {
        // "+hhmm" or "-hhmm": four digits, nothing else (a fuzzed "+!900"
        // once reached std::stoi, which throws).
        if (rest.size() != 5 || (rest[0] != '+' && rest[0] != '-') ||
            rest.substr(1).find_first_not_of("0123456789") != std::string_view::npos) {
            return false;
        }
        sign = rest[0];
        tz = (rest[1] - '0') * 1000 + (rest[2] - '0') * 100 + (rest[3] - '0') * 10 + (rest[4] - '0');
    }
    const long tz_seconds = (tz / 100 * 3600L + tz % 100 * 60L) * (sign == '-' ? -1 : 1);
    const long local = (y == 1970 && mo == 1 && d == 1)     ? 0
                       : (y == 1969 && mo == 12 && d == 31) ? -86400
                                                            : 1;
    if (local == 1) {
        return false;
    }
    return local + h * 3600L + mi * 60L + s - tz_seconds == 0;
}

} // namespace

std::string_view HunkLine::old_text() const {
    return without_newline(text(), old_no_newline);
}

std::string_view HunkLine::new_text() const {
    return without_newline(text(), new_no_newline);
}

long Hunk::prefix_context() const {
    long n = 0;
    for (const auto& l : lines) {
        if (l.kind != LineKind::Context) {
            break;
        }
        ++n;
    }
    return n;
}

long Hunk::suffix_context() const {
    long n = 0;
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        if (it->kind != LineKind::Context) {
            break;
        }
        ++n;
    }
    return n;
}

bool FilePatch::creates() const {
    return new_file || old_name == dev_null ||
           (is_epoch(old_timestamp) && !hunks.empty() && hunks.front().old_start == 0);
}

bool FilePatch::deletes() const {
    return deleted_file || new_name == dev_null ||
           (is_epoch(new_timestamp) && !hunks.empty() && hunks.front().new_start == 0);
}

std::size_t Patch::hunk_count() const {
    std::size_t n = 0;
    for (const auto& f : files) {
        n += f.hunks.size();
    }
    return n;
}

} // namespace kseries::patch
