#include <kseries/flow/refresh.hpp>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include <kseries/apply/tree_apply.hpp>
#include <kseries/rebase/rebase.hpp>
#include <kseries/series/series_file.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/file.hpp>

namespace kseries::flow {

namespace {

using PatchIt = std::vector<series::SeriesPatch>::const_iterator;

// The files as the patch found them: the base with the earlier patches, each
// at fuzz 0 (a patch that needs fuzz leaves those files unknown).
Expected<void> apply_earlier(const series::LoadedSeries& loaded, PatchIt refreshed,
                             source::OverlayTree& before, const RefreshRequest& request) {
    for (auto p = loaded.patches.begin(); p != refreshed; ++p) {
        const auto applied = KSERIES_TRY(
            apply::apply_patch(p->patch, before, p->entry.strip, {0, p->entry.reverse}));
        if (!applied.applied()) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} does not apply to --base {} at fuzz 0, so the files "
                                    "before {} are not known; refresh the earlier patches first",
                                    p->entry.patch, request.base, request.patch),
                        Location{(loaded.dir / "series").string(), p->entry.line});
        }
    }
    return {};
}

// Each file the patch touches: its text before the patch, and after it as
// the edited tree has it.
Expected<std::vector<rebase::FileOutcome>> file_outcomes(const series::SeriesPatch& refreshed,
                                                         source::OverlayTree& before,
                                                         source::SourceTree& edited,
                                                         const RefreshRequest& request) {
    KSERIES_TRY(apply::check_targets(refreshed.patch, refreshed.entry.strip, before));
    std::vector<rebase::FileOutcome> files;
    for (const auto& f : refreshed.patch.files) {
        const auto targets = KSERIES_TRY(
            apply::resolve_targets(refreshed.patch, f, refreshed.entry.strip, before));
        rebase::FileOutcome out;
        out.file = &f;
        out.path = targets.new_path.empty() ? targets.old_path : targets.new_path;
        if (!targets.old_path.empty()) {
            out.before = KSERIES_TRY(before.read(targets.old_path));
        }
        const auto now = KSERIES_TRY(edited.read(out.path));
        if (!now && !f.deletes()) {
            return fail(ErrorKind::NotFound,
                        fmt::format("{}: the edited tree has no {}", request.tree, out.path));
        }
        out.placement.content = now.value_or("");
        files.push_back(std::move(out));
    }
    return files;
}

} // namespace

Expected<RefreshResult> refresh(const RefreshRequest& request) {
    const auto loaded = KSERIES_TRY(series::load_series(request.series));
    const auto it = std::find_if(loaded.patches.begin(), loaded.patches.end(),
                                 [&](const auto& p) { return p.entry.patch == request.patch; });
    if (it == loaded.patches.end()) {
        return fail(ErrorKind::Usage,
                    fmt::format("--patch {}: not in {}/series", request.patch, request.series));
    }
    auto base = KSERIES_TRY(source::DirectoryTree::open(request.base));
    auto edited = KSERIES_TRY(source::DirectoryTree::open(request.tree));
    source::OverlayTree before(*base);
    KSERIES_TRY(apply_earlier(loaded, it, before, request));
    const auto files = KSERIES_TRY(file_outcomes(*it, before, *edited, request));
    RefreshResult out;
    out.text = KSERIES_TRY(rebase::regenerate(it->patch, files, before));
    out.file = loaded.dir / it->entry.patch;
    out.strip_changed = it->entry.strip != 1 || it->entry.reverse;
    if (!request.dry_run) {
        KSERIES_TRY(write_file_atomic(out.file, out.text));
        out.written = true;
    }
    return out;
}

} // namespace kseries::flow
