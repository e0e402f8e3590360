// The spec file of a kmod RPM in ELRepo's kABI-tracking style: one
// prebuilt kernel module installed under /lib/modules/<kver>/extra/<name>/,
// a depmod.d override that prefers it to the in-tree module, weak-modules
// scriptlets so that compatible kernels of the same minor release pick it
// up, and Requires on the kernel it was built for. Pure functions: text in,
// text out, every value validated or escaped so that no input can add spec
// text of its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::rpm {

struct KmodSpecInput {
    std::string name;      // the package is kmod-<name>; the module goes to extra/<name>/
    std::string module;    // the module's name without ".ko" ("overlay")
    std::string kver;      // the kernel release it was built for (uname -r)
    std::string version;   // rpm Version: the series version ("2" for v2)
    std::string release;   // rpm Release
    std::string date;      // the changelog date, YYYY-MM-DD
    std::string series;    // the series version in words, "overlayfs-nfsroot v2"
    std::string changelog; // the version's changelog line, free text (escaped)
    std::vector<std::string> patches; // the patches applied, in order (escaped)
};

// Checks every field but the module name (known only once it is built):
// a Usage error naming the field and saying what is allowed, for the
// name, kver, version or release holding anything but the characters rpm
// allows there (no spaces, no '%', no newlines), or a date that is not a
// real YYYY-MM-DD.
[[nodiscard]] Expected<void> validate_package_fields(const KmodSpecInput& in);

// The Requires lines on the kernel. A RHEL-style release `V-R.el<N>...arch`
// tracks the kABI across the minor release: "kernel >= V-R" and
// "kernel < V-(first component of R + 1)". Any other release (Debian's
// 6.12.117+deb12-amd64) requires exactly that kernel:
// "kernel-uname-r = <kver>". A release with more than one '-' (Debian's
// 6.1.0-57-amd64) is no rpm version, so it gets no Requires at all. The
// kver must be a valid name (see kmod_spec).
[[nodiscard]] std::vector<std::string> kernel_requires(std::string_view kver);

// /etc/depmod.d/kmod-<name>.conf: the module in extra/<name> wins over the
// in-tree one for its kernel, and its weak-updates link for other kernels.
[[nodiscard]] std::string depmod_conf(const KmodSpecInput& in);

// The spec text, after validate_package_fields and a check of the module
// name; free-text fields (series, changelog, patches) are escaped instead
// ('%' doubled, control characters made spaces).
[[nodiscard]] Expected<std::string> kmod_spec(const KmodSpecInput& in);

} // namespace kseries::rpm
