# What the boot-proof tests share: Debian's installed 6.12 kernel (image,
# modules, headers), the source tree the patched module is built from, and
# a copy of the overlayfs-nfsroot store (verify --boot writes its record
# into STORE/proofs/). Set by CTest: KSERIES, KSERIES_ROOT,
# KSERIES_KERNEL_612.
. "$KSERIES_ROOT/tests/cli/common.sh"
: "${KSERIES_KERNEL_612:?}"
SRC=$KSERIES_KERNEL_612
HDR=$(ls -d /usr/src/linux-headers-6.12.*-amd64 | head -n 1)
[ -f "$HDR/include/config/kernel.release" ] || fail "install linux-headers-6.12-amd64"
KVER=$(cat "$HDR/include/config/kernel.release")
[ -f "/boot/vmlinuz-$KVER" ] || fail "install linux-image-$KVER (linux-image-6.12-amd64)"
MODS=/lib/modules/$KVER
command -v qemu-system-x86_64 >/dev/null || fail "install qemu-system-x86"

# $T/store: the repository's store, copied, so its proofs/ stays untouched.
copy_store() {
    cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot" "$T/store"
    rm -rf "$T/store/proofs"
}

# The JSON record's verdict for one scenario.
verdict_of() {
    jq -r --arg s "$1" '.scenarios[] | select(.scenario == $s) | .verdict' "$2"
}
