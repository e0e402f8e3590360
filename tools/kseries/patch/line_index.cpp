#include <functional>

#include <kseries/patch/line_index.hpp>
#include <kseries/util/text.hpp>

namespace kseries::patch {

LineIndex::LineIndex(std::string_view data) : m_lines(text::split_lines(data)) {}

long LineIndex::find(std::string_view text, std::uint64_t hash) const {
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const long cls = m_slots[slot];
        if (cls < 0) {
            return -1;
        }
        const auto c = static_cast<std::size_t>(cls);
        if (m_hash[c] == hash && m_lines[static_cast<std::size_t>(m_first[c])] == text) {
            return cls;
        }
    }
}

void LineIndex::build() const {
    m_built = true;
    std::size_t size = 16;
    while (size < 2 * m_lines.size()) {
        size *= 2;
    }
    m_slots.assign(size, -1);
    const std::size_t mask = size - 1;
    std::vector<long> cls_of(m_lines.size());
    std::vector<long> counts;
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        const std::uint64_t hash = std::hash<std::string_view>{}(m_lines[i]);
        std::size_t slot = hash & mask;
        long cls = -1;
        for (;; slot = (slot + 1) & mask) {
            cls = m_slots[slot];
            if (cls < 0) {
                cls = static_cast<long>(m_hash.size());
                m_slots[slot] = cls;
                m_hash.push_back(hash);
                m_first.push_back(static_cast<long>(i));
                counts.push_back(0);
                break;
            }
            const auto c = static_cast<std::size_t>(cls);
            if (m_hash[c] == hash && m_lines[static_cast<std::size_t>(m_first[c])] == m_lines[i]) {
                break;
            }
        }
        cls_of[i] = cls;
        ++counts[static_cast<std::size_t>(cls)];
    }
    m_start.assign(counts.size() + 1, 0);
    for (std::size_t c = 0; c < counts.size(); ++c) {
        m_start[c + 1] = m_start[c] + counts[c];
    }
    m_positions.resize(m_lines.size());
    std::vector<long> next(m_start.begin(), m_start.end() - 1);
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        const auto c = static_cast<std::size_t>(cls_of[i]);
        m_positions[static_cast<std::size_t>(next[c]++)] = static_cast<long>(i) + 1;
    }
}

std::span<const long> LineIndex::positions(std::string_view text) const {
    if (!m_built) {
        build();
    }
    const long cls = find(text, std::hash<std::string_view>{}(text));
    if (cls < 0) {
        return {};
    }
    const auto c = static_cast<std::size_t>(cls);
    return std::span<const long>(m_positions)
        .subspan(static_cast<std::size_t>(m_start[c]),
                 static_cast<std::size_t>(m_start[c + 1] - m_start[c]));
}

} // namespace kseries::patch
