# kseries kmod on Debian's full linux-source-6.12 tree and the installed
# linux-headers-6.12 of the running distribution: the store picks v2 for
# 6.12, the patched fs/overlayfs is built against the headers (modpost
# checking symbols against their Module.symvers) and packaged as a kmod
# RPM, which the real rpm, rpm2cpio, cpio and modinfo then take apart.
# The whole tree, not just fs/overlayfs: namei.c includes "../internal.h",
# which the headers package does not ship. (Set by CTest: KSERIES,
# KSERIES_ROOT, KSERIES_KERNEL_612.)
. "$KSERIES_ROOT/tests/cli/common.sh"
: "${KSERIES_KERNEL_612:?}"
SRC=$KSERIES_KERNEL_612
STORE="$KSERIES_ROOT/series/overlayfs-nfsroot"
HDR=$(ls -d /usr/src/linux-headers-6.12.*-amd64 | head -n 1)
[ -f "$HDR/include/config/kernel.release" ] || fail "install linux-headers-6.12-amd64"
KVER=$(cat "$HDR/include/config/kernel.release")
ovl_before=$(tree_hash "$SRC/fs/overlayfs")
mkdir "$T/rpms"

run "$KSERIES" kmod --series "$STORE" --tree "$SRC" --kernel-devel "$HDR" --out "$T/rpms" --keep
expect_rc 0 "v2 packaged for $KVER"
expect_out "kmod-overlayfs-nfsroot ("
expect_out "kernel:       $KVER ($HDR)"
expect_out "vermagic:     $KVER "
expect_out "module build: "
expect_out "rpmbuild:     "
work=$(sed -n 's/^work directory: //p' "$T/out")
[ -d "$work" ] || fail "--keep kept no work directory"
trap 'rm -rf "$T" "$work"' EXIT
[ "$(ls "$T/rpms" | wc -l)" -eq 1 ] || fail "--out holds more than the package: $(ls -a "$T/rpms")"
rpm_file=$(ls "$T/rpms"/kmod-overlayfs-nfsroot-2-*.x86_64.rpm)

# What the package holds, and what it says.
ko_path="/lib/modules/$KVER/extra/overlayfs-nfsroot/overlay.ko"
rpm -qlp "$rpm_file" > "$T/files"
grep -qxF "$ko_path" "$T/files" || fail "no $ko_path in $(cat "$T/files")"
grep -qxF /etc/depmod.d/kmod-overlayfs-nfsroot.conf "$T/files" || fail "no depmod.d file"
! grep -q '\.build-id\|debug' "$T/files" || fail "build-id or debug files packaged"
rpm -qp --scripts "$rpm_file" > "$T/scripts"
grep -qF "printf '%s\n' $ko_path | /usr/sbin/weak-modules --add-modules" "$T/scripts" || fail "no weak-modules --add-modules"
grep -qF "/usr/sbin/weak-modules --remove-modules" "$T/scripts" || fail "no weak-modules --remove-modules"
[ "$(grep -cF "depmod -a $KVER" "$T/scripts")" -eq 2 ] || fail "depmod in %post and %postun"
grep -q '^preuninstall scriptlet' "$T/scripts" || fail "no %preun"
rpm -qp --provides "$rpm_file" | grep -qxF 'kmod(overlay.ko) = 2-1.'"$(echo "$KVER" | tr - _)" || fail "no kmod(overlay.ko) provide"
rpm -qp --requires "$rpm_file" > "$T/requires"
grep -qxF "kernel-uname-r = $KVER" "$T/requires" || fail "no exact kernel requirement: $(cat "$T/requires")"
! grep -q '^kernel(' "$T/requires" || fail "unexpected automatic requirements"
[ "$(rpm -qp --qf '%{NAME} %{ARCH}' "$rpm_file")" = "kmod-overlayfs-nfsroot x86_64" ] || fail "name or arch"
rpm -qp --changelog "$rpm_file" | grep -qF "overlayfs-nfsroot v2" || fail "changelog does not name the version"
rpm -qip "$rpm_file" | grep -qF "0001-ovl-super.c-let-the-lower-layer-change.patch" || fail "description does not name the patch"

