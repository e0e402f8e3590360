// Which program's behaviour an application reproduces. Its own header so
// that the kernel's policies (kernel/policy.hpp) can name an engine without
// pulling in the tree-level apply machinery.
#pragma once

namespace kseries::patch {

enum class Engine {
    GnuPatch, // patch -pN -F<max_fuzz>: writes what applied, even when a hunk failed
    GitApply, // git apply -pN: writes nothing unless every hunk applied
};

} // namespace kseries::patch
