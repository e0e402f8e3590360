// Internal to rebase/'s guards: the helpers both guards.cpp (neighbourhood,
// heading, twins, added twice) and presence.cpp (is the change already
// there) use, defined once in guards.cpp. Lines keep their terminators.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/patch/model.hpp>
#include <kseries/rebase/guards.hpp>

namespace kseries::rebase::detail {

// Occurrences of `needle` starting in [lo, hi - needle.size()].
[[nodiscard]] std::vector<std::size_t> occurrences_in(const Lines& hay, const Lines& needle,
                                                      std::size_t lo, std::size_t hi);

// The line, without its terminator, quoted for messages.
[[nodiscard]] std::string quoted_line(std::string_view line);

// Does the run hold a substantive() line?
[[nodiscard]] bool substantive_run(const Lines& run);

// The hunk's runs of consecutive added lines.
[[nodiscard]] std::vector<Lines> added_runs(const patch::Hunk& h);

} // namespace kseries::rebase::detail
