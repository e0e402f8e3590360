#include "version.hpp"

namespace kseries {

// KSERIES_VERSION is defined for this file only (tools/kseries/CMakeLists.txt),
// so a new version recompiles one file.
std::string_view version() {
    return KSERIES_VERSION;
}

} // namespace kseries
