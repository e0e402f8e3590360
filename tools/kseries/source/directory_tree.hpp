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
    // Opens the tree for reading: nothing in it is changed, whatever it
    // holds. A journal an interrupted write left is only reported (a
    // warning); writing (lock_for_write()) finishes or undoes it.
    [[nodiscard]] static Expected<std::unique_ptr<DirectoryTree>>
    open(const std::filesystem::path& root);

    [[nodiscard]] Expected<Content> load(std::string_view path) override;
    [[nodiscard]] std::string describe() const override { return m_root.string(); }

    // Takes the tree's write lock (flock on its directory; waits, after
    // saying so, while another kseries run holds it) for as long as this
    // object lives, then finishes or undoes what an interrupted commit
    // left. A writer takes it before reading the files it will change, so
    // that no other run's change lands between its read and its write.
    [[nodiscard]] Expected<void> lock_for_write();

    // Writes every change or none: all new contents are first written to
    // temporary files beside their targets and synced; only then are they
    // renamed into place. A failure before that point removes the temporary
    // files (and directories it created) and leaves the tree as it was.
    // Takes the write lock first unless this object holds it.
    //
    // A crash (even SIGKILL) cannot leave the tree half-changed either: a
    // journal (`.kseries-commit` at the top of the tree) names every
    // temporary file before it is made and says, once all are on disk,
    // that the renames may start. The next lock_for_write() finishes what
    // it finds: before that point the temporary files are removed (the tree
    // stays as it was), after it the remaining renames are done (the tree
    // is fully changed). A tree's contents are untrusted, so recovery acts
    // only on a journal that names this very directory (device and inode)
    // and a random token, and only on temporary names carrying that token
    // (".NAME.kseries-TOKEN"), names no patch may create. A deletion is
    // staged as such a name too: a hard link to the file, so that a
    // recovery deletes a file only when it is the one the link holds.
    // As GNU patch does, a deletion also removes the directories it leaves
    // empty, innermost first, up to (never including) the tree's top.
    [[nodiscard]] Expected<void> commit(const std::vector<FileChange>& changes);

    // The journal's name, at the top of the tree.
    static constexpr const char* journal_name = ".kseries-commit";
    // Its format (JSON, every path percent-encoded: paths are bytes).
    static constexpr const char* journal_format = "kseries-commit 3";

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
    // Removes the directories of `path` that are empty, innermost first,
    // stopping at the first that is not (or is no directory).
    void remove_empty_directories_of(std::string_view path);

    // One commit's temporaries and their single rollback (directory_tree.cpp).
    class Staging;

    // The journal (journal.cpp).
    struct JournalOp {
        std::string path;
        std::string temp;
        bool remove = false; // a deletion: temp is a hard link to the file
    };
    // Writes the journal (atomically, synced) in `state` "staging" or "commit".
    [[nodiscard]] Expected<void> write_journal(std::string_view state, const std::string& token,
                                               const std::vector<JournalOp>& ops);
    struct Journal {
        std::string state;
        std::string token;
        std::vector<JournalOp> ops;
    };
    // The journal at the top of the tree (or the file `name` there), nullopt
    // when there is none; an error when it is not one kseries wrote for
    // this directory.
    [[nodiscard]] Expected<std::optional<Journal>> read_journal(const char* name = journal_name);
    // Finishes or undoes what an interrupted commit left; nothing to do
    // without a journal. Runs under the write lock only.
    [[nodiscard]] Expected<void> recover();
    // Does what `journal` (read from `label`) says is left to do.
    [[nodiscard]] Expected<void> settle(const Journal& journal, const std::string& label);
    // A run killed while writing its first journal leaves only that
    // journal's temporary, before any file of the tree was touched: each
    // that provably is one (this directory's, in state "staging", its token
    // that of its name) is removed, anything else under such a name left.
    void remove_unplaced_journals();
    void remove_journal(const std::string& token);

    UniqueFd m_fd;
    std::filesystem::path m_root;
    bool m_locked = false;
};

} // namespace kseries::source
