# kseries verify --compile on Debian's full linux-source-6.12 tree: the
# series store picks v2 for 6.12 by itself, v2 applies under the policy, and
# the patched fs/overlayfs is built by the kernel's own build system into an
# overlay.ko whose vermagic is the tree's; the source tree is only read. A
# patch that applies but does not compile is reported with the compiler's
# error. (Set by CTest: KSERIES, KSERIES_ROOT, KSERIES_KERNEL_612.)
. "$KSERIES_ROOT/tests/cli/common.sh"
: "${KSERIES_KERNEL_612:?}"
SRC=$KSERIES_KERNEL_612
STORE="$KSERIES_ROOT/series/overlayfs-nfsroot"
ovl_before=$(tree_hash "$SRC/fs/overlayfs")

run "$KSERIES" verify --compile --series "$STORE" --tree "$SRC" --workdir "$T/work" --jobs 2
expect_rc 0 "v2 compiles on 6.12"
expect_out "$STORE/v2 applies and compiles on $SRC"
expect_out "fs/overlayfs/overlay.ko"
ko="$T/work/modules/fs/overlayfs/overlay.ko"
[ -f "$ko" ] || fail "no overlay.ko"
release=$(make -s -C "$SRC" O="$T/work/build" kernelrelease)
modinfo -F vermagic "$ko" | grep -q "^$release " || fail "vermagic $(modinfo -F vermagic "$ko"), expected $release"
# The module was built from the patched source: no -ESTALE in ovl_revalidate_real().
sed -n '/^static int ovl_revalidate_real/,/^}/p' "$T/work/modules/fs/overlayfs/super.c" > "$T/fn"
grep -q 'd_revalidate(d, flags)' "$T/fn" || fail "ovl_revalidate_real() not found"
! grep -q 'ESTALE' "$T/fn" || fail "the module was built from unpatched code"
[ "$(tree_hash "$SRC/fs/overlayfs")" = "$ovl_before" ] || fail "the source tree was written"
[ ! -e "$SRC/.config" ] && [ ! -e "$SRC/include/config" ] || fail "the source tree was configured in place"

# A version that applies but does not compile: the compiler's error, exit 1.
mkdir -p "$T/store/v1"
cp "$STORE/v2/0001-ovl-super.c-let-the-lower-layer-change.patch" "$T/store/v1/0001.patch"
sed -i 's|^ 		ret = d->d_op->d_revalidate(d, flags);$|+		this is not C;\n&|' "$T/store/v1/0001.patch"
sed -i 's|^@@ -\([0-9]*\),11 +\([0-9]*\),6 @@|@@ -\1,11 +\2,7 @@|' "$T/store/v1/0001.patch"
echo "0001.patch -p1" > "$T/store/v1/series"
run "$KSERIES" check --series "$T/store/v1" --tree "$SRC"
expect_rc 0 "the broken patch still applies"
# (From $T, with relative paths: they are the caller's, whatever make's -C.)
cd "$T"
src_rel=$(realpath --relative-to=. "$SRC")
run "$KSERIES" verify --compile --series store/v1 --tree "$src_rel" --workdir work --jobs 2
expect_rc 1 "does not compile"
expect_out "does not compile on $src_rel: make modules failed"
expect_out "super.c"
expect_out "error"
