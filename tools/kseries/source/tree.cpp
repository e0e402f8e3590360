#include <kseries/source/tree.hpp>

namespace kseries::source {

Expected<std::optional<std::string>> OverlayTree::read(std::string_view path) {
    if (const auto it = m_files.find(path); it != m_files.end()) {
        return it->second;
    }
    return m_base.read(path);
}

void OverlayTree::write(const std::string& path, std::optional<std::string> content) {
    m_files.insert_or_assign(path, std::move(content));
}

Expected<std::vector<FileChange>> OverlayTree::changes() {
    std::vector<FileChange> out;
    for (const auto& [path, content] : m_files) {
        auto base = m_base.read(path);
        if (!base) {
            return std::unexpected(base.error());
        }
        if (*base != content) {
            out.push_back({path, content});
        }
    }
    return out;
}

} // namespace kseries::source
