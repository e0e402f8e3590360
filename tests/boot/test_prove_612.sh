# verify --boot on Debian's 6.12, the real thing: the installed kernel
# boots in qemu (TCG: nested KVM fails on our machines) with the stock
# overlay.ko and with one built from Debian's linux-source-6.12 and v2's
# 0001. estale must show "Stale file handle" on stock and not on patched
# (proved); copyup-acl must show no symptom on stock (v2 records 0002 as
# dropped: superseded upstream). Asserted on the scenarios' results and the
# kept serial logs, never on time.
. "$KSERIES_ROOT/tests/boot/common.sh"
copy_store
before=$(tree_hash "$T/store/v2")

run "$KSERIES" verify --boot --series "$T/store" --tree "$SRC" --installed-kernel "$KVER" --accel tcg
expect_rc 0 "v2 proved on $KVER"
expect_out "overlayfs-nfsroot v2 on $KVER"
expect_out "estale"
expect_out "copyup-acl"

rec="$T/store/proofs/v2/$KVER"
[ -f "$rec/proof.json" ] || fail "no record in $rec: $(ls -R "$T/store/proofs" 2>&1)"
[ "$(verdict_of estale "$rec/proof.json")" = proved ] || fail "estale: $(cat "$rec/proof.json")"
[ "$(verdict_of copyup-acl "$rec/proof.json")" = not-reproducible ] ||
    fail "copyup-acl: $(cat "$rec/proof.json")"
# The evidence behind the verdicts, in the kept serial logs.
grep -q 'KSERIES-SYMPTOM: yes' "$rec/estale.stock.log" || fail "stock estale log: no symptom"
grep -q 'Stale file handle' "$rec/estale.stock.log" || fail "stock estale log: no ESTALE"
grep -q 'KSERIES-SYMPTOM: no' "$rec/estale.patched.log" || fail "patched estale log: symptom"
grep -q 'file=\[new\]' "$rec/estale.patched.log" || fail "patched estale: new content not seen"
grep -q 'KSERIES-SYMPTOM: no' "$rec/copyup-acl.stock.log" || fail "stock copyup-acl: symptom"
[ ! -e "$rec/copyup-acl.patched.log" ] || fail "copyup-acl booted patched: v2 dropped 0002"
[ "$(jq -r .kernel_release "$rec/proof.json")" = "$KVER" ] || fail "kernel_release"
# The version itself is untouched; nothing but proofs/ was written.
[ "$(tree_hash "$T/store/v2")" = "$before" ] || fail "verify --boot changed v2"

# The matrix shows the runtime proof beside the textual verdicts of the
# release it was made on.
run "$KSERIES" matrix --series "$T/store" --tree "$SRC"
expect_rc 0 "matrix of the proved release"
grep -Eq '^6\.12\.117 .* proved' "$T/out" || fail "matrix row: $(cat "$T/out")"
