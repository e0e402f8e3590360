// A kernel source tree kseries can read files from. Paths are relative,
// '/'-separated and already checked by patch::unsafe_path_reason().
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::source {

class SourceTree {
public:
    SourceTree() = default;
    SourceTree(const SourceTree&) = delete;
    SourceTree& operator=(const SourceTree&) = delete;
    SourceTree(SourceTree&&) = delete;
    SourceTree& operator=(SourceTree&&) = delete;
    virtual ~SourceTree() = default;

    // The file's bytes; nullopt when it does not exist.
    [[nodiscard]] virtual Expected<std::optional<std::string>> read(std::string_view path) = 0;
    // How the tree is named in messages and reports.
    [[nodiscard]] virtual std::string describe() const = 0;
};

// One file's new state: its content, or nullopt to delete it.
struct FileChange {
    std::string path;
    std::optional<std::string> content;
};

// Changes layered over another tree, in memory. Later reads see earlier
// writes, so a series is applied patch after patch without touching disk.
class OverlayTree final : public SourceTree {
public:
    explicit OverlayTree(SourceTree& base) : m_base(base) {}

    [[nodiscard]] Expected<std::optional<std::string>> read(std::string_view path) override;
    [[nodiscard]] std::string describe() const override { return m_base.describe(); }

    void write(const std::string& path, std::optional<std::string> content);
    // Everything written so far, by path, including writes that restored
    // the base's content.
    [[nodiscard]] const std::map<std::string, std::optional<std::string>, std::less<>>&
    written() const {
        return m_files;
    }
    // Every file whose state differs from the base, in path order.
    [[nodiscard]] Expected<std::vector<FileChange>> changes();

private:
    SourceTree& m_base;
    std::map<std::string, std::optional<std::string>, std::less<>> m_files;
};

} // namespace kseries::source
