// The VM's /init: kseries' own harness around a scenario's script. It
// mounts the kernel's file systems, loads the scenario's modules in order,
// runs the script with busybox sh and powers the VM off, and tells the
// host what happened through markers on the serial console (read back by
// series::parse_serial_log). The initramfs it runs in (boot/initramfs.hpp)
// is laid out as the constants below say.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kseries::boot {

// Where the image holds what the harness uses.
inline constexpr std::string_view busybox_path = "bin/busybox"; // static
inline constexpr std::string_view modules_path = "lib/modules"; // NAME.ko, plain
inline constexpr std::string_view module_list_path =
    "etc/kseries/modules"; // load order, one name a line
inline constexpr std::string_view scenario_name_path =
    "etc/kseries/scenario";                                       // the scenario's name
inline constexpr std::string_view script_path = "kseries/run.sh"; // the scenario's script
inline constexpr std::string_view lib_path = "kseries/lib";       // the files it uses (NAME)

// The /init script (busybox sh). Its console markers, each at the start of
// a line:
//   KSERIES-INIT: <uptime> <kernel release>      the harness started
//   KSERIES-ERROR: <what failed>                 e.g. "insmod overlay: invalid module format";
//                                                the script does not run then
//   KSERIES-DMESG: <line>                        after an ERROR, the kernel's last messages
//   KSERIES-RUN: <scenario>                      the script starts
//   KSERIES-EXIT: <status>                       the script returned
//   KSERIES-DONE: <uptime>                       about to power off
// and the script's own KSERIES-SYMPTOM / KSERIES-EVIDENCE lines between
// RUN and EXIT.
[[nodiscard]] std::string_view init_script();

// What the harness's markers in a serial log say, read with the line rules
// of series::parse_serial_log (series::console_marker).
struct HarnessReport {
    bool started = false;             // KSERIES-INIT seen
    std::string kernel_release;       // from KSERIES-INIT
    std::optional<std::string> error; // the first KSERIES-ERROR's text
    std::vector<std::string> dmesg;   // KSERIES-DMESG lines in order
    std::optional<int> script_exit;   // KSERIES-EXIT's status
    bool done = false;                // KSERIES-DONE seen: the harness reached power-off
};
[[nodiscard]] HarnessReport parse_harness(std::string_view log);

} // namespace kseries::boot
