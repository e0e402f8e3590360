// "A kernel" as `verify --boot` takes it: the image qemu boots, the modules
// it loads, and the devel headers (build directory) modules are built
// against; given as three paths, or as the RHEL packages that carry them
// (kernel-core, kernel-modules, kernel-devel), unpacked without installing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::kbuild {

struct KernelImage {
    std::string release;               // KVER: "5.14.0-427.el9.x86_64"
    std::filesystem::path vmlinuz;     // a bzImage
    std::filesystem::path modules_dir; // .../lib/modules/KVER, holding modules.dep
    std::filesystem::path build_dir;   // the devel headers: Makefile, include/ or .config

    friend bool operator==(const KernelImage&, const KernelImage&) = default;
};

// Checks the three paths: `vmlinuz` is an x86 bzImage ("HdrS" at 0x202),
// `modules_dir` holds modules.dep, `build_dir` a Makefile and include/ or
// .config. The release is the modules directory's name; the build
// directory's include/config/kernel.release (else its
// include/generated/utsrelease.h), when present, must say the same. Any
// failure is a Usage error naming the path.
[[nodiscard]] Expected<KernelImage> kernel_from_paths(const std::filesystem::path& vmlinuz,
                                                      const std::filesystem::path& modules_dir,
                                                      const std::filesystem::path& build_dir);

// Unpacks the packages' payloads into a new directory under `work_dir`
// (source::extract_rpm_payload: nothing outside it, links only inside it,
// kernel-devel's /lib/modules/KVER/build leading to its own
// usr/src/kernels/KVER) and checks the result as kernel_from_paths does.
// Each package must carry files of one release under /lib/modules or
// /usr/src/kernels, all the same release. RHEL's kernel-core ships
// modules.dep as a %ghost that depmod writes on installation, so when the
// packages hold modules.order but no modules.dep, `depmod -b` writes it
// (through `runner`). On error the new directory is removed.
[[nodiscard]] Expected<KernelImage> kernel_from_rpms(const std::vector<std::filesystem::path>& rpms,
                                                     const std::filesystem::path& work_dir,
                                                     proc::Runner& runner = proc::system_runner());

} // namespace kseries::kbuild
