// kseries rebase: carries a version of a series store onto a new kernel tree
// and writes the next version (docs/commands/rebase.md). Exit 0 when the new
// version was written, 1 when the rebase stopped for the maintainer (the
// workspace says what to do), 2 on bad input (nothing written).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <kseries/git/blob.hpp>
#include <kseries/patch/parser.hpp>
#include <kseries/rebase/accept.hpp>
#include <kseries/rebase/rebase.hpp>
#include <kseries/rebase/workspace.hpp>
#include <kseries/report/rebase_report.hpp>
#include <kseries/series/store_write.hpp>

#include "command.hpp"
#include <kseries/flow/target.hpp>
#include "exit_codes.hpp"
#include "module_compile.hpp"
#include "rebase_continue.hpp"

namespace kseries::cli {

namespace {

namespace fs = std::filesystem;

struct RebaseOptions {
    std::string series;
    std::string from;
    std::string onto;
    std::string as;
    std::string base;
    std::string workspace = "kseries-rebase";
    std::string changelog;
    std::string reason; // --skip's reason
    std::string format = "text";
    bool resume = false;
    bool skip = false;
    bool abort = false;
    bool accept = false;     // take the proposals of unplaced hunks (propose.hpp)
    bool no_compile = false; // --continue writes without the compile check
};

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
    auto selection = series::Selection::open(store);
    if (!selection) {
        return std::unexpected(selection.error());
    }
    Loaded out{std::move(*selection), nullptr};
    for (const auto& v : out.selection.versions()) {
        if (v.name == from) {
            out.from = &v;
        }
    }
    if (out.from == nullptr) {
        return fail(ErrorKind::Usage, fmt::format("--from {}: {} has no such version", from, store));
    }
    return out;
}

std::string next_version(const series::Store& store) {
    unsigned long highest = 0;
    for (const auto& v : store.versions()) {
        highest = std::max(highest, std::stoul(v.name.substr(1)));
    }
    return fmt::format("v{}", highest + 1);
}

// The new version's records: the carried patches keep their records, the
// dropped ones are recorded with the reason (and the rule that found them).
series::NewVersion new_version(const Loaded& in, const rebase::Request& req,
                               const rebase::Result& result, const flow::Target& target) {
    series::NewVersion v;
    v.meta.name = req.as;
    v.meta.parent = req.from;
    if (target.release) {
        v.meta.base = target.release->release;
    }
    v.meta.created = fmt::format(
        "{:%F}", std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    v.meta.changelog =
        !req.changelog.empty()
            ? req.changelog
            : fmt::format("{} carried onto {} by kseries rebase", req.from,
                          target.release ? target.release->release.name() : req.onto);
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
                                 const flow::Target& target) {
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
    return !result.patches.empty() &&
           std::all_of(result.patches.begin(), result.patches.end(), [](const auto& p) {
               return p.fate == rebase::PatchFate::Carried && !p.files.empty() &&
                      std::all_of(p.files.begin(), p.files.end(), [](const auto& f) {
                          return !f.placement.hunks.empty() &&
                                 std::all_of(f.placement.hunks.begin(), f.placement.hunks.end(),
                                             [](const auto& h) {
                                                 return h.step == rebase::Step::Exact &&
                                                        h.moved == 0 && h.fuzz == 0;
                                             });
                      });
           });
}

Expected<int> finish(const RebaseOptions& opts, const Loaded& in, const rebase::Request& req,
                     const rebase::Result& result, const flow::Target& target) {
    report::RebaseReport rep{&req, &result, {}, {}, {}, target.release};
    const fs::path ws = opts.workspace;
    const bool resumed = opts.resume || opts.skip; // the maintainer decided something
    if (!resumed && !result.stopped() && opts.as.empty() && applies_exactly(result)) {
        // Nothing to carry: a copy of the version would only be a second
        // name for it. --as forces one.
        rep.nothing_written = fmt::format(
            "{} already applies exactly to {}; nothing written (--as vN writes it anyway)",
            req.from, target.release ? target.release->release.name() : req.onto);
    } else if (result.stopped()) {
        auto created = rebase::Workspace::create(ws, req, result, stop_context(in, result, target));
        if (!created) {
            return std::unexpected(created.error());
        }
        rep.workspace = ws.string();
        if (auto ok = rebase::add_to_workspace(ws, result); !ok) {
            return std::unexpected(ok.error());
        }
    } else {
        auto version =
            new_version(in, req,
                        rebase::with_updated_headers(
                            result, *in.from, target.release ? target.release->release.name() : ""),
                        target);
        // Without --as the name was "the next one": a concurrent rebase
        // that took it meanwhile moves this one on, under the store's lock.
        version.next_free_name = opts.as.empty();
        auto written = series::write_version(*in.selection.store(), version);
        if (!written) {
            return std::unexpected(written.error());
        }
        rep.written = written->string();
    }
    const std::string out = opts.format == "json" ? report::render_rebase_json(rep)
                            : opts.format == "md" ? report::render_rebase_markdown(rep)
                                                  : report::render_rebase_text(rep);
    return emit(out, result.stopped() ? exit_checks_failed : exit_ok);
}

Expected<int> start(const RebaseOptions& opts) {
    if (opts.series.empty() || opts.from.empty() || opts.onto.empty()) {
        return fail(ErrorKind::Usage, "rebase needs --series STORE --from vN --onto SOURCE (or "
                                      "--continue, --skip, --abort)");
    }
    std::error_code ec;
    if (fs::exists(fs::symlink_status(opts.workspace, ec))) {
        return fail(ErrorKind::Usage,
                    fmt::format("a rebase is in progress in {}: --continue, --skip or --abort it "
                                "first (or choose another --workspace)",
                                opts.workspace));
    }
    auto in = load(opts.series, opts.from);
    if (!in) {
        return std::unexpected(in.error());
    }
    std::error_code ec_abs;
    rebase::Request req{fs::absolute(opts.series, ec_abs).lexically_normal().string(),
                        opts.from,
                        opts.as.empty() ? next_version(*in->selection.store()) : opts.as,
                        flow::absolute_source(opts.onto),
                        flow::absolute_source(opts.base),
                        opts.changelog};
    if (!req.store.empty() && req.store.back() == '/') {
        req.store.pop_back();
    }
    if (in->selection.store()->find(req.as) != nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("--as {}: {} already has that version; versions are never replaced",
                                req.as, req.store));
    }
    warn_unused_base(*in->from, opts.base);
    auto trees = flow::open_trees(in->selection, opts.onto, opts.base);
    if (!trees) {
        return std::unexpected(trees.error());
    }
    source::OverlayTree overlay(*trees->target.tree);
    auto result = opts.accept ? rebase::carry_accepting(*in->from, *trees->target.tree,
                                                        {trees->base_tree(), {}})
                              : rebase::carry(*in->from, overlay, {trees->base_tree(), {}});
    if (!result) {
        return std::unexpected(result.error());
    }
    return finish(opts, *in, req, *result, trees->target);
}

// --continue and --skip: the stopped patch resolved (or dropped), then the
// rest carried.
Expected<int> resume(const RebaseOptions& opts) {
    auto ws = rebase::Workspace::open(opts.workspace);
    if (!ws) {
        return std::unexpected(ws.error());
    }
    const auto& req = ws->request;
    if (auto ok = check_recorded_paths(opts.workspace, req); !ok) {
        return std::unexpected(ok.error());
    }
    auto in = load(req.store, req.from);
    if (!in) {
        return std::unexpected(in.error());
    }
    auto trees = flow::open_trees(in->selection, req.onto, req.base);
    if (!trees) {
        return std::unexpected(trees.error());
    }
    const auto& target = trees->target;
    const auto& patches = in->from->series.patches;
    const std::size_t at = ws->decided.size();
    if (at >= patches.size() || patches[at].entry.patch != ws->stopped) {
        return fail(ErrorKind::Parse,
                    fmt::format("{} no longer matches {}/{}/series", opts.workspace, req.store,
                                req.from));
    }
    std::vector<rebase::PatchOutcome> decided = ws->decided;
    rebase::PatchOutcome resolved;
    resolved.name = ws->stopped;
    if (opts.skip) {
        // Not "dropped": nothing says the target has the fix, so every report
        // shows the patch as missing on the new version's releases.
        resolved.fate = rebase::PatchFate::Skipped;
        resolved.reason = !opts.reason.empty()
                              ? opts.reason
                              : fmt::format("no reason given (rebase onto {})", req.onto);
    } else {
        // The maintainer's tree/ files, regenerated against the target as
        // the patches before it left it, and verified like any other.
        source::OverlayTree before(*target.tree);
        if (auto ok = rebase::replay(decided, before); !ok) {
            return std::unexpected(ok.error());
        }
        // tree/ holds the stopped patch's files; another file edited there
        // would be dropped unseen by the regenerated patch.
        auto others = ws->unrelated_edits(opts.workspace, before);
        if (!others) {
            return std::unexpected(others.error());
        }
        if (!others->empty()) {
            return fail(ErrorKind::Usage,
                        fmt::format("{}/tree/ has edits to files {} does not touch: {}. The "
                                    "resolved patch carries only its own files; undo those "
                                    "edits (or remove the files from tree/) and --continue, or "
                                    "make them a patch of their own after the rebase",
                                    opts.workspace, ws->stopped, fmt::join(*others, ", ")));
        }
        auto files = ws->resolved_files(opts.workspace, patches[at].patch);
        if (!files) {
            return std::unexpected(files.error());
        }
        patch::Patch original = patches[at].patch;
        auto header = ws->resolved_header(opts.workspace, original);
        if (!header) {
            return std::unexpected(header.error());
        }
        original.preamble = std::move(*header);
        auto text = rebase::regenerate(original, *files, before);
        if (!text) {
            return std::unexpected(text.error());
        }
        resolved.fate = rebase::PatchFate::Carried;
        resolved.reason = "resolved by the maintainer";
        resolved.text = std::move(*text);
        resolved.files = std::move(*files); // their `before`s give the base blobs
    }
    decided.push_back(std::move(resolved));
    source::OverlayTree overlay(*target.tree);
    auto result = rebase::carry(*in->from, overlay, {trees->base_tree(), decided});
    if (!result) {
        return std::unexpected(result.error());
    }
    // A resolution can be C in shape and still not compile: built before
    // anything is written, while the workspace is still as it was.
    if (opts.resume && !result->stopped()) {
        auto changes = overlay.changes();
        if (!changes) {
            return std::unexpected(changes.error());
        }
        auto built = compile_check(*target.tree, *changes, req, opts.workspace,
                                   opts.no_compile ? CompileChoice::Skip : CompileChoice::Run);
        if (!built) {
            return std::unexpected(built.error());
        }
        if (auto ok = say(opts.format, built->text); !ok) {
            return std::unexpected(ok.error());
        }
        if (built->failed) {
            return exit_checks_failed;
        }
    }
    // The old workspace goes; a new one is written if the rest stops again.
    std::error_code ec;
    const fs::path old = fs::path(opts.workspace);
    const fs::path retired = old.parent_path() / ("." + old.filename().string() + ".done");
    fs::remove_all(retired, ec);
    fs::rename(old, retired, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot retire {}: {}", old.string(), ec.message()));
    }
    auto code = finish(opts, *in, req, *result, target);
    if (!code) {
        fs::rename(retired, old, ec); // nothing was written: keep the workspace as it was
        return code;
    }
    fs::remove_all(retired, ec);
    return code;
}

} // namespace

