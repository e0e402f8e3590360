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
    //
    // A crash (even SIGKILL) cannot leave the tree half-changed either: a
    // journal (`.kseries-commit` at the top of the tree) names every
    // temporary file before it is made and says, once all are on disk,
    // that the renames may start. The next open() finishes what it finds:
    // before that point the temporary files are removed (the tree stays as
    // it was), after it the remaining renames are done (the tree is fully
    // changed). Commits on one tree take turns (flock on its directory).
    [[nodiscard]] Expected<void> commit(const std::vector<FileChange>& changes);

    // The journal's name, at the top of the tree.
    static constexpr const char* journal_name = ".kseries-commit";

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

    struct JournalOp {
        std::string path;
        std::string temp; // empty: a deletion
    };
    // Writes the journal (atomically, synced) in `state` "staging" or "commit".
    [[nodiscard]] Expected<void> write_journal(std::string_view state, const std::vector<JournalOp>& ops);
    // Finishes or undoes what an interrupted commit left; nothing to do
    // without a journal.
    [[nodiscard]] Expected<void> recover();
    void remove_journal();

    UniqueFd m_fd;
    std::filesystem::path m_root;
};

} // namespace kseries::source
