# A proof must be able to fail: v2's 0001 replaced by a patch that applies
# and builds but fixes nothing (a comment in ovl_revalidate_real()). The
# patched kernel still shows "Stale file handle": not proved, exit 1, and
# --format json prints the record kept in the store.
# Then a kernel image that does not boot: bad input, exit 2, nothing
# recorded. (A scenario that hangs, a module that does not load: the flow's
# unit tests, tests/unit/test_flow_boot_proof.cpp.)
. "$KSERIES_ROOT/tests/boot/common.sh"
copy_store
# One scenario is enough here: each boot costs CI time.
rm -rf "$T/store/scenarios/copyup-acl"
cp "$KSERIES_ROOT/tests/data/boot/null-0001.patch" \
    "$T/store/v2/0001-ovl-super.c-let-the-lower-layer-change.patch"

run "$KSERIES" verify --boot --series "$T/store/v2" --tree "$SRC" --installed-kernel "$KVER" \
    --accel tcg --format json
expect_rc 1 "a patch that fixes nothing is not proved"
rec="$T/store/proofs/v2/$KVER"
[ "$(verdict_of estale "$rec/proof.json")" = not-proved ] || fail "estale: $(cat "$rec/proof.json")"
grep -q 'Stale file handle' "$rec/estale.patched.log" || fail "patched log: no ESTALE"
# --format json prints the record it kept, byte for byte.
cmp -s "$T/out" "$rec/proof.json" || fail "--format json is not the kept proof.json: $(cat "$T/out")"

# A kernel that is not one, though it carries the bzImage signature: its
# boot protocol (0x206) says 1.00, which qemu refuses at once. Exit 2, no
# record.
rm -rf "$T/store/proofs"
head -c 2000000 /dev/urandom > "$T/bzImage"
printf 'HdrS\000\001' | dd of="$T/bzImage" bs=1 seek=514 conv=notrunc 2>/dev/null
run "$KSERIES" verify --boot --series "$T/store/v2" --tree "$SRC" --kernel-image "$T/bzImage" \
    --kernel-modules "$MODS" --kernel-devel "$HDR" --accel tcg
expect_rc 2 "a kernel that does not boot is bad input"
expect_err "does not boot"
[ ! -e "$T/store/proofs" ] || fail "a record was kept for a kernel that does not boot"
