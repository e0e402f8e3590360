#include <cctype>

#include <fmt/format.h>

#include <kseries/patch/header.hpp>
#include <kseries/util/text.hpp>

namespace kseries::patch {

namespace {

// Is `line` the end of the header: a "---" separator or the first diff line?
bool header_ends(std::string_view line) {
    const auto l = text::chomp(line);
    return l == "---" || l.starts_with("--- ") || l.starts_with("diff ") ||
           l.starts_with("Index: ");
}

bool all_digits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (const char c : s) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
            return false;
        }
    }
    return true;
}

// The Subject line with its "[... n/m]" renumbered, or as it is.
std::string renumber(std::string_view line, std::size_t number, std::size_t total) {
    const auto open = line.find('[');
    const auto close = open == std::string_view::npos ? open : line.find(']', open);
    if (close == std::string_view::npos) {
        return std::string(line);
    }
    const auto inside = line.substr(open + 1, close - open - 1);
    const auto slash = inside.rfind('/');
    if (slash == std::string_view::npos) {
        return std::string(line);
    }
    const auto space = inside.find_last_of(" \t", slash);
    const std::size_t from = space == std::string_view::npos ? 0 : space + 1;
    if (!all_digits(inside.substr(from, slash - from)) || !all_digits(inside.substr(slash + 1))) {
        return std::string(line);
    }
    return fmt::format("{}[{}{}/{}{}", line.substr(0, open), inside.substr(0, from), number, total,
                       line.substr(close));
}

bool is_field(std::string_view line, std::string_view name) {
    return line.starts_with(name) && line.substr(name.size()).starts_with(':');
}

} // namespace

std::optional<std::string> header_field(std::string_view patch_text, std::string_view name) {
    for (const auto line : text::split_lines(patch_text)) {
        if (header_ends(line)) {
            break;
        }
        if (is_field(line, name)) {
            return std::string(text::trim(text::chomp(line).substr(name.size() + 1)));
        }
    }
    return std::nullopt;
}

std::string update_header(std::string_view patch_text, const HeaderUpdate& update) {
    std::string out;
    out.reserve(patch_text.size() + 16);
    bool in_header = true;
    bool subject_done = false;
    bool base_done = false;
    bool skipping_continuation = false;
    for (const auto line : text::split_lines(patch_text)) {
        if (in_header && header_ends(line)) {
            in_header = false;
        }
        if (!in_header) {
            out += line;
            continue;
        }
        if (skipping_continuation) {
            // A folded Base-Kernel value's further lines go with the old value.
            if (line.starts_with(" ") || line.starts_with("\t")) {
                continue;
            }
            skipping_continuation = false;
        }
        const std::string_view eol = line.substr(text::chomp(line).size());
        if (!subject_done && is_field(line, "Subject") && update.number != 0) {
            subject_done = true;
            out += renumber(text::chomp(line), update.number, update.total);
            out += eol;
            continue;
        }
        if (!base_done && is_field(line, "Base-Kernel") && !update.base_kernel.empty()) {
            base_done = true;
            const auto value =
                text::trim(text::chomp(line).substr(std::string_view("Base-Kernel:").size()));
            if (update.stale_base_kernel.empty() || value == update.stale_base_kernel) {
                out += fmt::format("Base-Kernel: {}", update.base_kernel);
                out += eol;
                skipping_continuation = true;
                continue;
            }
        }
        out += line;
    }
    return out;
}

} // namespace kseries::patch
