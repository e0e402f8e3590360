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

// The permission bits a change gives a file. git apply clears the umask's
// bits from them (`umask`); GNU patch sets a git patch's stated mode as it
// is.
struct FileMode {
    unsigned bits = 0666;
    bool umask = true;
};

// One file's new state: its content, or nullopt to delete it, and its mode:
// nullopt keeps an existing file's mode and makes a new file 0666 less the
// umask (as both programs do for a file whose mode the patch does not state).
struct FileChange {
    std::string path;
    std::optional<std::string> content;
    std::optional<FileMode> mode = std::nullopt;
};

// Changes layered over another tree, in memory. Later reads see earlier
// writes, so a series is applied patch after patch without touching disk.
class OverlayTree final : public SourceTree {
public:
    explicit OverlayTree(SourceTree& base) : m_base(base) {}

    [[nodiscard]] Expected<std::optional<std::string>> read(std::string_view path) override;
    [[nodiscard]] std::string describe() const override { return m_base.describe(); }

    void write(const std::string& path, std::optional<std::string> content);
    // The mode the file gets (a git patch's "new mode" or "new file mode").
    void set_mode(const std::string& path, FileMode mode);
    // Everything written so far, by path, including writes that restored
    // the base's content.
    [[nodiscard]] const std::map<std::string, std::optional<std::string>, std::less<>>&
    written() const {
        return m_files;
    }
    [[nodiscard]] const std::map<std::string, FileMode, std::less<>>& modes() const {
        return m_modes;
    }
    // Every file whose content differs from the base or whose mode is set
    // (a mode-only change has the base's content), in path order.
    [[nodiscard]] Expected<std::vector<FileChange>> changes();

private:
    SourceTree& m_base;
    std::map<std::string, std::optional<std::string>, std::less<>> m_files;
    std::map<std::string, FileMode, std::less<>> m_modes;
};

} // namespace kseries::source
