# kseries rebase's proposals (docs/commands/rebase.md, "Proposals") on the
# 8.2 -> 8.3 refactoring (tests/data/rebase/el8-refactor/README): v1's hunk
# stops on the 4.18.0-240-shaped target, the stop proposes exactly the
# maintainer's resolution (remove the -ESTALE block from
# ovl_revalidate_real(), nothing else), and --accept writes a version whose
# patch applies with the real `patch -F0` and `git apply` and makes the
# hand-made v2's change. With the block twice nothing is proposed, and
# --accept refuses with exit 2, writing nothing.
. "$(dirname "$0")/common.sh"

F="$KSERIES_ROOT/tests/data/rebase/el8-refactor"
P1=0001-ovl-super.c-let-the-lower-layer-change.patch
SUPER=fs/overlayfs/super.c
S="$T/store"
cp -r "$F/store" "$S"

# The fixture is what its README says: v1 applies to base/ exactly, the
# store records base/'s blob, and v1's 0001 is the real one.
cmp -s "$F/store/v1/$P1" "$V1/$P1" || fail "the fixture's 0001 is not v1's"
blob=$(git hash-object "$F/base/$SUPER")
grep -qF "\"$SUPER\" = \"$blob\"" "$S/v1/version.toml" || fail "the store does not record base/'s blob"
cp -r "$F/base" "$T/b"
(cd "$T/b" && patch -p1 -F0 -s --dry-run < "$V1/$P1") || fail "v1 does not apply to base/ at fuzz 0"

# --- the stop proposes exactly the resolution ------------------------------
before=$(tree_hash "$S")
run "$KSERIES" rebase --series "$S" --from v1 --onto "$F/target" --base "$F/base" --workspace "$T/ws"
expect_rc 1 "the hunk cannot be placed on ovl_revalidate_real() automatically"
[ "$(tree_hash "$S")" = "$before" ] || fail "a stop changed the store"
expect_out "$P1: stopped"
expect_out "proposal (3 separable changes; ovl_revalidate_real() mentions 11 of the 12 names"
expect_out "proposed, confidence 0.94: remove lines 128-132 of ovl_revalidate_real():"
expect_out "131: 			ret = -ESTALE;"
expect_out "no counterpart found: the closest lines (line 128, in ovl_revalidate_real()) are alike only 0.67 (below 0.80)"
expect_out "ovl_revalidate_real() already has the change's new text at line 134 (already like the new text)"
[ "$(grep -c '^      proposed, ' "$T/out")" -eq 1 ] || fail "more than the one change is proposed"
[ "$(grep -c 'no counterpart found' "$T/out")" -eq 2 ] || fail "not two changes without counterpart"
# The workspace holds the proposal: proposal.diff is the hand-made v2's
# hunk, and SUMMARY shows the proposal and how to accept it.
sed -n '/^--- a\//,$p' "$F/v2-by-hand.patch" > "$T/by-hand.diff"
cmp -s "$T/ws/proposal.diff" "$T/by-hand.diff" || {
  diff -u "$T/by-hand.diff" "$T/ws/proposal.diff" >&2; fail "proposal.diff is not the hand-made change"; }
grep -qF "proposed, confidence 0.94: remove lines 128-132 of ovl_revalidate_real():" "$T/ws/SUMMARY" ||
  fail "SUMMARY lacks the proposal"
grep -qF "the same rebase again" "$T/ws/SUMMARY" || fail "SUMMARY does not say how to accept"
# Shown, never applied: tree/ still has the conflict, orig/ is the target.
grep -q '^<<<<<<< target$' "$T/ws/tree/$SUPER" || fail "tree/ lost its conflict markers"
cmp -s "$T/ws/orig/$SUPER" "$F/target/$SUPER" || fail "orig/ is not the target's file"
# JSON carries it too.
run "$KSERIES" rebase --series "$S" --from v1 --onto "$F/target" --base "$F/base" --workspace "$T/wsj" --format json
expect_rc 1 "json stop"
[ "$(jq -r '.patches[0].hunks[0].proposal.changes | map(.proposed) | join(",")' "$T/out")" = "false,true,false" ] ||
  fail "JSON proposal: $(cat "$T/out")"
[ "$(jq -r '.patches[0].hunks[0].proposal.changes[1].first_line' "$T/out")" = 128 ] || fail "JSON first_line"

