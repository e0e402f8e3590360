#include <algorithm>
#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <kseries/flow/module_compile.hpp>
#include <kseries/flow/rebase.hpp>
#include <kseries/flow/target.hpp>
#include <kseries/git/blob.hpp>
#include <kseries/rebase/accept.hpp>
#include <kseries/series/store_write.hpp>
#include <kseries/util/temp_dir.hpp>
#include <kseries/util/text.hpp>

namespace kseries::flow {

namespace fs = std::filesystem;

namespace {

// The store and the version to carry.
struct Loaded {
    series::Selection selection;
    const series::LoadedVersion* from = nullptr;
};

Expected<Loaded> load(const std::string& store, const std::string& from) {
    if (!series::Store::is_store(store)) {
        return fail(ErrorKind::Usage,
                    fmt::format("--series {}: not a series store (no index.toml); rebase writes "
                                "new versions into a store (docs/formats/store.md)",
                                store));
    }
    Loaded out{KSERIES_TRY(series::Selection::open(store)), nullptr};
    for (const auto& v : out.selection.versions()) {
        if (v.name == from) {
            out.from = &v;
        }
    }
    if (out.from == nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("--from {}: {} has no such version", from, store));
    }
    return out;
}

std::string release_name(const Target& target, const std::string& otherwise) {
    return target.release ? target.release->release.name() : otherwise;
}

// The new version's records: the carried patches keep their records, the
// dropped ones are recorded with the reason (and the rule that found them).
series::NewVersion new_version(const Loaded& in, const rebase::Request& req,
                               const rebase::Result& result, const Target& target) {
    series::NewVersion v;
    v.meta.name = req.as;
    v.meta.parent = req.from;
    if (target.release) {
        v.meta.base = target.release->release;
    }
    v.meta.created = fmt::format(
        "{:%F}", std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    v.meta.changelog = !req.changelog.empty()
                           ? req.changelog
                           : fmt::format("{} carried onto {} by kseries rebase", req.from,
                                         release_name(target, req.onto));
    if (in.from->meta) {
        v.meta.dropped = in.from->meta->dropped;
        // A patch skipped before is still missing from this version.
        v.meta.skipped = in.from->meta->skipped;
    }
    for (const auto& p : result.patches) {
        const auto* record = in.from->meta ? in.from->meta->record(p.name) : nullptr;
        if (p.fate == rebase::PatchFate::Carried) {
            v.patches.emplace_back(p.name, p.text);
            if (record != nullptr) {
                v.meta.patches.push_back(*record);
            }
            // The base blob of a file is the target's, before the series:
            // the first patch to touch it records it.
            for (const auto& f : p.files) {
                if (f.before) {
                    v.meta.base_blobs.emplace(f.path, git::blob_id(*f.before));
                }
            }
        } else {
            // A skipped patch keeps its detect rule too: the matrix then
            // reports it as missing unless a tree demonstrably has the fix.
            series::DroppedPatch d;
            d.name = p.name;
            d.reason = p.reason;
            if (record != nullptr) {
                d.detect = record->detect;
            }
            (p.fate == rebase::PatchFate::Skipped ? v.meta.skipped : v.meta.dropped)
                .push_back(std::move(d));
        }
    }
    return v;
}

// What a stop's SUMMARY says beyond the result: the patches still to do,
// and whether `verify --compile` can build the target (a whole kernel tree).
rebase::StopContext stop_context(const Loaded& in, const rebase::Result& result,
                                 const Target& target) {
    rebase::StopContext c;
    const auto& patches = in.from->series.patches;
    for (std::size_t i = result.patches.size(); i < patches.size(); ++i) {
        c.still_to_do.push_back(patches[i].entry.patch);
    }
    if (const auto root = full_kernel_tree(*target.tree)) {
        c.kernel_tree = root->string();
    }
    return c;
}

// --base is used only through the blob ids the carried version records
// (version.toml [base_blobs]); without them it would be ignored unseen.
void warn_unused_base(const series::LoadedVersion& from, const std::string& base) {
    if (!base.empty() && (!from.meta || from.meta->base_blobs.empty())) {
        spdlog::warn("--base {} is not used: {} records no base blobs ([base_blobs] in its "
                     "version.toml), so no file of it can be proven to be {}'s base; the "
                     "three-way merges use the hunks' old text as the ancestor",
                     base, from.name, from.name);
    }
}

// Whether every hunk of every patch was placed at its stated line, without
// fuzz: the new version would be the old one again.
bool applies_exactly(const rebase::Result& result) {
    const auto exact = [](const rebase::FileOutcome& f) {
        return !f.placement.hunks.empty() &&
               std::all_of(f.placement.hunks.begin(), f.placement.hunks.end(), [](const auto& h) {
                   return h.step == rebase::Step::Exact && h.moved == 0 && h.fuzz == 0;
               });
    };
    return !result.patches.empty() &&
           std::all_of(result.patches.begin(), result.patches.end(), [&](const auto& p) {
               return p.fate == rebase::PatchFate::Carried && !p.files.empty() &&
                      std::all_of(p.files.begin(), p.files.end(), exact);
           });
}

// How a finished carry ends: a request the flow then settles.
struct Finish {
    bool resumed = false;   // the maintainer decided something: always write
    bool next_free = false; // the name was "the next one", not given
    bool as_given = false;  // --as on a start: write even an exact copy
};

// Settles a carry: nothing to write (an exact copy), a workspace for the
// stop, or the new version written into the store.
Expected<RebaseOutcome> finish(const Loaded& in, const fs::path& ws, rebase::Request req,
                               rebase::Result result, const Target& target, Finish how) {
    RebaseOutcome out{std::move(req), std::move(result), target.release, {}, {}, {}, {}};
    const auto& r = out.result;
    if (!how.resumed && !r.stopped() && !how.as_given && applies_exactly(r)) {
        // Nothing to carry: a copy of the version would only be a second
        // name for it. --as forces one.
        out.nothing_written = fmt::format(
            "{} already applies exactly to {}; nothing written (--as vN writes it anyway)",
            out.request.from, release_name(target, out.request.onto));
    } else if (r.stopped()) {
        KSERIES_TRY(rebase::Workspace::create(ws, out.request, r, stop_context(in, r, target)));
        out.workspace = ws.string();
        KSERIES_TRY(rebase::add_to_workspace(ws, r));
    } else {
        auto version = new_version(
            in, out.request, rebase::with_updated_headers(r, *in.from, release_name(target, "")),
            target);
        // A name that was "the next one": a concurrent rebase that took it
        // meanwhile moves this one on, under the store's lock.
        version.next_free_name = how.next_free;
        out.written = KSERIES_TRY(series::write_version(*in.selection.store(), version)).string();
    }
    return out;
}

// The path in a source spec: without a `RELEASE=` prefix.
std::string spec_path(const std::string& spec) {
    if (const auto eq = spec.find('=');
        eq != std::string::npos && kernel::parse_release(spec.substr(0, eq))) {
        return spec.substr(eq + 1);
    }
    return spec;
}

// Whether a relative source path names something from here: the path
// itself, or the repository of a `REPO@REF`.
bool source_resolves(const std::string& path) {
    std::error_code ec;
    if (fs::exists(path, ec)) {
        return true;
    }
    const auto at = path.rfind('@');
    return at != std::string::npos && fs::is_directory(path.substr(0, at), ec);
}

// What a resume works on: the workspace, the store and the trees, checked
// to still belong together.
struct Resumed {
    rebase::Workspace ws;
    Loaded in;
    Trees trees;
    std::size_t at = 0; // the stopped patch's index in the series
};

// Opens what the workspace recorded; a series that changed since the stop
// would make its decisions refer to other patches.
Expected<Resumed> open_resumed(const fs::path& dir) {
    auto ws = KSERIES_TRY(rebase::Workspace::open(dir));
    const auto& req = ws.request;
    KSERIES_TRY(check_recorded_paths(dir, req));
    auto in = KSERIES_TRY(load(req.store, req.from));
    auto trees = KSERIES_TRY(open_trees(in.selection, req.onto, req.base));
    const auto& patches = in.from->series.patches;
    const std::size_t at = ws.decided.size();
    if (at >= patches.size() || patches[at].entry.patch != ws.stopped) {
        return fail(ErrorKind::Parse, fmt::format("{} no longer matches {}/{}/series", dir.string(),
                                                  req.store, req.from));
    }
    return Resumed{std::move(ws), std::move(in), std::move(trees), at};
}

// --continue: the maintainer's tree/ files, regenerated against the target
// as the patches before it left it, and verified like any other patch.
Expected<rebase::PatchOutcome> resolved_patch(const Resumed& r, const fs::path& dir) {
    source::OverlayTree before(*r.trees.target.tree);
    KSERIES_TRY(rebase::replay(r.ws.decided, before));
    // tree/ holds the stopped patch's files; another file edited there
    // would be dropped unseen by the regenerated patch.
    auto others = KSERIES_TRY(r.ws.unrelated_edits(dir, before));
    if (!others.empty()) {
        return fail(ErrorKind::Usage,
                    fmt::format("{}/tree/ has edits to files {} does not touch: {}. The "
                                "resolved patch carries only its own files; undo those "
                                "edits (or remove the files from tree/) and --continue, or "
                                "make them a patch of their own after the rebase",
                                dir.string(), r.ws.stopped, fmt::join(others, ", ")));
    }
    const auto& stopped = r.in.from->series.patches[r.at].patch;
    auto files = KSERIES_TRY(r.ws.resolved_files(dir, stopped));
    patch::Patch original = stopped;
    original.preamble = KSERIES_TRY(r.ws.resolved_header(dir, original));
    rebase::PatchOutcome out;
    out.name = r.ws.stopped;
    out.fate = rebase::PatchFate::Carried;
    out.reason = "resolved by the maintainer";
    out.text = KSERIES_TRY(rebase::regenerate(original, files, before));
    out.files = std::move(files); // their `before`s give the base blobs
    return out;
}

// --skip: not "dropped": nothing says the target has the fix, so every
// report shows the patch as missing on the new version's releases.
rebase::PatchOutcome skipped_patch(const Resumed& r, const std::string& reason) {
    rebase::PatchOutcome out;
    out.name = r.ws.stopped;
    out.fate = rebase::PatchFate::Skipped;
    out.reason = !reason.empty()
                     ? reason
                     : fmt::format("no reason given (rebase onto {})", r.ws.request.onto);
    return out;
}

// A resolution can be C in shape and still not compile: built before
// anything is written, while the workspace is still as it was. The module
// directories the changes patch are built, as `verify --compile` does, when
// the target is a whole kernel tree; in a temporary directory that is
// removed when the build succeeds and kept, with its build.log, when it fails.
Expected<CompileOutcome> compile_check(source::SourceTree& target,
                                       const std::vector<source::FileChange>& changes,
                                       const rebase::Request& request, const fs::path& workspace,
                                       CompileChoice choice) {
    const auto root = full_kernel_tree(target);
    if (!root) {
        return CompileOutcome{
            false, fmt::format("compile check: does not apply: {} is not a whole kernel source "
                               "tree on disk (a directory with a top Makefile, Kconfig and "
                               "scripts/), so {} is written unbuilt\n",
                               request.onto, request.as)};
    }
    if (choice == CompileChoice::Skip) {
        return CompileOutcome{
            false, fmt::format("compile check: skipped (--no-compile); build {} with:\n  kseries "
                               "verify --compile --series {}/{} --tree {}\n",
                               request.as, request.store, request.as, root->string())};
    }
    // Removed unless the build fails, when its log is what the maintainer reads.
    auto work_dir = KSERIES_TRY(TempDir::create({}, "kseries-rebase-compile-"));
    const fs::path work = work_dir.path();
    auto built = compile_modules(target, *root, changes, work, 2);
    if (built) {
        return CompileOutcome{
            false, fmt::format("compile check: {} compiles on {} ({} directories, config "
                               "allnoconfig + {}=m, {:.0f} s):\n{}",
                               request.as, root->string(), built->directories,
                               text::join(built->options, "=m "), built->seconds, built->built)};
    }
    if (built.error().kind() != ErrorKind::Tool) {
        if (built.error().kind() != ErrorKind::Usage) {
            return std::unexpected(built.error());
        }
        // A change outside a module directory (a header of include/, say):
        // only a whole kernel build would prove it, which is not this check.
        return CompileOutcome{false, fmt::format("compile check: does not apply: {}; {} is written "
                                                 "unbuilt\n",
                                                 built.error().message(), request.as)};
    }
    work_dir.keep();
    const std::string ws = workspace.string();
    std::string error = built.error().message();
    while (!error.empty() && error.back() == '\n') {
        error.pop_back(); // the end of make's output: one blank line before what to do
    }
    return CompileOutcome{
        true,
        fmt::format(
            "compile check: {} does not compile on {}: {}\n\n"
            "Nothing was written: {} is kept as it was and the store is unchanged.\n"
            "The build log is {}.\n"
            "Fix the resolution in {}/tree/ (the error may also lie in a patch carried after\n"
            "it) and run `kseries rebase --continue --workspace {}` again;\n"
            "`--continue --no-compile` writes {} without the check, `--abort` forgets the "
            "rebase.\n",
            request.as, root->string(), error, ws, (work / "build.log").string(), ws, ws,
            request.as)};
}

// The old workspace goes aside while the rest is written (a new one is
// written if the rest stops again), and comes back when nothing was.
Expected<RebaseOutcome> finish_resumed(const Resumed& r, const fs::path& dir, rebase::Result result,
                                       Finish how) {
    const auto retired = KSERIES_TRY(rebase::RetiredWorkspace::retire(dir));
    auto out = finish(r.in, dir, r.ws.request, std::move(result), r.trees.target, how);
    if (!out) {
        if (auto back = retired.restore(); !back) {
            spdlog::error("{}", back.error().message());
        }
        return out;
    }
    if (auto gone = retired.discard(); !gone) {
        spdlog::warn("the version was written, but {}", gone.error().message());
    }
    return out;
}

} // namespace

report::RebaseReport RebaseOutcome::report() const {
    return {&request, &result, written, workspace, nothing_written, onto_release};
}

Expected<RebaseOutcome> rebase_start(const RebaseRequest& request) {
    if (request.store.empty() || request.from.empty() || request.onto.empty()) {
        return fail(ErrorKind::Usage, "rebase needs --series STORE --from vN --onto SOURCE (or "
                                      "--continue, --skip, --abort)");
    }
    std::error_code ec;
    if (fs::exists(fs::symlink_status(request.workspace, ec))) {
        return fail(ErrorKind::Usage,
                    fmt::format("a rebase is in progress in {}: --continue, --skip or --abort it "
                                "first (or choose another --workspace)",
                                request.workspace.string()));
    }
    auto in = KSERIES_TRY(load(request.store, request.from));
    const auto& store = *in.selection.store();
    rebase::Request req{fs::absolute(request.store, ec).lexically_normal().string(),
                        request.from,
                        request.as.empty() ? KSERIES_TRY(series::next_free_version(store.dir()))
                                           : request.as,
                        absolute_source(request.onto),
                        absolute_source(request.base),
                        request.changelog};
    if (!req.store.empty() && req.store.back() == '/') {
        req.store.pop_back();
    }
    if (store.find(req.as) != nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("--as {}: {} already has that version; versions are never replaced",
                                req.as, req.store));
    }
    warn_unused_base(*in.from, request.base);
    auto trees = KSERIES_TRY(open_trees(in.selection, request.onto, request.base));
    source::OverlayTree overlay(*trees.target.tree);
    auto result =
        KSERIES_TRY(request.accept ? rebase::carry_accepting(*in.from, *trees.target.tree,
                                                             {trees.base_tree(), {}})
                                   : rebase::carry(*in.from, overlay, {trees.base_tree(), {}}));
    return finish(
        in, request.workspace, std::move(req), std::move(result), trees.target,
        {.resumed = false, .next_free = request.as.empty(), .as_given = !request.as.empty()});
}

