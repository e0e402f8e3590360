// The kernel modules a scenario loads, read from a kernel's modules
// directory (/lib/modules/KVER, installed or unpacked from RPMs) the way
// modprobe would resolve them, and handed to the VM as the plain .ko files
// busybox insmod takes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::boot {

struct ModuleFile {
    std::string name;           // as the kernel names it: "nfs_acl" ('-' read as '_')
    std::filesystem::path file; // under the modules directory: .ko, .ko.xz, .ko.zst or .ko.gz

    friend bool operator==(const ModuleFile&, const ModuleFile&) = default;
};

// Every module `wanted` needs, dependencies first and each once (a
// post-order walk of modules.dep; names compare with '-' as '_'), then
// the wanted ones in their order. A wanted module that is not in
// modules.dep is a NotFound error naming modules.dep and the module; a
// dependency cycle or a line modules.dep cannot mean is a Parse error
// naming the file and line. A file modules.dep names must be a regular
// file inside `modules_dir` (no link out of it: Unsafe).
[[nodiscard]] Expected<std::vector<ModuleFile>>
module_load_order(const std::filesystem::path& modules_dir, const std::vector<std::string>& wanted);

// A module file's bytes as init_module(2) takes them: a .ko as it is, a
// .ko.xz, .ko.zst or .ko.gz decompressed (libarchive). A result over
// `max_bytes` or a file that does not decompress is a Usage error naming
// the file.
[[nodiscard]] Expected<std::string> read_module(const std::filesystem::path& file,
                                                std::size_t max_bytes = 256u << 20u);

// One field of a module's .modinfo section ("vermagic", "depends",
// "name"), read from the ELF file's bytes without running modinfo: the
// value of the first "field=value" entry, "" when the module has none.
// Usage error when `ko` is not an ELF relocatable file with a .modinfo
// section.
[[nodiscard]] Expected<std::string> module_info(std::string_view ko, std::string_view field);

} // namespace kseries::boot
