// A tree on disk. Every access walks the path one component at a time from
// the root's descriptor with O_NOFOLLOW, so no path, however it is spelled,
// can leave the tree: a symbolic link anywhere on the way is refused, not
// followed. Writes are all-or-nothing (see commit()).
#pragma once

#include <filesystem>

#include <kseries/source/tree.hpp>
#include <kseries/util/fd.hpp>

namespace kseries::source {

class DirectoryTree final : public SourceTree {
public:
    [[nodiscard]] static Expected<std::unique_ptr<DirectoryTree>>
    open(const std::filesystem::path& root);

    [[nodiscard]] Expected<std::optional<std::string>> read(std::string_view path) override;
    [[nodiscard]] std::string describe() const override { return m_root.string(); }

    // Writes every change or none: all new contents are first written to
    // temporary files beside their targets and synced; only then are they
    // renamed into place. A failure before that point removes the temporary
    // files (and directories it created) and leaves the tree as it was.
    [[nodiscard]] Expected<void> commit(const std::vector<FileChange>& changes);

    DirectoryTree(UniqueFd fd, std::filesystem::path root)
        : m_fd(std::move(fd)), m_root(std::move(root)) {}

private:
    struct Parent {
        UniqueFd fd;
        std::string leaf;
        std::vector<std::string> created; // directories made on the way, outermost first
    };
    enum class Create { No, Yes };
    [[nodiscard]] Expected<std::optional<Parent>> open_parent(std::string_view path, Create create);

    UniqueFd m_fd;
    std::filesystem::path m_root;
};

} // namespace kseries::source