Expected<RebaseOutcome> rebase_resume(const ResumeRequest& request) {
    const fs::path& dir = request.workspace;
    auto r = KSERIES_TRY(open_resumed(dir));
    std::vector<rebase::PatchOutcome> decided = r.ws.decided;
    decided.push_back(request.resolution == Resolution::Skip ? skipped_patch(r, request.reason)
                                                             : KSERIES_TRY(resolved_patch(r, dir)));
    source::OverlayTree overlay(*r.trees.target.tree);
    auto result = KSERIES_TRY(rebase::carry(*r.in.from, overlay, {r.trees.base_tree(), decided}));
    std::optional<CompileOutcome> compiled;
    if (request.resolution == Resolution::Continue && !result.stopped()) {
        const auto changes = KSERIES_TRY(overlay.changes());
        compiled = KSERIES_TRY(
            compile_check(*r.trees.target.tree, changes, r.ws.request, dir, request.compile));
        if (compiled->failed) {
            return RebaseOutcome{r.ws.request, std::move(result), r.trees.target.release, {}, {},
                                 {},           compiled};
        }
    }
    auto out = KSERIES_TRY(finish_resumed(
        r, dir, std::move(result),
        {.resumed = true, .next_free = !request.fixed_name, .as_given = request.fixed_name}));
    out.compile = std::move(compiled);
    return out;
}

