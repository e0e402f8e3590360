// Editing a RHEL kernel.spec the documented way (DESIGN.md §2): a
// `%define buildid .<id>`, one `PatchNNNNN:` tag per patch in a range that
// cannot collide (40000 and up) before `Patch999999: linux-kernel-test.patch`
// or `# END OF PATCH DEFINITIONS`, one `ApplyOptionalPatch` line per patch
// before `ApplyOptionalPatch linux-kernel-test.patch`, and a %changelog
// entry. Works on the text alone; a spec whose anchors are missing is
// refused with the reason rather than guessed at. Editing is idempotent:
// an earlier edit for the same series is replaced, never added to.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::rpm {

// The first PatchNNNNN: number kseries uses, far above RHEL's own patches.
inline constexpr unsigned first_patch_number = 40000;

struct SpecPatches {
    std::string series;             // "overlayfs-nfsroot"
    std::string version;            // "v2"
    std::vector<std::string> files; // the patch files, in series order
};

struct SpecEdit {
    std::string text;
    unsigned first_number = 0;             // the tag of the first patch: Patch<first_number>
    std::optional<std::string> old_buildid; // an active buildid the edit replaced
    bool buildid_uncommented = false;       // the `# define buildid .local` template was used
    bool replaced_earlier_edit = false;     // an earlier kseries edit for the series was removed
    bool macro_style = false;               // lines read `ApplyOptionalPatch %{PATCHnnnnn}`
};

// Adds `patches` to `spec` (`label` names it in messages) and sets the
// buildid when one is given. The spec keeps its line endings (CRLF stays
// CRLF). Errors are Parse errors naming the spec and, where there is one,
// the line.
[[nodiscard]] Expected<SpecEdit> edit_spec(std::string_view spec, const std::string& label,
                                           const SpecPatches& patches,
                                           std::optional<std::string_view> buildid);

struct ChangelogEntry {
    std::chrono::sys_days date;
    std::string packager;           // "Jane Doe <jane@example.org>"
    std::string evr;                // "4.18.0-193.el8.ovl1"
    std::vector<std::string> lines; // the items, without the leading "- "
};

// Puts `entry` at the top of the %changelog section, unless the top entry
// already says the same (same packager, [evr] and items; any date).
[[nodiscard]] Expected<std::string> add_changelog(std::string_view spec, const std::string& label,
                                                  const ChangelogEntry& entry);

// A buildid is "." and letters, digits, '.', '_' or '+'; a patch file name
// letters, digits, '.', '_', '+' and '-' (kernel.spec's ApplyPatch uses it
// as a regular expression and a shell word); a packager or evr holds no '%'
// or line break. Usage errors otherwise.
[[nodiscard]] Expected<void> check_buildid(std::string_view buildid);
[[nodiscard]] Expected<void> check_patch_file_name(std::string_view name);

// kernel.spec's ApplyOptionalPatch silently skips a file of 9 lines or
// fewer (`[ "$C" -gt 9 ]` on `wc -l`). Such a patch comes back with
// explanatory lines in front (patch and git apply ignore text before the
// diff) so that it has 10; nullopt when it is long enough already.
[[nodiscard]] std::optional<std::string> pad_optional_patch(std::string_view patch);

// Counts lines the way `wc -l` does: line feeds.
[[nodiscard]] std::size_t wc_lines(std::string_view text);

} // namespace kseries::rpm
