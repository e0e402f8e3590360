#include "terminal.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include <spdlog/pattern_formatter.h>

#include <kseries/report/style.hpp>
#include <kseries/util/text.hpp>

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

std::string screen(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t plain = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\033') {
            continue;
        }
        if (const std::size_t n = report::style_sequence_length(text.substr(i)); n != 0) {
            out += text::neutralise(text.substr(plain, i - plain));
            out.append(text.substr(i, n));
            i += n - 1;
            plain = i + 1;
        }
    }
    out += text::neutralise(text.substr(plain));
    return out;
}

std::string screen_message(std::string_view message) {
    const std::string shown = screen(message);
    std::string out;
    out.reserve(shown.size());
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const bool continued = std::string_view(shown).substr(i + 1).starts_with("  ");
        if (shown[i] == '\n' && i + 1 != shown.size() && !continued) {
            out += "\\n";
        } else {
            out += shown[i];
        }
    }
    return out;
}

Expected<int> emit(std::string_view raw, int exit_code) {
    const std::string text = screen(raw);
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
        std::fflush(stdout) != 0) {
        return fail(ErrorKind::Io,
                    std::string("cannot write to standard output: ") + std::strerror(errno));
    }
    return exit_code;
}

void note(const GlobalOptions& global, std::string_view text) {
    if (!global.quiet) {
        warn(text);
    }
}

void warn(std::string_view text) {
    const std::string shown = screen(text);
    (void)std::fwrite(shown.data(), 1, shown.size(), stderr);
}

Progress::Progress(const GlobalOptions& global) : m_active(stderr_progress(global.quiet)) {}

void Progress::draw(std::string_view text) {
    if (m_active) {
        // The erase is kseries' own; the text passes the screen.
        const std::string shown = "\r\033[K" + screen(text);
        (void)std::fwrite(shown.data(), 1, shown.size(), stderr);
        (void)std::fflush(stderr);
        m_drawn = true;
    }
}

void Progress::step(std::string_view text) {
    if (m_active) {
        warn(std::string(text) + "\n");
    }
}

void Progress::clear() {
    if (m_drawn) {
        (void)std::fputs("\r\033[K", stderr);
        m_drawn = false;
    }
}

namespace {

// %* in the log's pattern: the message, screened. spdlog's own %v would
// write a name from an input raw to stderr.
class ScreenedMessage : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm& /*time*/,
                spdlog::memory_buf_t& dest) override {
        const std::string shown =
            screen_message(std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(shown.data(), shown.data() + shown.size());
    }
    [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<ScreenedMessage>();
    }
};

} // namespace

std::unique_ptr<spdlog::formatter> log_formatter() {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<ScreenedMessage>('*').set_pattern("kseries: %l: %*");
    return formatter;
}

} // namespace kseries::cli
