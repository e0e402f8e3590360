#include <kseries/git/repository.hpp>

#include <kseries/git/libgit2.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fnmatch.h>

namespace kseries::git {

using namespace detail;

namespace {

Expected<Repository> open_repository(const std::filesystem::path& path) {
    init_once();
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
        return fail(ErrorKind::NotFound,
                    fmt::format("cannot open git repository {}: {}", path.string(), last_error()));
    }
    return Repository(raw);
}

std::string oid_hex(const git_oid& oid) {
    std::array<char, GIT_OID_HEXSZ + 1> hex{};
    git_oid_tostr(hex.data(), hex.size(), &oid);
    return {hex.data()};
}

// The commit a revision names, as hex; nullopt when it names none.
std::optional<std::string> peel_to_commit(git_repository* repo, const std::string& spec) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo, spec.c_str()) != 0) {
        return std::nullopt;
    }
    const Object obj(raw);
    git_object* commit = nullptr;
    if (git_object_peel(&commit, obj.get(), GIT_OBJECT_COMMIT) != 0) {
        return std::nullopt;
    }
    const Object peeled(commit);
    return oid_hex(*git_object_id(peeled.get()));
}

using SharedRepository = std::shared_ptr<git_repository>;

class CommitTree final : public source::SourceTree {
public:
    CommitTree(SharedRepository repo, Tree tree, std::string label)
        : m_repo(std::move(repo)), m_tree(std::move(tree)), m_label(std::move(label)) {}

    [[nodiscard]] std::string describe() const override { return m_label; }

    // A commit's tree never changes: each path is read from the object
    // database once (checks read the same files under several policies).
    [[nodiscard]] Expected<source::Content> load(std::string_view path) override {
        if (const auto it = m_read.find(path); it != m_read.end()) {
            return it->second;
        }
        auto text = read_uncached(path);
        if (text) {
            m_read.emplace(std::string(path), *text);
        }
        return text;
    }

private:
    // Walks the path one tree at a time, as DirectoryTree walks directories:
    // a symbolic link anywhere on the way is refused, never followed.
    [[nodiscard]] Expected<source::Content> read_uncached(std::string_view path) {
        Tree current;
        const git_tree* tree = m_tree.get();
        std::string walked;
        std::size_t start = 0;
        while (true) {
            const std::size_t slash = path.find('/', start);
            const std::string part(path.substr(start, slash == std::string_view::npos
                                                          ? std::string_view::npos
                                                          : slash - start));
            walked += walked.empty() ? part : "/" + part;
            const git_tree_entry* entry = git_tree_entry_byname(tree, part.c_str());
            if (entry == nullptr) {
                return source::Content{};
            }
            const git_filemode_t mode = git_tree_entry_filemode(entry);
            if (mode == GIT_FILEMODE_LINK) {
                return fail(ErrorKind::Unsafe,
                            fmt::format("refusing '{}' in {}: {} is a symbolic link (kseries never "
                                        "follows a link)",
                                        path, m_label, walked));
            }
            const bool last = slash == std::string_view::npos;
            if (last) {
                if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
                    return fail(ErrorKind::Unsafe,
                                fmt::format("refusing '{}' in {}: not a regular file", path,
                                            m_label));
                }
                git_blob* raw = nullptr;
                if (git_blob_lookup(&raw, m_repo.get(), git_tree_entry_id(entry)) != 0) {
                    return fail(ErrorKind::Io, fmt::format("cannot read {} in {}: {}", path,
                                                           m_label, last_error()));
                }
                const Blob blob(raw);
                const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
                return source::make_content(
                    std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get()))));
            }
            if (mode != GIT_FILEMODE_TREE) {
                return source::Content{};
            }
            git_tree* sub = nullptr;
            if (git_tree_lookup(&sub, m_repo.get(), git_tree_entry_id(entry)) != 0) {
                return fail(ErrorKind::Io, fmt::format("cannot read {} in {}: {}", walked, m_label,
                                                       last_error()));
            }
            current = Tree(sub);
            tree = current.get();
            start = slash + 1;
        }
    }

    SharedRepository m_repo;
    Tree m_tree;
    std::string m_label;
    std::map<std::string, source::Content, std::less<>> m_read;
};

