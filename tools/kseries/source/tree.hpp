// A kernel source tree kseries can read files from. Paths are relative,
// '/'-separated and already checked by patch::unsafe_path_reason().
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::source {

// A file's bytes, shared and never changed: a run reads each file once and
// every step that needs it (the safety checks, each policy's placement, the
// line index, the changes to write) holds the same bytes. nullptr means the
// file does not exist.
using Content = std::shared_ptr<const std::string>;

[[nodiscard]] inline Content make_content(std::string bytes) {
    return std::make_shared<const std::string>(std::move(bytes));
}

class SourceTree {
public:
    SourceTree() = default;
    SourceTree(const SourceTree&) = delete;
    SourceTree& operator=(const SourceTree&) = delete;
    SourceTree(SourceTree&&) = delete;
    SourceTree& operator=(SourceTree&&) = delete;
    virtual ~SourceTree() = default;

    // The file's bytes; nullptr when it does not exist.
    [[nodiscard]] virtual Expected<Content> load(std::string_view path) = 0;
    // A copy of them, for a caller that edits them; nullopt when the file
    // does not exist.
    [[nodiscard]] Expected<std::optional<std::string>> read(std::string_view path);
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

// One file's new state: its content, or nullptr to delete it, and its mode:
// nullopt keeps an existing file's mode and makes a new file 0666 less the
// umask (as both programs do for a file whose mode the patch does not state).
struct FileChange {
    std::string path;
    Content content;
    std::optional<FileMode> mode = std::nullopt;
};

// Changes layered over another tree, in memory. Later reads see earlier
// writes, so a series is applied patch after patch without touching disk.
// What it reads from the base is kept: each file is read from the base once,
// however many runs layer over this one.
class OverlayTree final : public SourceTree {
public:
    explicit OverlayTree(SourceTree& base) : m_base(base) {}

    [[nodiscard]] Expected<Content> load(std::string_view path) override;
    [[nodiscard]] std::string describe() const override { return m_base.describe(); }

    // nullptr deletes the file.
    void write(const std::string& path, Content content);
    // The mode the file gets (a git patch's "new mode" or "new file mode").
    void set_mode(const std::string& path, FileMode mode);
    // Everything written so far, by path, including writes that restored
    // the base's content.
    [[nodiscard]] const std::map<std::string, Content, std::less<>>& written() const {
        return m_files;
    }
    [[nodiscard]] const std::map<std::string, FileMode, std::less<>>& modes() const {
        return m_modes;
    }
    // Every file whose content differs from the base or whose mode is set
    // (a mode-only change has the base's content), in path order.
    [[nodiscard]] Expected<std::vector<FileChange>> changes();

private:
    [[nodiscard]] Expected<Content> load_base(std::string_view path);

    SourceTree& m_base;
    std::map<std::string, Content, std::less<>> m_base_reads;
    std::map<std::string, Content, std::less<>> m_files;
    std::map<std::string, FileMode, std::less<>> m_modes;
};

} // namespace kseries::source
