// The ways a kernel build applies patches, each a "policy" a hunk is judged
// by. Facts from DESIGN.md §2: rpm's %patch uses fuzz 0; kernel.spec's
// ApplyPatch runs `patch -p1 -F1 -s` on RHEL 7, 8.0-8.2 and 9.0-9.1 and
// `git apply` on RHEL 9.2 and later, both reached through ApplyOptionalPatch,
// which skips patch files of 9 lines or fewer; plain `patch` allows fuzz 2.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <kseries/patch/engine.hpp>

namespace kseries::kernel {

// kernel.spec's ApplyOptionalPatch skips a patch file of this many lines
// or fewer without a word (`[ "$C" -gt 9 ]` on `wc -l`): the one home of
// the rule that check (the trap it reports) and srpm (the padding it adds)
// follow.
inline constexpr std::size_t optional_patch_max_lines = 9;

enum class PolicyId { RpmPatch, KernelSpec, GitApply, GnuPatch };

struct Policy {
    PolicyId id;
    std::string_view key;     // stable name for options and JSON
    std::string_view label;   // for people
    std::string_view command; // the command line it stands for
    patch::Engine engine;
    long fuzz;                // GNU patch -F; 0 for git apply
    bool optional_patch_rule; // kernel.spec's ApplyOptionalPatch skips files of <= 9 lines
};

[[nodiscard]] std::span<const Policy> all_policies();
[[nodiscard]] const Policy& policy(PolicyId id);
[[nodiscard]] const Policy* find_policy(std::string_view key);

// "rpm-patch, kernel-spec, git-apply, gnu-patch", for help and messages.
[[nodiscard]] std::string policy_keys();

} // namespace kseries::kernel
