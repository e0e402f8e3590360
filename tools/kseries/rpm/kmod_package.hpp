// Building the kmod RPM: the spec (kmod_spec.hpp) and the module in an
// rpmbuild top directory, `rpmbuild -bb --target <arch>`, and the package
// moved into the output directory in one rename.
#pragma once

#include <filesystem>
#include <string>

#include <kseries/proc/run.hpp>
#include <kseries/rpm/kmod_spec.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rpm {

// The rpm architecture of a kernel module, from its ELF header
// ("x86_64", "aarch64", "ppc64le", "s390x", "i686").
[[nodiscard]] Expected<std::string> module_arch(const std::filesystem::path& module);

struct BuiltRpm {
    std::filesystem::path path; // inside topdir
    std::string arch;
    std::string log; // what rpmbuild printed
};

// Writes the spec, the module and its depmod.d file into `topdir` (an
// empty directory) and runs rpmbuild there through `runner` (a fake in
// unit tests). Tool error, with the end of rpmbuild's output, when it fails.
[[nodiscard]] Expected<BuiltRpm> build_kmod_rpm(const KmodSpecInput& in,
                                                const std::filesystem::path& module,
                                                const std::filesystem::path& topdir,
                                                proc::Runner& runner = proc::system_runner());

// Copies `file` into directory `out` under its own name through a
// temporary file there, synced and renamed: `out` never holds a part of it.
[[nodiscard]] Expected<std::filesystem::path> publish_file(const std::filesystem::path& file,
                                                           const std::filesystem::path& out);

} // namespace kseries::rpm
