#include <algorithm>

#include <fmt/format.h>

#include <kseries/git/blob.hpp>
#include <kseries/git/diff.hpp>
#include <kseries/patch/header.hpp>
#include <kseries/patch/parser.hpp>
#include <kseries/apply/tree_apply.hpp>
#include <kseries/rebase/accept.hpp>
#include <kseries/rebase/rebase.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

namespace {

// The recorded base file of `path`, when the base tree holds exactly the
// blob the version records.
Expected<std::optional<std::string>> recorded_base(const series::LoadedVersion& from,
                                                   const std::string& path,
                                                   source::SourceTree* base) {
    if (base == nullptr || !from.meta) {
        return std::optional<std::string>{};
    }
    const auto it = from.meta->base_blobs.find(path);
    if (it == from.meta->base_blobs.end()) {
        return std::optional<std::string>{};
    }
    auto text = KSERIES_TRY(base->read(path));
    if (!text || git::blob_id(*text) != it->second) {
        return std::optional<std::string>{};
    }
    return text;
}

// A creation or deletion is placed only where it applies as it is.
FilePlacement place_whole(const patch::FilePatch& file, const std::optional<std::string>& before) {
    FilePlacement out;
    const auto r = patch::apply_file(
        file, before ? std::optional<std::string_view>(*before) : std::nullopt, {0, false});
    for (const auto& h : file.hunks) {
        HunkPlacement hp;
        hp.stated = h.old_start;
        if (r.status == patch::FileStatus::Applied) {
            hp.step = Step::Exact;
            hp.line = h.old_start;
            hp.note = file.creates() ? "creates the file" : "deletes the file";
        } else if (r.status == patch::FileStatus::Reversed ||
                   (file.deletes() && !before)) {
            hp.step = Step::AlreadyApplied;
            hp.note = file.deletes() ? "the target has no such file" : "the target has the file";
        } else {
            hp.note = file.creates() ? "the target already has a different file of that name"
                                     : "the target's file differs from the one the patch deletes";
        }
        out.hunks.push_back(std::move(hp));
    }
    out.content = r.content;
    return out;
}

bool all_hunks(const std::vector<FileOutcome>& files, Step step) {
    return std::all_of(files.begin(), files.end(), [&](const FileOutcome& f) {
        return std::all_of(f.placement.hunks.begin(), f.placement.hunks.end(),
                           [&](const HunkPlacement& h) { return h.step == step; });
    });
}

std::string unplaced_summary(const std::vector<FileOutcome>& files) {
    std::vector<std::string> parts;
    for (const auto& f : files) {
        for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
            const auto& h = f.placement.hunks[i];
            if (h.step == Step::Unplaced) {
                parts.push_back(fmt::format("{} hunk {} (line {}): {}", f.path, i + 1, h.stated, h.note));
            }
        }
    }
    return text::join(parts, "; ");
}

// Applies a carried patch's text to the overlay, at fuzz 0.
Expected<void> replay_one(const PatchOutcome& done, source::OverlayTree& overlay) {
    auto parsed = KSERIES_TRY(patch::parse(done.text, done.name));
    auto applied = KSERIES_TRY(apply::apply_patch(parsed, overlay, 1, {0, false}));
    if (!applied.applied()) {
        return fail(ErrorKind::Parse,
                    fmt::format("{} (resolved earlier) no longer applies to the target", done.name));
    }
    return {};
}

// Does the regenerated text apply to `before` exactly, with `engine`, and
// give the placed contents?
Expected<void> verify(const patch::Patch& regenerated, const std::vector<FileOutcome>& files,
                      source::SourceTree& before, patch::Engine engine) {
    source::OverlayTree scratch(before);
    auto applied = KSERIES_TRY(apply::apply_patch(regenerated, scratch, 1, {0, false}, engine));
    const char* const who = engine == patch::Engine::GitApply ? "git apply" : "patch -F0";
    for (const auto& f : applied.files) {
        for (const auto& h : f.result.hunks) {
            if (!h.exact()) {
                return fail(ErrorKind::Parse,
                            fmt::format("the regenerated patch does not apply exactly with {} ({})",
                                        who, f.path));
            }
        }
    }
    for (const auto& f : files) {
        auto now = KSERIES_TRY(scratch.read(f.path));
        const bool removed = f.file->deletes();
        if ((removed && now) || (!removed && (!now || *now != f.placement.content))) {
            return fail(ErrorKind::Parse,
                        fmt::format("the regenerated patch does not reproduce {} with {}", f.path,
                                    who));
        }
    }
    return {};
}

} // namespace

