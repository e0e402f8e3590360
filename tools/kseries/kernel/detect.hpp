// Which kernel a source tree holds, from its top-level Makefile (VERSION,
// PATCHLEVEL, SUBLEVEL, EXTRAVERSION) and, on RHEL trees, Makefile.rhelver
// (RHEL_MAJOR, RHEL_MINOR, RHEL_RELEASE).
#pragma once

#include <kseries/kernel/release.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

#include <optional>

namespace kseries::kernel {

// nullopt when the tree has no kernel Makefile.
[[nodiscard]] Expected<std::optional<Release>> detect_release(source::SourceTree& tree);

} // namespace kseries::kernel
