// What a kernel.spec says about how the build applies patches: the
// `patch_command=` of its ApplyPatch function (DESIGN.md §2).
#pragma once

#include <optional>
#include <string_view>

#include <kseries/kernel/policy.hpp>

namespace kseries::kernel {

// `patch -p1 -F1 -s` is kernel-spec, `git apply` (or `git --work-tree=.
// apply`) git-apply, `patch -F0` rpm-patch, another patch fuzz gnu-patch;
// nullopt when the spec has no patch_command line.
[[nodiscard]] std::optional<PolicyId> policy_from_spec(std::string_view spec);

} // namespace kseries::kernel
