#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include <kseries/apply/tree_apply.hpp>
#include <kseries/git/blob.hpp>
#include <kseries/patch/git_apply.hpp>
#include <kseries/patch/names.hpp>

namespace kseries::apply {

using patch::ApplyOptions;
using patch::dev_null;
using patch::Engine;
using patch::FilePatch;
using patch::FileStatus;
using patch::HunkStatus;
using patch::LineIndex;
using patch::Patch;

bool PatchResult::applied() const {
    for (const auto& f : files) {
        if (f.result.status != FileStatus::Applied) {
            return false;
        }
    }
    return true;
}

namespace {

Expected<std::string> target_path(const Patch& patch, const FilePatch& file,
                                  const std::string& name, int strip) {
    const Location where{patch.name, file.line};
    auto stripped = patch::strip_components(name, strip);
    if (!stripped) {
        return fail(ErrorKind::Parse,
                    fmt::format("cannot strip {} leading component{} from '{}' (-p{})", strip,
                                strip == 1 ? "" : "s", name, strip),
                    where);
    }
    if (auto reason = patch::unsafe_path_reason(*stripped)) {
        return fail(ErrorKind::Unsafe, fmt::format("refusing path '{}': {}", *stripped, *reason),
                    where);
    }
    return patch::normalize_path(*stripped);
}

// git apply refuses (verify_path, "invalid path") a path through a
// repository's own directory, as core.protectNTFS (on by default) spells
// it too: ".git" in any case, followed by dots or spaces, or "git~1".
bool git_refuses(std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        std::string part(path.substr(start, end - start));
        std::transform(part.begin(), part.end(), part.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (part == "git~1" ||
            (part.starts_with(".git") && part.find_first_not_of(". ", 4) == std::string::npos)) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

Expected<void> refuse_git_paths(const Patch& patch, const FilePatch& file,
                                const FileTargets& targets, Engine engine) {
    if (engine != Engine::GitApply) {
        return {};
    }
    for (const auto* p : {&targets.old_path, &targets.new_path}) {
        if (git_refuses(*p)) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("refusing path '{}': git apply refuses a path in a "
                                    "repository's .git directory (invalid path)",
                                    *p),
                        Location{patch.name, file.line});
        }
    }
    return {};
}

// The mode a git patch's "100644"/"100755" gives the file, as each program
// sets it: git apply as 0666/0777 less the umask, GNU patch exactly.
source::FileMode stated_mode(const std::string& mode, Engine engine) {
    const bool exec = mode == "100755";
    if (engine == Engine::GitApply) {
        return {exec ? 0777U : 0666U, true};
    }
    return {exec ? 0755U : 0644U, false};
}

} // namespace

std::vector<std::string> named_paths(const FilePatch& file, int strip) {
    std::vector<std::string> out;
    for (const auto* name : {&file.old_name, &file.new_name}) {
        if (*name == dev_null) {
            continue;
        }
        if (auto stripped = patch::strip_components(*name, strip)) {
            out.push_back(patch::normalize_path(*stripped));
        }
    }
    return out;
}

Expected<FileTargets> resolve_targets(const Patch& patch, const FilePatch& file, int strip,
                                      source::SourceTree& tree) {
    FileTargets targets;
    const bool has_old = file.old_name != dev_null && !file.creates();
    const bool has_new = file.new_name != dev_null && !file.deletes();
    if (has_old) {
        targets.old_path = KSERIES_TRY(target_path(patch, file, file.old_name, strip));
    }
    if (has_new) {
        targets.new_path = KSERIES_TRY(target_path(patch, file, file.new_name, strip));
    }
    // Plain diffs name the file twice (e.g. "a/x" and "b/x", or the seed's
    // "linux-…/x" and "linux-….new/x"); both usually strip to the same path.
    // When they differ and this is no git rename or copy, patch uses the one
    // that exists, preferring the old name.
    if (has_old && has_new && targets.old_path != targets.new_path && !file.rename && !file.copy) {
        const auto old_file = KSERIES_TRY(tree.load(targets.old_path));
        if (old_file) {
            targets.new_path = targets.old_path;
        } else {
            targets.old_path = targets.new_path;
        }
    }
    return targets;
}

Expected<void> check_targets(const Patch& patch, int strip, source::SourceTree& tree,
                             Engine engine) {
    for (const auto& file : patch.files) {
        const auto targets = KSERIES_TRY(resolve_targets(patch, file, strip, tree));
        KSERIES_TRY(refuse_git_paths(patch, file, targets, engine));
        for (const auto* path : {&targets.old_path, &targets.new_path}) {
            if (path->empty()) {
                continue;
            }
            if (auto read = tree.load(*path); !read) {
                return std::unexpected(
                    read.error().with_context(fmt::format("{}:{}", patch.name, file.line)));
            }
        }
    }
    return {};
}

const LineIndex& ApplyMemo::index(const source::Content& content) {
    auto& entry = m_indexes[content.get()];
    if (!entry.index) {
        entry.content = content;
        entry.index =
            std::make_unique<LineIndex>(content ? std::string_view(*content) : std::string_view{});
    }
    return *entry.index;
}

namespace {

// Which files of a results-only run someone reads again: a later section of
// the same patch, or a later patch of the run (`read_later`). Every file is
// read again in a run that is not results-only.
class LaterReads {
public:
    LaterReads(const Patch& patch, int strip, const TreeApplyOptions& run)
        : m_strip(strip), m_run(run) {
        if (run.results_only) {
            for (const auto& file : patch.files) {
                for (const auto& path : named_paths(file, strip)) {
                    ++m_ahead[path];
                }
            }
        }
    }

