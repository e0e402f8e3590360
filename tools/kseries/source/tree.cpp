#include <algorithm>

#include <kseries/source/tree.hpp>

namespace kseries::source {

Expected<std::optional<std::string>> SourceTree::read(std::string_view path) {
    const auto content = KSERIES_TRY(load(path));
    if (!content) {
        return std::optional<std::string>{};
    }
    return std::optional<std::string>(*content);
}

Expected<Content> OverlayTree::load(std::string_view path) {
    if (const auto it = m_files.find(path); it != m_files.end()) {
        return it->second;
    }
    return load_base(path);
}

Expected<Content> OverlayTree::load_base(std::string_view path) {
    if (const auto it = m_base_reads.find(path); it != m_base_reads.end()) {
        return it->second;
    }
    auto content = m_base.load(path);
    if (content) {
        m_base_reads.emplace(std::string(path), *content);
    }
    return content;
}

void OverlayTree::write(const std::string& path, Content content) {
    m_files.insert_or_assign(path, std::move(content));
}

void OverlayTree::set_mode(const std::string& path, FileMode mode) {
    m_modes.insert_or_assign(path, mode);
}

Expected<std::vector<FileChange>> OverlayTree::changes() {
    std::vector<FileChange> out;
    auto add = [&](const std::string& path) -> Expected<void> {
        const auto base = KSERIES_TRY(load_base(path));
        const auto written = m_files.find(path);
        const Content& content = written != m_files.end() ? written->second : base;
        const auto mode = m_modes.find(path);
        const bool same = content == base || (content && base && *content == *base);
        if (content && mode != m_modes.end()) {
            out.push_back({path, content, mode->second});
        } else if (!same) {
            out.push_back({path, content});
        }
        return {};
    };
    for (const auto& [path, content] : m_files) {
        KSERIES_TRY(add(path));
    }
    for (const auto& [path, mode] : m_modes) {
        if (!m_files.contains(path)) {
            KSERIES_TRY(add(path));
        }
    }
    std::sort(out.begin(), out.end(),
              [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
    return out;
}

} // namespace kseries::source
