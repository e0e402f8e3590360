#include <charconv>

#include <kseries/boot/harness.hpp>
#include <kseries/series/scenario.hpp>

namespace kseries::boot {

namespace {

// Busybox sh, run by the kernel as /init. No `set -e`: every failure is
// reported on the console and the VM still powers off, so the host never
// waits for its timeout on a harness that stopped half-way.
//
// Debian's busybox-static runs its own applet for a bare command name even
// when PATH holds a real program of that name first (FEATURE_SH_STANDALONE
// with PREFER_APPLETS), and `--install -s` never replaces a file that
// exists (symlink() fails with EEXIST, which busybox ignores). So the links
// go into /bin only, the copied tools keep their own paths, and a script
// calls a tool busybox also has by its absolute path
// (docs/formats/scenario.md).
constexpr std::string_view script = R"SH(#!/bin/busybox sh
# kseries verify --boot: the VM's /init (tools/kseries/boot/harness.cpp).
# Markers on the console tell the host what happened.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/
cd /

now() {
    read -r up _ </proc/uptime
    echo "$up"
}

# Powers the VM off; with -no-reboot and panic=-1 an /init that exits would
# end qemu too, but through a kernel panic.
finish() {
    echo "KSERIES-DONE: $(now)"
    poweroff -f
    sleep 5
    echo o >/proc/sysrq-trigger
    sleep 5
    exit 1
}

# The script does not run after a harness step failed: no verdict.
error() {
    echo "KSERIES-ERROR: $*"
    dmesg | tail -n 8 | while IFS= read -r line; do
        echo "KSERIES-DMESG: $line"
    done
    finish
}

/bin/busybox mkdir -p /proc /sys /dev /run /tmp /bin /sbin /usr/bin /usr/sbin
/bin/busybox mount -t proc proc /proc || error "mount /proc"
/bin/busybox --install -s /bin
mount -t sysfs sysfs /sys || error "mount /sys"
mount -t devtmpfs devtmpfs /dev || error "mount /dev"
mount -t tmpfs -o mode=0755 tmpfs /run || error "mount /run"
mount -t tmpfs -o mode=1777 tmpfs /tmp || error "mount /tmp"
# Kernel messages (module taint, nfsd) would cut into the markers.
dmesg -n 1
echo "KSERIES-INIT: $(now) $(uname -r)"

[ -r /etc/kseries/modules ] || error "no /etc/kseries/modules"
for m in $(cat /etc/kseries/modules); do
    out=$(insmod "/lib/modules/$m.ko" 2>&1) || error "insmod $m: ${out#insmod: }"
done

[ -r /kseries/run.sh ] || error "no /kseries/run.sh"
scenario=$(cat /etc/kseries/scenario 2>/dev/null)
echo "KSERIES-RUN: ${scenario:-?}"
/bin/busybox sh /kseries/run.sh </dev/null
echo "KSERIES-EXIT: $?"
finish
)SH";

} // namespace

std::string_view init_script() {
    return script;
}

HarnessReport parse_harness(std::string_view log) {
    HarnessReport report;
    for (const auto& piece : series::console_pieces(log)) {
        const std::string_view text = piece.text;
        if (const auto init = series::console_marker(text, "KSERIES-INIT:")) {
            // "<uptime> <release>": the release is the last word.
            report.started = true;
            report.kernel_release = std::string(init->substr(init->rfind(' ') + 1));
        } else if (const auto error = series::console_marker(text, "KSERIES-ERROR:")) {
            if (!report.error) {
                report.error = std::string(*error);
            }
        } else if (const auto line = series::console_marker(text, "KSERIES-DMESG:")) {
            report.dmesg.emplace_back(*line);
        } else if (const auto status = series::console_marker(text, "KSERIES-EXIT:")) {
            int value = 0;
            const char* end = status->data() + status->size();
            const auto [ptr, ec] = std::from_chars(status->data(), end, value);
            if (ec == std::errc{} && ptr == end) {
                report.script_exit = value;
            }
        } else if (series::console_marker(text, "KSERIES-DONE:")) {
            report.done = true;
        }
    }
    return report;
}

} // namespace kseries::boot
