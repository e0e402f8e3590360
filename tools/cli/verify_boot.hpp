// kseries verify --boot: the options that name the kernel booted, and the
// command's rendering of the proof (docs/commands/verify.md).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "command.hpp"

namespace kseries::cli {

struct BootOptions {
    std::string vmlinuz;
    std::string modules;
    std::string devel;
    std::string installed; // KVER: the host's /boot/vmlinuz-KVER, /lib/modules/KVER[/build]
    std::vector<std::string> rpms;
    std::string accel = "auto";
    std::string format = "text";

    void add_to(CLI::App& command);
};

// Boots the stock and the patched kernel and prints the proof: exit 0
// when every scenario's verdict holds, 1 when one does not (or the series
// does not apply or build), 2 on bad input.
[[nodiscard]] Expected<int> verify_boot(const SeriesJob& job, const BootOptions& boot,
                                        unsigned jobs, bool keep, const GlobalOptions& global);

} // namespace kseries::cli
