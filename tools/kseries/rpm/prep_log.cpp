#include <vector>

#include <kseries/rpm/prep_log.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rpm {

std::string prep_failure_excerpt(std::string_view log, std::size_t count) {
    const std::vector<std::string_view> lines = text::split_lines(log);
    // The recap starts at rpm's first "RPM build ..." heading; nothing from
    // there on is the script's output.
    std::size_t end = lines.size();
    for (std::size_t k = 0; k < lines.size(); ++k) {
        const std::string_view line = text::chomp(lines[k]);
        if (line == "RPM build warnings:" || line == "RPM build errors:") {
            end = k;
            break;
        }
    }
    // The script's output starts after the last "Executing(" line before it:
    // the warnings rpm printed while parsing the spec come before that.
    std::size_t begin = 0;
    for (std::size_t k = 0; k < end; ++k) {
        if (text::chomp(lines[k]).starts_with("Executing(")) {
            begin = k;
        }
    }
    for (std::size_t k = begin; k < end; ++k) {
        if (text::chomp(lines[k]).starts_with("error: ")) {
            end = k + 1;
            break;
        }
    }
    while (end > begin && text::trim(text::chomp(lines[end - 1])).empty()) {
        --end;
    }
    const std::size_t from = end - begin > count ? end - count : begin;
    std::string out;
    for (std::size_t k = from; k < end; ++k) {
        out += "  ";
        out += text::chomp(lines[k]);
        out += '\n';
    }
    return out;
}

} // namespace kseries::rpm
