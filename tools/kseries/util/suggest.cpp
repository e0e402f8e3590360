#include "suggest.hpp"

#include <algorithm>

namespace kseries::text {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rows of the classic table: the swap looks two rows back.
    std::vector<std::size_t> before(b.size() + 1);
    std::vector<std::size_t> above(b.size() + 1);
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        above[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({above[j] + 1, row[j - 1] + 1, above[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                row[j] = std::min(row[j], before[j - 2] + 1);
            }
        }
        std::swap(before, above);
        std::swap(above, row);
    }
    return above[b.size()];
}

std::vector<std::string> closest_names(std::string_view word,
                                       const std::vector<std::string>& candidates) {
    const std::size_t limit = std::min<std::size_t>(2, (word.size() + 2) / 3);
    std::size_t best = limit + 1;
    std::vector<std::string> out;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d > limit) {
            continue;
        }
        if (d < best) {
            best = d;
            out.clear();
        }
        if (d == best) {
            out.push_back(c);
        }
    }
    return out;
}

} // namespace kseries::text
