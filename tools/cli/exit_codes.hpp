// The exit codes of kseries, in one place.
#pragma once

namespace kseries::cli {

inline constexpr int exit_ok = 0;            // everything asked for succeeded
inline constexpr int exit_checks_failed = 1; // the command ran; the series does not apply
inline constexpr int exit_error = 2;         // bad usage or bad input; nothing was changed

} // namespace kseries::cli
