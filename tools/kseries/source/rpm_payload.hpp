// A binary RPM's payload unpacked as rpm would install it, but under a
// directory of ours instead of /: the kernel packages (kernel-core,
// kernel-modules, kernel-devel) read without installing them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <kseries/source/archive.hpp>
#include <kseries/util/error.hpp>

namespace kseries::source {

// Unpacks `file`'s payload under `root`, an existing directory that may
// already hold other packages' files, and returns the paths of the files
// and symbolic links it made, relative to `root` ("lib/modules/K/vmlinuz"),
// in payload order. Members named with an absolute path or any ".." are
// refused, as are devices, FIFOs, hard links and setuid, setgid or sticky
// members. A symbolic link is made only after every file of the payload,
// and only when its target resolved from `root` (an absolute target as if
// `root` were /) stays inside `root`; an absolute target must name
// something `root` holds (kernel-devel's build -> /usr/src/kernels/K), so
// no link ever leads onto the host's files. Links are made relative. A
// Parse error names a file that is not an RPM, an Unsafe error the member;
// on error the caller removes what was unpacked.
[[nodiscard]] Expected<std::vector<std::string>>
extract_rpm_payload(const std::filesystem::path& file, const std::filesystem::path& root,
                    const ArchiveLimits& caps = archive_limits());

} // namespace kseries::source
