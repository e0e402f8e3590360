// kseries refresh: regenerates one patch of a series from an edited tree,
// keeping its header (docs/commands/refresh.md). The files before the patch
// are the --base tree with the series' earlier patches applied (at fuzz 0,
// in memory); the files after it are the edited tree's. The new patch is
// git's diff of the two, verified to apply with patch -F0 and git apply at
// zero offset, and replaces the old one atomically. Nothing else is written.
#include <memory>

#include <fmt/format.h>

#include <kseries/apply/tree_apply.hpp>
#include <kseries/rebase/rebase.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/text.hpp>

#include "command.hpp"
#include "exit_codes.hpp"

namespace kseries::cli {

namespace {

struct RefreshOptions {
    std::string series;
    std::string patch;
    std::string tree;
    std::string base;
    bool dry_run = false;
};

Expected<int> refresh(const RefreshOptions& opts, const GlobalOptions& global) {
    auto loaded = series::load_series(opts.series);
    if (!loaded) {
        return std::unexpected(loaded.error());
    }
    const auto it = std::find_if(loaded->patches.begin(), loaded->patches.end(),
                                 [&](const auto& p) { return p.entry.patch == opts.patch; });
    if (it == loaded->patches.end()) {
        return fail(ErrorKind::Usage,
                    fmt::format("--patch {}: not in {}/series", opts.patch, opts.series));
    }
    auto base = source::DirectoryTree::open(opts.base);
    if (!base) {
        return std::unexpected(base.error());
    }
    auto edited = source::DirectoryTree::open(opts.tree);
    if (!edited) {
        return std::unexpected(edited.error());
    }
    // The files as the patch found them: the base with the earlier patches.
    source::OverlayTree before(**base);
    for (auto p = loaded->patches.begin(); p != it; ++p) {
        auto applied = apply::apply_patch(p->patch, before, p->entry.strip, {0, p->entry.reverse});
        if (!applied) {
            return std::unexpected(applied.error());
        }
        if (!applied->applied()) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} does not apply to --base {} at fuzz 0, so the files "
                                    "before {} are not known; refresh the earlier patches first",
                                    p->entry.patch, opts.base, opts.patch),
                        Location{(loaded->dir / "series").string(), p->entry.line});
        }
    }
    if (auto ok = apply::check_targets(it->patch, it->entry.strip, before); !ok) {
        return std::unexpected(ok.error());
    }
    std::vector<rebase::FileOutcome> files;
    for (const auto& f : it->patch.files) {
        auto targets = apply::resolve_targets(it->patch, f, it->entry.strip, before);
        if (!targets) {
            return std::unexpected(targets.error());
        }
        rebase::FileOutcome out;
        out.file = &f;
        out.path = targets->new_path.empty() ? targets->old_path : targets->new_path;
        if (!targets->old_path.empty()) {
            auto old_text = before.read(targets->old_path);
            if (!old_text) {
                return std::unexpected(old_text.error());
            }
            out.before = std::move(*old_text);
        }
        auto now = (*edited)->read(out.path);
        if (!now) {
            return std::unexpected(now.error());
        }
        if (!*now && !f.deletes()) {
            return fail(ErrorKind::NotFound,
                        fmt::format("{}: the edited tree has no {}", opts.tree, out.path));
        }
        out.placement.content = now->value_or("");
        files.push_back(std::move(out));
    }
    auto text = rebase::regenerate(it->patch, files, before);
    if (!text) {
        return std::unexpected(text.error());
    }
    if (opts.dry_run) {
        return emit(*text, exit_ok);
    }
    const auto file = loaded->dir / it->entry.patch;
    if (auto written = write_file_atomic(file, *text); !written) {
        return std::unexpected(written.error());
    }
    if (!global.quiet) {
        fmt::print(stderr, "kseries: refreshed {} from {}\n", text::printable(file.string()),
                   text::printable(opts.tree));
    }
    if (it->entry.strip != 1 || it->entry.reverse) {
        fmt::print(stderr,
                   "kseries: note: the refreshed patch names files a/PATH and b/PATH; "
                   "its line in {}/series must read '{} -p1'\n",
                   text::printable(opts.series), text::printable(it->entry.patch));
    }
    return exit_ok;
}

} // namespace

CommandBody add_refresh(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<RefreshOptions>();
    auto* cmd = app.add_subcommand(
        "refresh", "Regenerate one patch of a series from an edited tree, keeping its header");
    cmd->add_option("--series", opts->series, "the series directory")->required();
    cmd->add_option("--patch", opts->patch, "the patch to refresh, as named in the series file")
        ->required();
    cmd->add_option("--tree", opts->tree,
                    "the edited tree: the series applied up to this patch, then edited")
        ->required();
    cmd->add_option("--base", opts->base, "the same kernel tree without the series")->required();
    cmd->add_flag("--dry-run", opts->dry_run, "print the new patch instead of writing it");
    return [opts, &global]() -> Expected<int> { return refresh(*opts, global); };
}

} // namespace kseries::cli
