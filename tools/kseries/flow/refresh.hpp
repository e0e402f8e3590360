// `kseries refresh` as a use case (docs/commands/refresh.md): one patch of a
// series regenerated from an edited tree, keeping its header. The files
// before the patch are the base tree with the series' earlier patches
// applied (at fuzz 0, in memory); the files after it are the edited tree's.
// The new patch is git's diff of the two, verified to apply with patch -F0
// and git apply at zero offset, and replaces the old one atomically.
#pragma once

#include <filesystem>
#include <string>

#include <kseries/util/error.hpp>

namespace kseries::flow {

struct RefreshRequest {
    std::string series; // the series directory
    std::string patch;  // the patch to refresh, as named in the series file
    std::string tree;   // the edited tree
    std::string base;   // the same kernel tree without the series
    bool dry_run = false; // regenerate, write nothing
};

struct RefreshResult {
    std::string text;           // the regenerated patch file
    std::filesystem::path file; // the patch file (written unless a dry run)
    bool written = false;
    // The series line gave the patch -pN other than 1, or -R: the new patch
    // names a/PATH and b/PATH, so that line must now read -p1.
    bool strip_changed = false;
};

[[nodiscard]] Expected<RefreshResult> refresh(const RefreshRequest& request);

} // namespace kseries::flow
