// What a dynamically linked program needs to run in a VM's initramfs: its
// loader and shared libraries, found the way the dynamic loader finds
// them, by reading ELF headers only. Nothing of the program is run (ldd
// would run the loader on it), and a sysroot of another distribution works
// the same as the host's "/".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::boot {

// One file of the image: where it goes and whose bytes it gets.
struct ImageFile {
    std::string path; // absolute inside the image: "/lib/x86_64-linux-gnu/libc.so.6"
    std::filesystem::path
        host; // the regular file with its bytes (symbolic links resolved inside root)

    friend bool operator==(const ImageFile&, const ImageFile&) = default;
};

// The loader (PT_INTERP) and every library DT_NEEDED names, transitively,
// each once (by the file it resolves to), in a stable order: a library
// is searched in its DT_RPATH (when there is no DT_RUNPATH), DT_RUNPATH
// ($ORIGIN expanded), then /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu,
// /lib64, /usr/lib64, /lib, /usr/lib — all under `root`; `path` is
// relative to `root` (as the VM sees it), `host` is under it. A static
// program needs nothing (an empty list). Errors name the file: not an
// ELF file or not x86-64 (Usage), a library not found (NotFound, naming the
// program and the library), a link leading out of `root` (Unsafe).
[[nodiscard]] Expected<std::vector<ImageFile>>
shared_library_closure(const std::filesystem::path& program,
                       const std::filesystem::path& root = "/");

// Whether `program` is an ELF executable with no PT_INTERP (busybox-static
// is; Debian's /bin/busybox from the busybox package is not). Usage error
// when it is not an ELF file.
[[nodiscard]] Expected<bool> is_static_executable(const std::filesystem::path& program);

} // namespace kseries::boot
