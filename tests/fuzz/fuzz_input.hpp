// What the fuzz targets share: the input as text, split into parts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace kseries::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits at lines that read exactly "=====" (the corpus files use them to
// hold, e.g., a file and a patch); at most `parts` parts.
inline std::vector<std::string_view> split_parts(std::string_view text, std::size_t parts) {
    std::vector<std::string_view> out;
    constexpr std::string_view sep = "\n=====\n";
    while (out.size() + 1 < parts) {
        const auto at = text.find(sep);
        if (at == std::string_view::npos) {
            break;
        }
        out.push_back(text.substr(0, at + 1));
        text.remove_prefix(at + sep.size());
    }
    out.push_back(text);
    return out;
}

// A property the target checks failed: abort, so libFuzzer keeps the input.
[[noreturn]] inline void violated() { std::abort(); }

} // namespace kseries::fuzz
