// The build's progress on one redrawn stderr line (kseries build): the
// stage and the time so far.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <kseries/util/text.hpp>

#include "terminal.hpp"

namespace kseries::cli {

// "%build, 2m05s" on one redrawn stderr line; redrawn when the stage or the
// shown second changes. Shown only when the terminal's Progress is.
class ProgressLine {
public:
    explicit ProgressLine(const GlobalOptions& global) : m_line(global) {}
    [[nodiscard]] bool active() const { return m_line.active(); }
    void stage(std::string_view name) {
        m_stage = name;
        draw(true);
    }
    void tick() { draw(false); }
    void clear() { m_line.clear(); }

private:
    void draw(bool force) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::steady_clock::now() - m_start)
                                 .count();
        if (!force && seconds == m_shown) {
            return;
        }
        m_shown = seconds;
        m_line.draw(fmt::format("kseries: build: {}, {}m{:02}s", text::printable(m_stage),
                                seconds / 60, seconds % 60));
    }
    Progress m_line;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::string m_stage;
    long long m_shown = -1;
};

} // namespace kseries::cli