# Unpacked: the module is for the headers' kernel, exactly the one built
# (not stripped), and the depmod.d file overrides the in-tree module.
mkdir "$T/x"
(cd "$T/x" && rpm2cpio "$rpm_file" | cpio -idm --quiet)
ko="$T/x$ko_path"
[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$KVER" ] || fail "vermagic $(modinfo -F vermagic "$ko")"
cmp -s "$ko" "$work/module/overlay.ko" || fail "the packaged module differs from the one built (stripped?)"
readelf -S "$ko" | grep -q '\.symtab' || fail "the module was stripped"
printf 'override overlay %s extra/overlayfs-nfsroot\noverride overlay * weak-updates/overlayfs-nfsroot\n' "$KVER" > "$T/conf"
grep -v '^#' "$T/x/etc/depmod.d/kmod-overlayfs-nfsroot.conf" | cmp -s - "$T/conf" || fail "depmod.d: $(cat "$T/x/etc/depmod.d/kmod-overlayfs-nfsroot.conf")"

# The module holds the patched code: in the same directory built unpatched
# against the same headers, ovl_revalidate_real() loads -ESTALE (-116,
# 0xffffff8c); in the packaged module it does not. (Debian's modules carry
# no srcversion to compare: overlay has no MODULE_VERSION.)
mkdir "$T/plain"
cp "$SRC"/fs/overlayfs/* "$T/plain/"
printf '\nccflags-y += -I%s/fs/overlayfs\n' "$SRC" >> "$T/plain/Makefile"
make -s -C "$HDR" M="$T/plain" CONFIG_OVERLAY_FS=m -j2 modules > "$T/plain.log" 2>&1 || { cat "$T/plain.log"; fail "unpatched build"; }
estale_loads() { objdump -d --disassemble=ovl_revalidate_real "$1" | grep -c '\$0xffffff8c,' || :; }
[ "$(estale_loads "$T/plain/overlay.ko")" -ge 1 ] || fail "the unpatched ovl_revalidate_real() has no -ESTALE: the check is void"
[ "$(estale_loads "$ko")" -eq 0 ] || fail "the packaged ovl_revalidate_real() still returns -ESTALE"
sed -n '/^static int ovl_revalidate_real/,/^}/p' "$work/module/super.c" > "$T/fn"
grep -q 'd_revalidate(d, flags)' "$T/fn" || fail "ovl_revalidate_real() not found"
! grep -q 'ESTALE' "$T/fn" || fail "built from unpatched code"
[ "$(tree_hash "$SRC/fs/overlayfs")" = "$ovl_before" ] || fail "the source tree was written"

# Without --keep nothing is left in TMPDIR; --name renames the package.
# Run from $T with every path relative to it, as a user in a shell would.
mkdir "$T/tmp" "$T/rpms2"
cd "$T"
TMPDIR="$T/tmp" run "$KSERIES" kmod --series "$(realpath --relative-to=. "$STORE")" \
  --tree "$(realpath --relative-to=. "$SRC")" --kernel-devel "$(realpath --relative-to=. "$HDR")" \
  --out rpms2 --name ovl-test
expect_rc 0 "--name ovl-test"
ls "$T/rpms2"/kmod-ovl-test-2-*.x86_64.rpm > /dev/null || fail "no kmod-ovl-test package"
rpm -qlp "$T/rpms2"/kmod-ovl-test-*.rpm | grep -qxF "/lib/modules/$KVER/extra/ovl-test/overlay.ko" || fail "module not in extra/ovl-test"
[ -z "$(ls -A "$T/tmp")" ] || fail "work directory left behind: $(ls -A "$T/tmp")"

# Bad input: exit 2 naming the problem; --out untouched on any failure.
out_before=$(tree_hash "$T/rpms")
mkdir -p "$T/devel/include"
run "$KSERIES" kmod --series "$STORE" --tree "$SRC" --kernel-devel "$T/devel" --out "$T/rpms"
expect_rc 2 "a devel directory without kernel.release"
expect_err "$T/devel/include/config/kernel.release"
run "$KSERIES" kmod --series "$STORE" --tree "$SRC" --kernel-devel "$HDR" --out "$T/rpms" --name 'x %{lua:print(1)}'
expect_rc 2 "a name that would inject spec text"
expect_err "name 'x %{lua:print(1)}' cannot go into a spec file"
run "$KSERIES" kmod --series "$STORE" --tree "$SRC" --kernel-devel "$HDR" --out "$T/missing"
expect_rc 2 "--out does not exist"
expect_err "--out $T/missing: not a directory"
# v1 does not apply to 6.12: the check report, exit 1, nothing built.
run "$KSERIES" kmod --series "$STORE/v1" --tree "$SRC" --kernel-devel "$HDR" --out "$T/rpms"
expect_rc 1 "v1 does not apply to 6.12"
expect_out "FAILED"
expect_out "$STORE/v1 does not apply to $SRC under kernel.spec: no package built"
[ "$(tree_hash "$T/rpms")" = "$out_before" ] || fail "--out changed by a failed run"