std::string_view fate_key(PatchFate fate) {
    switch (fate) {
    case PatchFate::Carried: return "carried";
    case PatchFate::Dropped: return "dropped";
    case PatchFate::Skipped: return "skipped";
    case PatchFate::Stopped: return "stopped";
    }
    return "stopped";
}

Expected<void> replay(const std::vector<PatchOutcome>& decided, source::OverlayTree& overlay) {
    for (const auto& done : decided) {
        if (done.fate == PatchFate::Carried) {
            KSERIES_TRY(replay_one(done, overlay));
        }
    }
    return {};
}

bool Result::stopped() const {
    return !patches.empty() && patches.back().fate == PatchFate::Stopped;
}

Expected<std::string> regenerate(const patch::Patch& original,
                                 const std::vector<FileOutcome>& files, source::SourceTree& before) {
    std::string out = original.preamble;
    for (const auto& f : files) {
        const std::optional<std::string_view> old_text =
            f.before ? std::optional<std::string_view>(*f.before) : std::nullopt;
        const std::optional<std::string_view> new_text =
            f.file->deletes() ? std::nullopt
                              : std::optional<std::string_view>(f.placement.content);
        auto section = KSERIES_TRY(git::diff_file(f.path, old_text, new_text));
        out += section;
    }
    out += original.trailer;
    auto parsed = patch::parse(out, original.name);
    if (!parsed) {
        return fail(ErrorKind::Parse, fmt::format("the regenerated {} does not parse: {}",
                                                  original.name, parsed.error().message()));
    }
    for (const auto engine : {patch::Engine::GnuPatch, patch::Engine::GitApply}) {
        KSERIES_TRY(verify(*parsed, files, before, engine));
    }
    return out;
}

