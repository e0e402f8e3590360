// Elapsed times the flows report (build seconds, boot seconds), measured on
// the monotonic clock.
#pragma once

#include <chrono>

namespace kseries {

using SteadyClock = std::chrono::steady_clock;

[[nodiscard]] inline double seconds_since(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

} // namespace kseries