Expected<std::unique_ptr<source::SourceTree>> commit_tree(const SharedRepository& repo,
                                                          const std::filesystem::path& repo_path,
                                                          const std::string& commit_id) {
    git_oid oid{};
    git_commit* commit = nullptr;
    git_tree* tree = nullptr;
    if (git_oid_fromstr(&oid, commit_id.c_str()) != 0 ||
        git_commit_lookup(&commit, repo.get(), &oid) != 0) {
        return fail(ErrorKind::NotFound, fmt::format("no commit {} in {}: {}", commit_id,
                                                     repo_path.string(), last_error()));
    }
    const int rc = git_commit_tree(&tree, commit);
    git_commit_free(commit);
    if (rc != 0) {
        return fail(ErrorKind::Io, fmt::format("cannot read the tree of {} in {}: {}", commit_id,
                                               repo_path.string(), last_error()));
    }
    return std::make_unique<CommitTree>(repo, Tree(tree),
                                        fmt::format("{}@{}", repo_path.string(),
                                                    commit_id.substr(0, 12)));
}

SharedRepository shared(Repository repo) {
    return {repo.release(), git_repository_free};
}

} // namespace

Expected<std::vector<RefMatch>> match_refs(const std::filesystem::path& repo_path,
                                           const std::vector<std::string>& patterns) {
    auto repo = KSERIES_TRY(open_repository(repo_path));
    git_reference_iterator* raw_it = nullptr;
    if (git_reference_iterator_new(&raw_it, repo.get()) != 0) {
        return fail(ErrorKind::Io, fmt::format("cannot list refs of {}: {}", repo_path.string(),
                                               last_error()));
    }
    const RefIterator it(raw_it);
    std::vector<std::pair<std::string, std::string>> refs; // short name, full name
    git_reference* raw_ref = nullptr;
    while (git_reference_next(&raw_ref, it.get()) == 0) {
        const Reference ref(raw_ref);
        refs.emplace_back(git_reference_shorthand(ref.get()), git_reference_name(ref.get()));
    }

    std::vector<RefMatch> out;
    for (const auto& pattern : patterns) {
        bool any = false;
        for (const auto& [short_name, full_name] : refs) {
            if (::fnmatch(pattern.c_str(), short_name.c_str(), 0) != 0 &&
                ::fnmatch(pattern.c_str(), full_name.c_str(), 0) != 0) {
                continue;
            }
            if (auto commit = peel_to_commit(repo.get(), full_name)) {
                any = true;
                const bool seen = std::any_of(out.begin(), out.end(), [&](const RefMatch& m) {
                    return m.name == short_name;
                });
                if (!seen) {
                    out.push_back({short_name, std::move(*commit)});
                }
            }
        }
        if (!any) {
            auto commit = peel_to_commit(repo.get(), pattern);
            if (!commit) {
                return fail(ErrorKind::NotFound,
                            fmt::format("no ref or commit matches '{}' in {}", pattern,
                                        repo_path.string()));
            }
            out.push_back({pattern, std::move(*commit)});
        }
    }
    std::sort(out.begin(), out.end(),
              [](const RefMatch& a, const RefMatch& b) { return a.name < b.name; });
    return out;
}

Expected<std::unique_ptr<source::SourceTree>>
RepositoryPool::open_commit_tree(const std::string& commit_id) {
    SharedRepository repo;
    {
        const std::scoped_lock lock(m_mutex);
        if (const auto it = m_handles.find(std::this_thread::get_id()); it != m_handles.end()) {
            repo = it->second;
        }
    }
    if (!repo) {
        auto opened = KSERIES_TRY(open_repository(m_path));
        repo = shared(std::move(opened));
        const std::scoped_lock lock(m_mutex);
        m_handles.emplace(std::this_thread::get_id(), repo);
    }
    return commit_tree(repo, m_path, commit_id);
}

Expected<std::unique_ptr<source::SourceTree>> open_commit_tree(const std::filesystem::path& repo_path,
                                                               const std::string& commit_id) {
    auto repo = KSERIES_TRY(open_repository(repo_path));
    return commit_tree(shared(std::move(repo)), repo_path, commit_id);
}

} // namespace kseries::git
