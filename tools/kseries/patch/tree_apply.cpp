#include <kseries/patch/tree_apply.hpp>

#include <kseries/patch/names.hpp>

#include <fmt/format.h>

namespace kseries::patch {

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
    auto stripped = strip_components(name, strip);
    if (!stripped) {
        return fail(ErrorKind::Parse,
                    fmt::format("cannot strip {} leading component{} from '{}' (-p{})", strip,
                                strip == 1 ? "" : "s", name, strip),
                    where);
    }
    if (auto reason = unsafe_path_reason(*stripped)) {
        return fail(ErrorKind::Unsafe, fmt::format("refusing path '{}': {}", *stripped, *reason),
                    where);
    }
    return normalize_path(*stripped);
}

} // namespace

Expected<FileTargets> resolve_targets(const Patch& patch, const FilePatch& file, int strip,
                                      source::SourceTree& tree) {
    FileTargets targets;
    const bool has_old = file.old_name != dev_null && !file.creates();
    const bool has_new = file.new_name != dev_null && !file.deletes();
    if (has_old) {
        auto p = target_path(patch, file, file.old_name, strip);
        if (!p) {
            return std::unexpected(p.error());
        }
        targets.old_path = std::move(*p);
    }
    if (has_new) {
        auto p = target_path(patch, file, file.new_name, strip);
        if (!p) {
            return std::unexpected(p.error());
        }
        targets.new_path = std::move(*p);
    }
    // Plain diffs name the file twice (e.g. "a/x" and "b/x", or the seed's
    // "linux-…/x" and "linux-….new/x"); both usually strip to the same path.
    // When they differ and this is no git rename or copy, patch uses the one
    // that exists, preferring the old name.
    if (has_old && has_new && targets.old_path != targets.new_path && !file.rename &&
        !file.copy) {
        auto old_file = tree.read(targets.old_path);
        if (!old_file) {
            return std::unexpected(old_file.error());
        }
        if (*old_file) {
            targets.new_path = targets.old_path;
        } else {
            targets.old_path = targets.new_path;
        }
    }
    return targets;
}

Expected<PatchResult> apply_patch(const Patch& patch, source::OverlayTree& tree, int strip,
                                  const ApplyOptions& options) {
    PatchResult out;
    for (const auto& file : patch.files) {
        auto targets = resolve_targets(patch, file, strip, tree);
        if (!targets) {
            return std::unexpected(targets.error());
        }
        const bool reverse = options.reverse;
        const std::string& read_path = reverse ? targets->new_path : targets->old_path;
        const std::string& write_path = reverse ? targets->old_path : targets->new_path;

        std::optional<std::string> input;
        if (!read_path.empty()) {
            auto data = tree.read(read_path);
            if (!data) {
                return std::unexpected(data.error().with_context(
                    fmt::format("{}:{}", patch.name, file.line)));
            }
            input = std::move(*data);
        } else if (!write_path.empty()) {
            // A creation: an existing file at the target is what patch checks.
            auto existing = tree.read(write_path);
            if (!existing) {
                return std::unexpected(existing.error());
            }
            input = std::move(*existing);
        }

        TreeFileResult r;
        r.path = write_path.empty() ? read_path : write_path;
        r.old_path = read_path.empty() ? r.path : read_path;
        r.file = &file;
        r.result = apply_file(file, input ? std::optional<std::string_view>(*input) : std::nullopt,
                              options);

        const auto status = r.result.status;
        const bool touched = status == FileStatus::Applied || status == FileStatus::Failed ||
                             status == FileStatus::NotDeleted;
        if (touched) {
            if (r.result.removed) {
                tree.write(r.path, std::nullopt);
            } else {
                tree.write(r.path, r.result.content);
                if (file.rename && !reverse && r.old_path != r.path) {
                    tree.write(r.old_path, std::nullopt);
                }
            }
        }
        out.files.push_back(std::move(r));
    }
    return out;
}

} // namespace kseries::patch