namespace {

// A patch an earlier run decided is taken as it was, after checking it is
// still the series' patch at this place; a carried one is applied again so
// the patches after it see it.
Expected<void> take_decided(const series::LoadedVersion& from, const series::SeriesPatch& sp,
                            const PatchOutcome& done, source::OverlayTree& overlay) {
    if (done.name != sp.entry.patch || done.fate == PatchFate::Stopped) {
        return fail(ErrorKind::Parse, fmt::format("the resolved patches do not match {}/series at {}",
                                                  from.name, sp.entry.patch));
    }
    if (done.fate == PatchFate::Carried) {
        KSERIES_TRY(replay_one(done, overlay));
    }
    return {};
}

// One file section placed on the overlay: whole-file changes as a whole,
// a missing file as every hunk unplaced, anything else hunk by hunk with
// the recorded base (when the base tree has it) for three-way merges.
Expected<FileOutcome> place_section(const series::LoadedVersion& from,
                                    const series::SeriesPatch& sp, const patch::FilePatch& f,
                                    source::OverlayTree& overlay, const Options& options) {
    const auto targets = KSERIES_TRY(apply::resolve_targets(sp.patch, f, sp.entry.strip, overlay));
    FileOutcome fo;
    fo.file = &f;
    fo.path = targets.new_path.empty() ? targets.old_path : targets.new_path;
    if (!targets.old_path.empty()) {
        fo.before = KSERIES_TRY(overlay.read(targets.old_path));
    }
    if (f.creates() || f.deletes() || f.rename || f.copy) {
        fo.placement = place_whole(f, fo.before);
    } else if (!fo.before) {
        fo.placement.hunks.resize(f.hunks.size());
        for (std::size_t h = 0; h < f.hunks.size(); ++h) {
            fo.placement.hunks[h].stated = f.hunks[h].old_start;
            fo.placement.hunks[h].note = "the target has no such file";
        }
    } else {
        auto base = KSERIES_TRY(recorded_base(from, fo.path, options.base));
        fo.placement = KSERIES_TRY(place_file(f, *fo.before, {std::move(base)}));
    }
    return fo;
}

// A patch whose hunks all have a place: carried when its regenerated text
// verifies (and then applied to the overlay), else stopped with the reason.
void settle_placed(const series::SeriesPatch& sp, PatchOutcome& out,
                   source::OverlayTree& overlay) {
    auto text = regenerate(sp.patch, out.files, overlay);
    if (!text) {
        out.fate = PatchFate::Stopped;
        out.reason = text.error().message();
        return;
    }
    out.fate = PatchFate::Carried;
    out.text = std::move(*text);
    for (const auto& f : out.files) {
        overlay.write(f.path,
                      f.file->deletes() ? nullptr : source::make_content(f.placement.content));
    }
}

// A patch with unplaced hunks: dropped when its detect rule says the
// target has the fix, else stopped for the maintainer with proposals.
Expected<void> settle_unplaced(const series::PatchRecord* record, PatchOutcome& out,
                               source::OverlayTree& overlay) {
    if (record != nullptr && record->detect && KSERIES_TRY(record->detect->holds(overlay))) {
        out.fate = PatchFate::Dropped;
        out.reason = record->upstream.empty()
                         ? fmt::format("its detect rule holds on the target ({}:{})",
                                       record->detect->location.file,
                                       record->detect->location.line)
                         : record->upstream;
        return {};
    }
    out.fate = PatchFate::Stopped;
    out.reason = unplaced_summary(out.files);
    return attach_proposals(out);
}

// One patch carried onto the overlay: its files placed, then its fate.
Expected<PatchOutcome> carry_one(const series::LoadedVersion& from, const series::SeriesPatch& sp,
                                 source::OverlayTree& overlay, const Options& options) {
    PatchOutcome out;
    out.name = sp.entry.patch;
    out.header = sp.patch.preamble;
    if (sp.entry.reverse) {
        return fail(ErrorKind::Usage,
                    fmt::format("{}: rebase does not carry reversed (-R) patches", out.name),
                    Location{(from.series.dir / "series").string(), sp.entry.line});
    }
    KSERIES_TRY(apply::check_targets(sp.patch, sp.entry.strip, overlay));
    for (const auto& f : sp.patch.files) {
        out.files.push_back(KSERIES_TRY(place_section(from, sp, f, overlay, options)));
    }
    const bool complete = std::all_of(out.files.begin(), out.files.end(),
                                      [](const FileOutcome& f) { return f.placement.complete(); });
    if (all_hunks(out.files, Step::AlreadyApplied)) {
        out.fate = PatchFate::Dropped;
        out.reason = "already in the target: every hunk's new text is there";
    } else if (complete) {
        settle_placed(sp, out, overlay);
    } else {
        KSERIES_TRY(settle_unplaced(from.meta ? from.meta->record(out.name) : nullptr, out, overlay));
    }
    return out;
}

} // namespace

Expected<Result> carry(const series::LoadedVersion& from, source::OverlayTree& overlay,
                       const Options& options) {
    Result result;
    const auto& patches = from.series.patches;
    for (std::size_t i = 0; i < patches.size(); ++i) {
        if (i < options.decided.size()) {
            KSERIES_TRY(take_decided(from, patches[i], options.decided[i], overlay));
            result.patches.push_back(options.decided[i]);
            continue;
        }
        result.patches.push_back(KSERIES_TRY(carry_one(from, patches[i], overlay, options)));
        if (result.patches.back().fate == PatchFate::Stopped) {
            break;
        }
    }
    return result;
}

Result with_updated_headers(Result result, const series::LoadedVersion& from,
                            std::string_view release) {
    const auto total = static_cast<std::size_t>(
        std::count_if(result.patches.begin(), result.patches.end(),
                      [](const PatchOutcome& p) { return p.fate == PatchFate::Carried; }));
    std::size_t number = 0;
    for (auto& p : result.patches) {
        if (p.fate != PatchFate::Carried) {
            continue;
        }
        patch::HeaderUpdate update{++number, total, std::string(release), {}};
        for (const auto& sp : from.series.patches) {
            if (sp.entry.patch == p.name) {
                // Only the value the carried version's patch had is stale;
                // a line it did not have is the maintainer's.
                if (auto old = patch::header_field(sp.patch.preamble, "Base-Kernel")) {
                    update.stale_base_kernel = std::move(*old);
                } else {
                    update.base_kernel.clear();
                }
            }
        }
        p.text = patch::update_header(p.text, update);
    }
    return result;
}

} // namespace kseries::rebase
