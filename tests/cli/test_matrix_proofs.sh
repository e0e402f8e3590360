# Boot proofs in the matrix (docs/formats/proofs.md, docs/commands/matrix.md):
# a store copy with a proofs/ record written by hand shows it beside the
# release it was booted on, only for the version the matrix used there;
# without proofs/ the outputs are byte for byte what they were; a record
# that does not parse, or a link in proofs/, stops the matrix.
. "$(dirname "$0")/common.sh"

S="$T/store"
cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot" "$S"
# matrix ARGS...: the store on Debian's 6.1 (v2) and 6.12 (v2) trees.
matrix() { run "$KSERIES" matrix --series "$S" --tree "$KSERIES_CORPUS_61" --tree "$KSERIES_CORPUS_612" "$@"; }

# --- before any proof: the reference outputs --------------------------------
for f in text json md html junit; do
  matrix --format "$f"
  expect_rc 0 "matrix $f without proofs"
  cp "$T/out" "$T/before.$f"
done
grep -q "boot proof" "$T/before.text" && fail "a column without any proof"

# --- a record of v2 booted on Debian's 6.12.117, as verify --boot writes it --
# (v1's record on 6.1 must not show: the matrix uses v2 there.)
record() { # VERSION RELEASE ESTALE-VERDICT
  mkdir -p "$S/proofs/$1/$2"
  cat > "$S/proofs/$1/$2/proof.json" <<EOF
{
  "store": "overlayfs-nfsroot", "version": "$1", "kernel_release": "$2",
  "date": "2026-12-01T12:00:00Z", "verdict": "proved",
  "module_vermagic": "6.12.117+deb12-amd64 SMP preempt mod_unload modversions ",
  "kvm_note": "", "build_seconds": 31.5, "seconds": 47.0,
  "scenarios": [
    { "scenario": "estale", "patch": "0001-ovl-super.c-let-the-lower-layer-change.patch",
      "expect": "fixed", "verdict": "$3",
      "stock": { "symptom": "yes", "detail": "Stale file handle through the overlay",
                 "evidence": ["after, access 1: file=[cat: can't open '/merged/file': Stale file handle]"],
                 "problem": "", "seconds": 12.1, "accel": "tcg", "log": "estale.stock.log" },
      "patched": { "symptom": "no", "detail": "", "evidence": ["file=[new] dir=[b ]"],
                   "problem": "", "seconds": 14.3, "accel": "tcg", "log": "estale.patched.log" } },
    { "scenario": "copyup-acl", "patch": "0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch",
      "expect": "not-reproducible", "verdict": "not-reproducible",
      "stock": { "symptom": "no", "detail": "", "evidence": [], "problem": "",
                 "seconds": 11.0, "accel": "tcg", "log": "copyup-acl.stock.log" },
      "patched": null }
  ]
}
EOF
}
record v2 6.12.117+deb12-amd64 proved
record v1 6.1.192-amd64 not-proved

matrix
expect_rc 0 "a proof does not change coverage"
grep -Eq '^release +policy +version +0001 +0002 +boot proof +source$' "$T/out" ||
  fail "header: $(cat "$T/out")"
grep -Eq '^6\.12\.117 .* not needed +proved +tree ' "$T/out" || fail "6.12 row: $(cat "$T/out")"
grep -Eq '^6\.1\.192 .* not needed +- +tree ' "$T/out" || fail "6.1 row: $(cat "$T/out")"

matrix --format json
expect_rc 0 "json"
jq -e '.releases[] | select(.release == "6.12.117") | .proof ==
       {"version": "v2", "kernel_release": "6.12.117+deb12-amd64", "verdict": "proved",
        "scenarios": [{"scenario": "estale", "patch": "0001-ovl-super.c-let-the-lower-layer-change.patch", "verdict": "proved"},
                      {"scenario": "copyup-acl", "patch": "0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch", "verdict": "not-reproducible"}]}' \
  "$T/out" > /dev/null || fail "6.12 proof: $(jq -c '.releases[] | {release, proof}' "$T/out")"
jq -e '.releases[] | select(.release == "6.1.192") | has("proof") | not' "$T/out" > /dev/null ||
  fail "v1's proof shown on a v2 row: $(jq -c '.releases[] | {release, proof}' "$T/out")"

# A record that fails the proof: "not proved", and a failing JUnit case.
record v2 6.12.117+deb12-amd64 not-proved
matrix
grep -Eq '^6\.12\.117 .* not proved +tree ' "$T/out" || fail "not proved: $(cat "$T/out")"
matrix --format junit
grep -q '<failure type="not-proved" message="estale (0001-ovl-super.c-let-the-lower-layer-change.patch): not-proved">' "$T/out" ||
  fail "junit: $(cat "$T/out")"

# --- hostile records stop the matrix, naming the file -------------------------
echo '{"store": ' > "$S/proofs/v2/6.12.117+deb12-amd64/proof.json"
matrix
expect_rc 2 "bad JSON"
grep -q "proofs/v2/6.12.117+deb12-amd64/proof.json: not valid JSON" "$T/err" || fail "$(cat "$T/err")"
rm -r "$S/proofs"
mkdir "$T/elsewhere"
ln -s "$T/elsewhere" "$S/proofs"
matrix
expect_rc 2 "a linked proofs/"
grep -q "proofs is not a directory (a link?): refused" "$T/err" || fail "$(cat "$T/err")"

# --- no proofs/ again: every format as before, byte for byte -------------------
rm "$S/proofs"
for f in text json md html junit; do
  matrix --format "$f"
  cmp -s "$T/out" "$T/before.$f" || fail "$f changed without proofs"
done
