// --accept and the stop's workspace: the proposals of propose.hpp attached
// to a stopped patch, carried when the maintainer accepts them, and shown in
// the workspace when not.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include <kseries/git/diff.hpp>
#include <kseries/rebase/accept.hpp>
#include <kseries/rebase/rebase.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

namespace {

std::string lines_named(std::size_t first, std::size_t count) {
    return count == 1 ? fmt::format("line {}", first + 1)
                      : fmt::format("lines {}-{}", first + 1, first + count);
}

} // namespace

Expected<void> attach_proposals(PatchOutcome& stopped) {
    for (auto& f : stopped.files) {
        if (!f.before || f.file == nullptr) {
            continue;
        }
        for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
            if (f.placement.hunks[i].step != Step::Unplaced) {
                continue;
            }
            auto p = KSERIES_TRY(propose(f.file->hunks[i], f.path, f.placement.content));
            p.hunk = i;
            f.proposals.push_back(std::move(p));
        }
    }
    return {};
}

Expected<PatchOutcome> accept_proposals(const series::LoadedVersion& from, const Result& result,
                                        source::SourceTree& before) {
    const auto& stopped = result.patches.back();
    const patch::Patch* original = nullptr;
    for (const auto& sp : from.series.patches) {
        if (sp.entry.patch == stopped.name) {
            original = &sp.patch;
        }
    }
    if (original == nullptr || stopped.files.empty()) {
        return fail(ErrorKind::Usage,
                    fmt::format("--accept: {} stopped without unplaced hunks ({}): there is no "
                                "proposal to accept; nothing written",
                                stopped.name, stopped.reason));
    }
    std::vector<FileOutcome> files = stopped.files;
    std::vector<std::string> taken;
    for (auto& f : files) {
        for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
            if (f.placement.hunks[i].step != Step::Unplaced) {
                continue;
            }
            const auto it = std::find_if(f.proposals.begin(), f.proposals.end(),
                                         [&](const HunkProposal& p) { return p.hunk == i; });
            if (it == f.proposals.end() || !it->acceptable()) {
                std::vector<std::string> why;
                if (it != f.proposals.end()) {
                    for (std::size_t c = 0; c < it->changes.size(); ++c) {
                        why.push_back(fmt::format("change {}: {}", c + 1, it->changes[c].why));
                    }
                }
                return fail(ErrorKind::Usage,
                            fmt::format("--accept: {} hunk {} of {} has no proposal to accept "
                                        "({}); nothing written",
                                        f.path, i + 1, stopped.name,
                                        why.empty() ? "the target has no such file"
                                                    : text::join(why, "; ")));
            }
            for (const auto& c : it->changes) {
                if (c.proposed) {
                    taken.push_back(fmt::format("{} {} of {}", f.path,
                                                lines_named(c.first, c.count), c.function));
                }
            }
        }
        if (!f.proposals.empty()) {
            auto content = KSERIES_TRY(apply_proposals(f.placement.content, f.proposals));
            f.placement.content = std::move(content);
        }
    }
    auto text = regenerate(*original, files, before);
    if (!text) {
        return fail(ErrorKind::Usage, fmt::format("--accept: {} with its proposal: {}; nothing "
                                                  "written",
                                                  stopped.name, text.error().message()));
    }
    PatchOutcome out;
    out.name = stopped.name;
    out.header = stopped.header;
    out.fate = PatchFate::Carried;
    out.reason = "its proposal accepted (--accept): " + text::join(taken, ", ");
    out.text = std::move(*text);
    out.files = std::move(files);
    return out;
}

Expected<void> add_to_workspace(const std::filesystem::path& dir, const Result& result) {
    if (!result.stopped()) {
        return {};
    }
    const auto& stopped = result.patches.back();
    std::string shown;
    std::string diff;
    for (const auto& f : stopped.files) {
        for (const auto& p : f.proposals) {
            shown += fmt::format("{} hunk {}:\n", f.path, p.hunk + 1) + render_proposal(p, "  ");
        }
        if (std::none_of(f.proposals.begin(), f.proposals.end(),
                         [](const HunkProposal& p) { return p.acceptable(); })) {
            continue;
        }
        std::vector<HunkProposal> acceptable;
        std::copy_if(f.proposals.begin(), f.proposals.end(), std::back_inserter(acceptable),
                     [](const HunkProposal& p) { return p.acceptable(); });
        auto content = KSERIES_TRY(apply_proposals(f.placement.content, acceptable));
        auto section = KSERIES_TRY(git::diff_file(f.path, f.placement.content, content));
        diff += section;
    }
    if (shown.empty()) {
        return {};
    }
    auto text = KSERIES_TRY(read_regular_file(dir / "SUMMARY"));
    text += fmt::format(
        "\nProposals (docs/commands/rebase.md, \"Proposals\"): the unplaced hunks split into "
        "their\nseparable changes, each looked for on its own. Nothing of it is applied.{}\n\n",
        diff.empty() ? " No change is\nproposed that --accept could take."
                     : fmt::format(" {0}/proposal.diff\nholds the proposed changes "
                                   "(against the target as the placed hunks leave it:\ntree/ "
                                   "without its conflict regions). To carry the patch with "
                                   "them,\nrun `kseries rebase --abort --workspace {0}` and "
                                   "the same rebase again\nwith --accept.",
                                   dir.string()));
    text += shown;
    if (!diff.empty()) {
        KSERIES_TRY(write_file_atomic(dir / "proposal.diff", diff));
    }
    return write_file_atomic(dir / "SUMMARY", text);
}

Expected<Result> carry_accepting(const series::LoadedVersion& from, source::SourceTree& target,
                                 Options options) {
    for (;;) {
        source::OverlayTree overlay(target);
        auto result = carry(from, overlay, options);
        if (!result || !result->stopped()) {
            return result;
        }
        // The overlay holds what the patches before the stopped one left.
        auto accepted = KSERIES_TRY(accept_proposals(from, *result, overlay));
        options.decided.assign(result->patches.begin(), result->patches.end() - 1);
        options.decided.push_back(std::move(accepted));
    }
}

} // namespace kseries::rebase
