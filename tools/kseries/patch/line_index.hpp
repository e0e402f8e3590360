// A file's lines, and where each distinct line occurs. Placing a hunk that
// is not where it says, and finding where a failed hunk comes closest, look
// up the lines of the hunk here instead of scanning the whole file for each
// hunk, so a patch of many hunks costs lines + hunks, not lines x hunks.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kseries::patch {

class LineIndex {
public:
    // `data` must outlive the index.
    explicit LineIndex(std::string_view data);

    [[nodiscard]] long count() const { return static_cast<long>(m_lines.size()); }

    // Line `line` (1-based) with its newline; empty outside the file, as
    // GNU patch's ifetch.
    [[nodiscard]] std::string_view line(long line) const {
        if (line < 1 || line > count()) {
            return {};
        }
        return m_lines[static_cast<std::size_t>(line - 1)];
    }

    // Every line, in order (line n is lines()[n - 1]).
    [[nodiscard]] std::span<const std::string_view> lines() const { return m_lines; }

    // The lines (1-based, ascending) equal to `text`; empty when none is.
    [[nodiscard]] std::span<const long> positions(std::string_view text) const;

private:
    void build() const;
    [[nodiscard]] long find(std::string_view text, std::uint64_t hash) const;

    std::vector<std::string_view> m_lines;
    // Built on the first lookup: most files only ever need their lines.
    mutable bool m_built = false;
    mutable std::vector<long> m_slots;        // open addressing: class, or -1
    mutable std::vector<std::uint64_t> m_hash; // per class
    mutable std::vector<long> m_first;        // per class: a line holding it (0-based)
    mutable std::vector<long> m_start;        // per class + 1: offsets into m_positions
    mutable std::vector<long> m_positions;
};

} // namespace kseries::patch
