// Building kernel modules with the kernel's own build system, out of tree:
// a build directory prepared from a kernel source tree (O=, so the source
// is only read), and a module directory built against it (M=). `verify
// --compile` proves a patched fs/overlayfs compiles this way; `kmod` builds
// it against an installed kernel's devel (headers) directory instead.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::kbuild {

// What the build printed, for the log file and for error messages.
struct BuildLog {
    std::vector<std::string> commands;
    std::string output;
};

// The CONFIG_ options a Kbuild Makefile builds objects for
// (`obj-$(CONFIG_OVERLAY_FS) += overlay.o` gives "OVERLAY_FS").
[[nodiscard]] std::vector<std::string> config_options(std::string_view makefile);

// Prepares `build` for modules of `source`: `make allnoconfig`, then
// MODULES=y and each of `as_modules` =m (scripts/config), `olddefconfig`,
// `modules_prepare`. The smallest configuration that builds those modules.
// Every function here that starts make or modinfo does it through `runner`
// (a fake in unit tests).
[[nodiscard]] Expected<void> prepare(const std::filesystem::path& source,
                                     const std::filesystem::path& build,
                                     const std::vector<std::string>& as_modules, unsigned jobs,
                                     BuildLog& log, proc::Runner& runner = proc::system_runner());

// Writes `files` (name -> content) into `module_dir` and builds it as an
// external module against `build`; returns the .ko files made. An error
// names the failing step and shows the end of its output.
[[nodiscard]] Expected<std::vector<std::filesystem::path>>
build_external(const std::filesystem::path& source, const std::filesystem::path& build,
               const std::filesystem::path& module_dir,
               const std::map<std::string, std::string>& files, unsigned jobs, BuildLog& log,
               proc::Runner& runner = proc::system_runner());

// The kernel release a devel (headers) directory is for: the first line of
// its include/config/kernel.release (read without following symbolic
// links). NotFound, naming the file, when there is none.
[[nodiscard]] Expected<std::string> devel_release(const std::filesystem::path& devel);

// Writes `files` into `module_dir` and builds it as an external module
// against an installed kernel's devel directory (`make -C devel M=...
// CONFIG_X=m modules`, each of `as_modules` as X), with modpost checking
// symbols against the devel directory's Module.symvers.
[[nodiscard]] Expected<std::vector<std::filesystem::path>>
build_against_devel(const std::filesystem::path& devel, const std::filesystem::path& module_dir,
                    const std::map<std::string, std::string>& files,
                    const std::vector<std::string>& as_modules, unsigned jobs, BuildLog& log,
                    proc::Runner& runner = proc::system_runner());

// One field of a module file as `modinfo -F field` prints it ("vermagic").
[[nodiscard]] Expected<std::string> modinfo_field(const std::filesystem::path& module,
                                                  const std::string& field,
                                                  proc::Runner& runner = proc::system_runner());

// Whether a module whose vermagic is `vermagic` loads into kernel
// `release`: the vermagic is the release, or starts with it and a space
// ("5.14.0-70.el9.x86_64 SMP mod_unload modversions"). A module for
// another kernel would not load.
[[nodiscard]] bool vermagic_is_for(std::string_view vermagic, std::string_view release);

} // namespace kseries::kbuild