# --- --accept carries the patch with the proposal ----------------------------
run "$KSERIES" rebase --series "$S" --from v1 --onto "$F/target" --base "$F/base" --workspace "$T/ws3" --accept
expect_rc 0 "--accept carries the patch"
expect_out "$P1: carried - its proposal accepted (--accept): $SUPER lines 128-132 of ovl_revalidate_real()"
expect_out "wrote $S/v2"
[ ! -e "$T/ws3" ] || fail "--accept left a workspace"
for tool in patch git; do
  rm -rf "$T/t" && cp -r "$F/target" "$T/t"
  if [ "$tool" = patch ]; then
    out=$(cd "$T/t" && patch -p1 -F0 < "$S/v2/$P1") || fail "patch -F0 refuses v2: $out"
    ! echo "$out" | grep -Eq 'offset|fuzz' || fail "v2 needs offset or fuzz: $out"
  else
    (cd "$T/t" && git apply -p1 "$S/v2/$P1") || fail "git apply refuses v2"
  fi
  rm -rf "$T/h" && cp -r "$F/target" "$T/h"
  (cd "$T/h" && patch -p1 -F0 -s < "$F/v2-by-hand.patch") || fail "the hand-made patch does not apply"
  cmp -s "$T/t/$SUPER" "$T/h/$SUPER" || {
    diff -u "$T/h/$SUPER" "$T/t/$SUPER" >&2; fail "$tool: v2's change is not the hand-made one"; }
done
grep -q '^Base-Kernel: 4.18.0-240.el8$' "$S/v2/$P1" || fail "Base-Kernel not brought up to date"

# --- the block twice: not unique, nothing proposed, --accept refuses -----------
cp -r "$F/target" "$T/twice"
/usr/bin/python3 - "$T/twice/$SUPER" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
weak = "\t\t\tret =  d->d_op->d_weak_revalidate(d, flags);\n"
block = ("\t\tif (!ret) {\n\t\t\tif (!(flags & LOOKUP_RCU))\n\t\t\t\td_invalidate(d);\n"
         "\t\t\tret = -ESTALE;\n\t\t}\n")
assert s.count(weak) == 1 and s.count(block) == 1
open(p, "w").write(s.replace(weak, weak + block))
EOF
S2="$T/store2"
cp -r "$F/store" "$S2"
before=$(tree_hash "$S2")
run "$KSERIES" rebase --series "$S2" --from v1 --onto "$T/twice" --base "$F/base" --workspace "$T/ws4"
expect_rc 1 "the stop with an ambiguous counterpart"
expect_out "no counterpart found: not unique, alike at lines 126-130 in ovl_revalidate_real() (0.94) and lines 133-137 in ovl_revalidate_real() (0.94)"
expect_no_out "proposed, confidence"
[ ! -e "$T/ws4/proposal.diff" ] || fail "an ambiguous counterpart was written as proposal.diff"
grep -qF "No change is" "$T/ws4/SUMMARY" || fail "SUMMARY does not say nothing can be accepted"
run "$KSERIES" rebase --series "$S2" --from v1 --onto "$T/twice" --base "$F/base" --workspace "$T/ws5" --accept
expect_rc 2 "--accept with nothing to accept"
expect_err "--accept: $SUPER hunk 1 of $P1 has no proposal to accept"
expect_err "change 2: no counterpart found: not unique"
expect_err "nothing written"
[ "$(tree_hash "$S2")" = "$before" ] || fail "a refused --accept changed the store"
[ ! -e "$T/ws5" ] || fail "a refused --accept wrote a workspace"

# --- real code: v1 onto Debian's 6.12 proposes v2's change, nothing else ------
# There `return 1;` is also in ovl_revalidate_real() (`if (!d) return 1;`):
# alike token for token, but not in the hunk's context, so not proposed.
S3="$T/store3"
mkdir "$S3"
cp -r "$V1" "$S3/v1"
printf '[[map]]\nversion = "v1"\nuntil = "4.18.0-240.el8"\n' > "$S3/index.toml"
V2="$KSERIES_ROOT/series/overlayfs-nfsroot/v2"
run "$KSERIES" rebase --series "$S3" --from v1 --onto "$KSERIES_CORPUS_612" --workspace "$T/ws6"
expect_rc 1 "v1 stops on 6.12"
expect_out "no counterpart found: alike at line 88 of ovl_revalidate_real() (1.00), but the removed lines mention fewer than 2 names"
[ "$(grep -c '^      proposed, ' "$T/out")" -eq 1 ] || fail "6.12: more than the one change is proposed"
sed -n '/^--- a\//,$p' "$V2/$P1" > "$T/v2.diff"
cmp -s "$T/ws6/proposal.diff" "$T/v2.diff" || {
  diff -u "$T/v2.diff" "$T/ws6/proposal.diff" >&2; fail "6.12: proposal.diff is not v2's change"; }
run "$KSERIES" rebase --series "$S3" --from v1 --onto "$KSERIES_CORPUS_612" --workspace "$T/ws7" --accept
expect_rc 0 "--accept on 6.12"
expect_out "0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch: dropped"
sed -n '/^--- a\//,$p' "$S3/v2/$P1" | cmp -s - "$T/v2.diff" || fail "6.12: --accept did not write v2's change"

# --accept goes with a fresh rebase only.
run "$KSERIES" rebase --continue --accept --workspace "$T/ws4"
expect_rc 2 "--accept with --continue"
echo ok