Expected<AbortOutcome> rebase_abort(const fs::path& workspace) {
    auto ws = KSERIES_TRY(rebase::Workspace::open(workspace));
    std::error_code ec;
    fs::remove_all(workspace, ec);
    if (ec) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot remove {}: {}", workspace.string(), ec.message()));
    }
    return AbortOutcome{workspace, ws.request.store};
}

Expected<void> check_recorded_paths(const fs::path& workspace, const rebase::Request& request) {
    struct Recorded {
        const char* what;
        std::string path;
        bool resolves;
    };
    const std::string onto = spec_path(request.onto);
    const std::string base = spec_path(request.base);
    const Recorded recorded[] = {
        {"series store", request.store, series::Store::is_store(request.store)},
        {"target (--onto)", onto, source_resolves(onto)},
        {"base tree (--base)", base, base.empty() || source_resolves(base)},
    };
    for (const auto& r : recorded) {
        if (r.path.empty() || fs::path(r.path).is_absolute() || r.resolves) {
            continue;
        }
        std::error_code ec;
        const fs::path here = fs::current_path(ec);
        return fail(ErrorKind::Usage,
                    fmt::format("{}/state.json records the rebase's {} as the relative path '{}' "
                                "(a workspace written before kseries recorded absolute paths), "
                                "and it does not resolve from {}. Run this command again from "
                                "the directory the rebase was started in, or forget this rebase "
                                "(kseries rebase --abort --workspace {}) and run it again",
                                workspace.string(), r.what, r.path, here.string(),
                                workspace.string()));
    }
    return {};
}

} // namespace kseries::flow
