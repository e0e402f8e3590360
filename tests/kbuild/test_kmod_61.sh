# kseries kmod on Debian's 6.1: the linux-source-6.1 corpus (fs/ whole, so
# namei.c finds "../internal.h") built against linux-headers-6.1.0-*-amd64.
# Those headers name two releases: include/config/kernel.release says the
# upstream 6.1.N, utsrelease.h (and so the kernel and its modules'
# vermagic) says 6.1.0-N-amd64; kmod must package for the latter. That
# release has two '-', which rpm cannot read as a version, so the package
# carries no kernel-uname-r requirement (rpmbuild refuses "Invalid version
# (double separator '-')" otherwise). (Set by CTest: KSERIES, KSERIES_ROOT,
# KSERIES_CORPUS_61.)
. "$KSERIES_ROOT/tests/cli/common.sh"
: "${KSERIES_CORPUS_61:?}"
SRC=$KSERIES_CORPUS_61
STORE="$KSERIES_ROOT/series/overlayfs-nfsroot"
HDR=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2> /dev/null | head -n 1)
[ -f "$HDR/include/generated/utsrelease.h" ] || fail "install linux-headers-amd64 (Debian 12's 6.1 headers)"
KVER=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$HDR/include/generated/utsrelease.h")
[ "$(cat "$HDR/include/config/kernel.release")" != "$KVER" ] || fail "kernel.release equals UTS_RELEASE ($KVER): these headers no longer test the difference"
mkdir "$T/rpms"

run "$KSERIES" kmod --series "$STORE" --tree "$SRC" --kernel-devel "$HDR" --out "$T/rpms"
expect_rc 0 "v2 packaged for $KVER"
expect_out "kernel:       $KVER ($HDR)"
expect_out "vermagic:     $KVER "
rpm_file=$(ls "$T/rpms"/kmod-overlayfs-nfsroot-2-*.x86_64.rpm)
ko_path="/lib/modules/$KVER/extra/overlayfs-nfsroot/overlay.ko"
rpm -qlp "$rpm_file" | grep -qxF "$ko_path" || fail "no $ko_path in the package"
rpm -qp --requires "$rpm_file" > "$T/requires"
! grep -q '^kernel' "$T/requires" || fail "a kernel requirement rpm cannot hold: $(cat "$T/requires")"
mkdir "$T/x"
(cd "$T/x" && rpm2cpio "$rpm_file" | cpio -idm --quiet)
[ "$(modinfo -F vermagic "$T/x$ko_path" | cut -d' ' -f1)" = "$KVER" ] || fail "vermagic $(modinfo -F vermagic "$T/x$ko_path")"
