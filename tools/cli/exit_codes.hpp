// The exit codes of kseries, in one place, and which an error ends with.
#pragma once

#include <kseries/util/error.hpp>

namespace kseries::cli {

inline constexpr int exit_ok = 0;            // everything asked for succeeded
inline constexpr int exit_checks_failed = 1; // the command ran; the series does not apply
inline constexpr int exit_error = 2;         // bad usage or bad input; nothing was changed

// The exit code of a command that ended with an error of this kind. Every
// kind is 2, as docs/commands/*.md promise: scripts tell "does not apply"
// (1) from "could not tell" (2), and the message says which. The switch has no default, so a
// new kind cannot be added without deciding its code here.
[[nodiscard]] constexpr int exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Usage:
    case ErrorKind::Parse:
    case ErrorKind::Io:
    case ErrorKind::NotFound:
    case ErrorKind::Unsafe:
    case ErrorKind::Tool:
    case ErrorKind::Internal:
        return exit_error;
    }
    return exit_error;
}

} // namespace kseries::cli
