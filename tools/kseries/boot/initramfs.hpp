// The root file system of one boot-proof VM: kseries' /init harness, a
// static busybox, the scenario's modules (as plain .ko, dependencies
// first), its tools with their shared libraries and its files, copied from
// the host (or a sysroot), and the scenario's script. Written as one cpio
// archive the kernel unpacks (boot/cpio.hpp), laid out as
// boot/harness.hpp says.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <kseries/series/scenario.hpp>
#include <kseries/util/error.hpp>

namespace kseries::boot {

struct ImageRequest {
    const series::Scenario* scenario = nullptr;
    std::filesystem::path modules_dir; // /lib/modules/KVER of the kernel booted
    // Modules built for the proof that take the place of the kernel's own
    // (name -> a plain .ko): the patched image's; empty for the stock one.
    std::map<std::string, std::filesystem::path> replaced{};
    std::filesystem::path busybox = "/bin/busybox"; // must be static (Debian: busybox-static)
    std::filesystem::path root = "/"; // where tools, their libraries and files are taken from
};

struct ImageSummary {
    std::vector<std::string> modules; // in load order
    std::size_t entries = 0;
    std::size_t bytes = 0;
};

// Builds the image and writes it to `out` (atomically). Errors name what
// is missing or wrong: a busybox that is not static, a module the kernel
// does not have, a tool not found on the root's PATH, a replaced module
// the scenario does not load (all Usage or NotFound: exit 2).
[[nodiscard]] Expected<ImageSummary> write_initramfs(const ImageRequest& request,
                                                     const std::filesystem::path& out);

} // namespace kseries::boot
