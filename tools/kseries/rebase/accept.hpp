// --accept (docs/commands/rebase.md, "Proposals"): a stopped patch's
// unplaced hunks get the proposals of propose.hpp; the maintainer sees them in
// the workspace and may carry the patch with them. Nothing is applied
// unless accepted.
#pragma once

#include <filesystem>

#include <kseries/rebase/propose.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rebase {

struct PatchOutcome;
struct Options;
struct Result;

// Proposals for every unplaced hunk of a stopped patch, kept in its files.
[[nodiscard]] Expected<void> attach_proposals(PatchOutcome& stopped);

// The stopped patch of `result` carried with its proposals, as --accept
// takes them: every unplaced hunk must have an acceptable proposal (else a
// Usage error saying which and why). `before` is the target as the patches
// before it left it; the patch is regenerated and verified like any other.
[[nodiscard]] Expected<PatchOutcome> accept_proposals(const series::LoadedVersion& from,
                                                      const Result& result,
                                                      source::SourceTree& before);

// Adds the proposals of a stop to its workspace `dir`: `proposal.diff`
// (every proposed change, as one patch of the target's files) and a
// "Proposals" section at the end of SUMMARY. Nothing when there are none.
[[nodiscard]] Expected<void> add_to_workspace(const std::filesystem::path& dir,
                                              const Result& result);

// carry(), accepting each stop's proposals and carrying on, until the
// series is carried or a stop has no acceptable proposal (an error).
[[nodiscard]] Expected<Result> carry_accepting(const series::LoadedVersion& from,
                                               source::SourceTree& target, Options options);

} // namespace kseries::rebase