    // Moves past `file`; then: is `path` read again after it?
    void pass(const FilePatch& file) {
        if (m_run.results_only) {
            for (const auto& path : named_paths(file, m_strip)) {
                --m_ahead[path];
            }
        }
    }
    [[nodiscard]] bool wanted(const std::string& path) const {
        if (!m_run.results_only) {
            return true;
        }
        const auto it = m_ahead.find(path);
        return (it != m_ahead.end() && it->second > 0) ||
               (m_run.read_later != nullptr && m_run.read_later->contains(path));
    }

private:
    int m_strip;
    const TreeApplyOptions& m_run;
    std::map<std::string, int, std::less<>> m_ahead; // sections from here on naming each path
};

// Runs the engine on one section's input and finds where its failed hunks
// come closest.
void run_engine(TreeFileResult& r, const source::Content& content, const ApplyOptions& options,
                Engine engine, bool closest, ApplyMemo& memo) {
    const FilePatch& file = *r.file;
    const auto in = content ? std::optional<std::string_view>(*content) : std::nullopt;
    if (engine == Engine::GnuPatch) {
        r.result = patch::apply_file(file, in, options, memo.index(content));
    } else {
        r.result = patch::git_apply_file(file, in, memo.index(content), options.output);
    }
    if (!file.old_blob.empty() && in.has_value() && !options.reverse) {
        r.base_matches = git::id_matches(git::blob_id(in.value()), file.old_blob);
    }
    r.closest.reserve(r.result.hunks.size());
    for (std::size_t i = 0; i < r.result.hunks.size(); ++i) {
        const bool failed = r.result.hunks[i].status == HunkStatus::Failed;
        r.closest.push_back(failed && closest && in.has_value()
                                ? patch::closest_match(file.hunks[i], memo.index(content))
                                : std::nullopt);
    }
}

// Records what the section leaves in `staging`: the file as the engine's
// program writes it (its content moves there), a rename's old name gone,
// a stated mode.
void record(TreeFileResult& r, const source::Content& content, source::OverlayTree& staging,
            bool reverse, Engine engine) {
    const auto status = r.result.status;
    if (status != FileStatus::Applied && status != FileStatus::Failed &&
        status != FileStatus::NotDeleted) {
        return;
    }
    if (r.result.removed) {
        staging.write(r.path, nullptr);
        return;
    }
    // Unchanged bytes stay the same content: nothing is copied.
    const bool same = content && r.result.content == *content;
    staging.write(r.path, same ? content : source::make_content(std::move(r.result.content)));
    r.result.content.clear();
    const FilePatch& file = *r.file;
    if (file.rename && !reverse && r.old_path != r.path) {
        staging.write(r.old_path, nullptr);
    }
    if (const auto& mode = reverse ? file.old_mode : file.new_mode; !mode.empty()) {
        staging.set_mode(r.path, stated_mode(mode, engine));
    }
}

} // namespace

Expected<PatchResult> apply_patch(const Patch& patch, source::OverlayTree& tree, int strip,
                                  const ApplyOptions& options, Engine engine,
                                  const TreeApplyOptions& run) {
    if (engine == Engine::GitApply && options.reverse) {
        return fail(ErrorKind::Usage, "reverse application is modelled for GNU patch only");
    }
    ApplyMemo own;
    ApplyMemo& memo = run.memo != nullptr ? *run.memo : own;
    LaterReads later(patch, strip, run);
    // Sections of one patch may patch the same file again: each reads what
    // the previous one left, in this staging layer.
    source::OverlayTree staging(static_cast<source::SourceTree&>(tree));
    PatchResult out;
    for (const auto& file : patch.files) {
        const auto targets = KSERIES_TRY(resolve_targets(patch, file, strip, staging));
        KSERIES_TRY(refuse_git_paths(patch, file, targets, engine));
        const std::string& read_path = options.reverse ? targets.new_path : targets.old_path;
        const std::string& write_path = options.reverse ? targets.old_path : targets.new_path;
        // A creation reads the target too: an existing file is what patch checks.
        auto input = staging.load(read_path.empty() ? write_path : read_path);
        if (!input) {
            return std::unexpected(
                input.error().with_context(fmt::format("{}:{}", patch.name, file.line)));
        }
        TreeFileResult r;
        r.path = write_path.empty() ? read_path : write_path;
        r.old_path = read_path.empty() ? r.path : read_path;
        r.file = &file;
        later.pass(file);
        ApplyOptions engine_options = options;
        engine_options.output = later.wanted(r.path) || later.wanted(r.old_path);
        run_engine(r, *input, engine_options, engine, run.closest, memo);
        if (engine_options.output) {
            record(r, *input, staging, options.reverse, engine);
        }
        out.files.push_back(std::move(r));
    }
    // GNU patch leaves every file it wrote, failed hunks and all; git apply
    // writes nothing unless the whole patch applies.
    if (engine == Engine::GnuPatch || out.applied()) {
        for (const auto& [path, content] : staging.written()) {
            tree.write(path, content);
        }
        for (const auto& [path, mode] : staging.modes()) {
            tree.set_mode(path, mode);
        }
    }
    return out;
}

} // namespace kseries::apply