CommandBody add_rebase(CLI::App& app, const GlobalOptions& /*global*/) {
    auto opts = std::make_shared<RebaseOptions>();
    auto* cmd = app.add_subcommand(
        "rebase", "Carry a version of a series store onto a new kernel tree as the next version");
    cmd->add_option("--series", opts->series, "the series store (series/NAME)");
    cmd->add_option("--from", opts->from, "the version to carry (v1, v2, ...)");
    cmd->add_option("--onto", opts->onto,
                    "the target: DIR, RELEASE=DIR, REPO@REF, a kernel SRPM or a tarball");
    cmd->add_option("--as", opts->as, "the new version's name (default: the next number)");
    cmd->add_option("--base", opts->base,
                    "a tree of the version's base release: its files are used for three-way "
                    "merges when their blob ids are the recorded ones");
    cmd->add_option("--workspace", opts->workspace,
                    "where a stopped rebase is resolved")
        ->capture_default_str();
    cmd->add_option("--changelog", opts->changelog, "the new version's changelog line");
    cmd->add_option("--format", opts->format, "text, md or json")
        ->check(CLI::IsMember({"text", "md", "json"}))
        ->capture_default_str();
    auto* cont = cmd->add_flag("--continue", opts->resume,
                               "take the workspace's edited files as the stopped patch, go on");
    auto* skip = cmd->add_flag("--skip", opts->skip,
                               "leave the stopped patch out (recorded as skipped), go on");
    cmd->add_option("--reason", opts->reason,
                    "with --skip: why the patch is left out (recorded in version.toml)")
        ->needs(skip);
    auto* abort = cmd->add_flag("--abort", opts->abort, "forget the stopped rebase");
    cmd->add_flag("--accept", opts->accept,
                  "carry a patch whose hunks stop with the proposal shown for them (only "
                  "unambiguous ones); refuse, writing nothing, when there is none")
        ->excludes(cont)
        ->excludes(skip)
        ->excludes(abort);
    cmd->add_flag("--no-compile", opts->no_compile,
                  "with --continue: write the version without building it on a whole kernel tree")
        ->needs(cont);
    cont->excludes(skip)->excludes(abort);
    skip->excludes(abort);

    return [opts]() -> Expected<int> {
        if (opts->abort) {
            auto ws = rebase::Workspace::open(opts->workspace);
            if (!ws) {
                return std::unexpected(ws.error());
            }
            std::error_code ec;
            fs::remove_all(opts->workspace, ec);
            if (ec) {
                return fail(ErrorKind::Io, fmt::format("cannot remove {}: {}", opts->workspace,
                                                       ec.message()));
            }
            return emit(fmt::format("rebase aborted; {} removed, {} unchanged\n", opts->workspace,
                                    ws->request.store),
                        exit_ok);
        }
        if (opts->resume || opts->skip) {
            return resume(*opts);
        }
        return start(*opts);
    };
}

} // namespace kseries::cli
