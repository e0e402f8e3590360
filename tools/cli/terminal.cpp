#include "terminal.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace kseries::cli {

bool stdout_color(ColorMode mode) {
    switch (mode) {
    case ColorMode::Always:
        return true;
    case ColorMode::Never:
        return false;
    case ColorMode::Auto:
        break;
    }
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') {
        return false;
    }
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::strcmp(term, "dumb") == 0) {
        return false;
    }
    return ::isatty(STDOUT_FILENO) != 0;
}

bool stderr_progress(bool quiet) {
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return !quiet && ::isatty(STDERR_FILENO) != 0 && (no_color == nullptr || *no_color == '\0') &&
           (term == nullptr || std::strcmp(term, "dumb") != 0);
}

Expected<int> emit(std::string_view text, int exit_code) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
        std::fflush(stdout) != 0) {
        return fail(ErrorKind::Io,
                    std::string("cannot write to standard output: ") + std::strerror(errno));
    }
    return exit_code;
}

} // namespace kseries::cli
