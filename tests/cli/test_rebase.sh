# kseries rebase through the real CLI, on Debian's real 6.12 overlayfs and
# on generated targets: automatic placement (offset, merge), already
# applied and superseded patches dropped with the reason, and the
# resolution workflow end to end (stop, --continue refusing markers,
# --continue, --skip, --abort). Every version written must apply with the
# real `patch -F0` and `git apply` at zero offset; the store changes only
# when a whole version is written.
. "$(dirname "$0")/common.sh"

# The real store as it was before v2: v1 and its mapping.
S="$T/store"
mkdir "$S"
cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot/v1" "$S/v1"
printf '[[map]]\nversion = "v1"\nuntil = "4.18.0-240.el8"\n' > "$S/index.toml"
WS="$T/ws"
P1=0001-ovl-super.c-let-the-lower-layer-change.patch
P2=0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch

# applies_exactly VERSION_DIR TREE: every patch of the version applies to a
# copy of TREE with the real patch -F0 and git apply, without offset or fuzz.
applies_exactly() {
  rm -rf "$T/check" && cp -r "$2" "$T/check"
  grep -v '^#' "$1/series" | while read -r p _; do
    [ -n "$p" ] || continue
    out=$(cd "$T/check" && patch -p1 -F0 --dry-run < "$1/$p") || fail "patch -F0 refuses $p: $out"
    ! echo "$out" | grep -Eq 'offset|fuzz' || fail "$p needs offset or fuzz: $out"
    (cd "$T/check" && git apply --check -p1 "$1/$p") || fail "git apply refuses $p"
    (cd "$T/check" && patch -p1 -s < "$1/$p") || fail "$p does not apply for the next one"
  done
}

# --- Debian 6.12: 0001 stops for the maintainer, 0002 is superseded ----------
before=$(tree_hash "$S")
run "$KSERIES" rebase --series "$S" --from v1 --onto "$KSERIES_CORPUS_612" --workspace "$WS"
expect_rc 1 "0001 cannot be placed on ovl_revalidate_real() automatically"
expect_out "$P1: stopped"
expect_out "unplaced"
[ "$(tree_hash "$S")" = "$before" ] || fail "a stopped rebase changed the store"
for f in SUMMARY state.json "$P1.rej" "$P1.header" orig/fs/overlayfs/super.c tree/fs/overlayfs/super.c; do
  [ -f "$WS/$f" ] || fail "the workspace lacks $f"
done
grep -q "kseries rebase --continue" "$WS/SUMMARY" || fail "SUMMARY gives no next command"
grep -q '^<<<<<<< target$' "$WS/tree/fs/overlayfs/super.c" || fail "no conflict markers"
cmp -s "$WS/orig/fs/overlayfs/super.c" "$KSERIES_CORPUS_612/fs/overlayfs/super.c" ||
  fail "orig/ is not the target's file"
grep -q '^-			if (ret < 0)$' "$WS/$P1.rej" || fail ".rej lacks the hunk"

# Another rebase while one is in progress is refused.
run "$KSERIES" rebase --series "$S" --from v1 --onto "$KSERIES_CORPUS_612" --workspace "$WS"
expect_rc 2 "a rebase is in progress"
expect_err "in progress in $WS"

# --continue with markers left: refused, naming the file and line; nothing lost.
ws_before=$(tree_hash "$WS")
line=$(grep -n '^<<<<<<< target$' "$WS/tree/fs/overlayfs/super.c" | cut -d: -f1)
run "$KSERIES" rebase --continue --workspace "$WS"
expect_rc 2 "markers left"
expect_err "$WS/tree/fs/overlayfs/super.c:$line"
[ "$(tree_hash "$WS")" = "$ws_before" ] || fail "a refused --continue changed the workspace"
[ "$(tree_hash "$S")" = "$before" ] || fail "a refused --continue changed the store"

# The maintainer resolves: in ovl_revalidate_real(), return the real
# dentry's verdict instead of invalidating it and returning -ESTALE.
resolve_v1_0001 "$WS/tree/fs/overlayfs/super.c"
sed -i 's/^Base-Kernel: .*/Base-Kernel: 6.12 (Debian linux-source-6.12), rebased by kseries/' "$WS/$P1.header"
run "$KSERIES" rebase --continue --workspace "$WS" --format json
expect_rc 0 "resolved"
jq -e --arg p1 "$P1" --arg p2 "$P2" '.written != null and .workspace == null
   and .patches[0].name == $p1 and .patches[0].fate == "carried" and .patches[0].reason == "resolved by the maintainer"
   and .patches[1].name == $p2 and .patches[1].fate == "dropped" and (.patches[1].reason | test("superseded upstream"))' \
  "$T/out" > /dev/null || fail "continue report: $(cat "$T/out")"
[ ! -e "$WS" ] || fail "the workspace was not removed"
[ -f "$S/v2/series" ] && [ -f "$S/v2/version.toml" ] || fail "v2 not written"
grep -qx "$P1 -p1" "$S/v2/series" || fail "v2/series: $(cat "$S/v2/series")"
! grep -q "$P2" "$S/v2/series" || fail "v2 carries 0002"
grep -q '^parent = "v1"$' "$S/v2/version.toml" || fail "no parent"
grep -q '^base = "6.12.' "$S/v2/version.toml" || fail "no base release"
blob=$(git hash-object "$KSERIES_CORPUS_612/fs/overlayfs/super.c")
grep -q "^\"fs/overlayfs/super.c\" = \"$blob\"$" "$S/v2/version.toml" || fail "base blob not recorded"
grep -A2 '^\[\[dropped\]\]' "$S/v2/version.toml" | grep -q "$P2" || fail "0002 not recorded as dropped"
grep -q '^Base-Kernel: 6.12 (Debian' "$S/v2/$P1" || fail "the edited header was not kept"
grep -q '^-		if (!ret) {$' "$S/v2/$P1" || fail "v2's 0001 does not remove the ESTALE block"
applies_exactly "$S/v2" "$KSERIES_CORPUS_612"
# The store reads back, and the matrix of v2 on 6.12 is covered.
run "$KSERIES" matrix --series "$S/v2" --tree "$KSERIES_CORPUS_612" --format json
expect_rc 0 "v2 applies to 6.12"
jq -e '[.releases[0].cells[].outcome] == ["exact", "not-needed"]' "$T/out" > /dev/null ||
  fail "v2 on 6.12: $(jq -c '[.releases[0].cells[] | {outcome, note}]' "$T/out")"

# An existing version is never replaced.
run "$KSERIES" rebase --series "$S" --from v1 --onto "$KSERIES_CORPUS_612" --as v2 --workspace "$WS"
expect_rc 2 "v2 exists"
expect_err "already has that version"

# --- --abort and --skip ----------------------------------------------------------
before=$(tree_hash "$S")
run "$KSERIES" rebase --series "$S" --from v1 --onto "$KSERIES_CORPUS_61" --workspace "$WS"
expect_rc 1 "stops on 6.1 too"
run "$KSERIES" rebase --abort --workspace "$WS"
expect_rc 0 "abort"
[ ! -e "$WS" ] || fail "abort left the workspace"
[ "$(tree_hash "$S")" = "$before" ] || fail "abort changed the store"
run "$KSERIES" rebase --abort --workspace "$WS"
expect_rc 2 "nothing to abort"

run "$KSERIES" rebase --series "$S" --from v1 --onto "$KSERIES_CORPUS_61" --as v3 --workspace "$WS"
expect_rc 1 "stops"
run "$KSERIES" rebase --skip --workspace "$WS"
expect_rc 0 "skip"
grep -A2 '^\[\[skipped\]\]' "$S/v3/version.toml" | grep -q "$P1" ||
  fail "the skipped patch is not recorded: $(cat "$S/v3/version.toml")"
[ -z "$(grep -v '^#' "$S/v3/series")" ] || fail "v3 should carry nothing: $(cat "$S/v3/series")"

# --- generated targets: every automatic step, verified ----------------------------
# The base tree moved down 5 lines (offset), and the first context line of
# 0002's hunk changed (fuzz; the new patch takes the target's line).
make_base_tree "$T/gen"
for f in super.c copy_up.c; do
  { printf '/* new line %d */\n' 1 2 3 4 5; cat "$T/gen/fs/overlayfs/$f"; } > "$T/x" && mv "$T/x" "$T/gen/fs/overlayfs/$f"
done
sed -i 's|continue; /\* Discard \*/$|continue; /* Discard: the target kept this */|' "$T/gen/fs/overlayfs/copy_up.c"
grep -q 'the target kept this' "$T/gen/fs/overlayfs/copy_up.c" || fail "generated target not edited"
run "$KSERIES" rebase --series "$S" --from v1 --onto "4.18.0-193.el8=$T/gen" --as v4 --workspace "$WS" --format json
expect_rc 0 "generated target: placed automatically"
jq -e '.patches[0].fate == "carried" and .patches[0].hunks[0].step == "offset" and .patches[0].hunks[0].moved == 5
       and .patches[1].fate == "carried" and .patches[1].hunks[0].step == "fuzz" and .patches[1].hunks[0].fuzz == 1' \
  "$T/out" > /dev/null || fail "steps: $(jq -c '[.patches[] | {name, fate, hunks}]' "$T/out")"
grep -q '^base = "4.18.0-193.el8"$' "$S/v4/version.toml" || fail "the named release is not the base"
grep -q '^ 			continue; /\* Discard: the target kept this \*/$' "$S/v4/$P2" ||
  fail "the refreshed patch lacks the target's context: $(cat "$S/v4/$P2")"
applies_exactly "$S/v4" "$T/gen"

# Already applied: 0001 pre-applied on the base tree is dropped with the reason.
make_base_tree "$T/has"
(cd "$T/has" && patch -p1 -s < "$V1/$P1") || fail "cannot pre-apply 0001"
run "$KSERIES" rebase --series "$S" --from v1 --onto "4.18.0-240.el8=$T/has" --as v5 --workspace "$WS" --format json
expect_rc 0 "already applied"
jq -e '.patches[0].fate == "dropped" and (.patches[0].reason | test("already in the target"))
       and .patches[0].hunks[0].step == "already-applied"
       and .patches[1].fate == "carried" and .patches[1].hunks[0].step == "exact"' "$T/out" > /dev/null ||
  fail "already applied: $(jq -c '.patches' "$T/out")"
applies_exactly "$S/v5" "$T/has"

# --- bad input: exit 2, the store untouched ---------------------------------------
before=$(tree_hash "$S")
run "$KSERIES" rebase --series "$S" --from v9 --onto "$T/gen" --workspace "$WS"
expect_rc 2 "no such version"
expect_err "v9"
run "$KSERIES" rebase --series "$S/v1" --from v1 --onto "$T/gen" --workspace "$WS"
expect_rc 2 "a version is not a store"
expect_err "not a series store"
run "$KSERIES" rebase --series "$S" --from v1 --onto "$T/missing" --workspace "$WS"
expect_rc 2 "missing target"
run "$KSERIES" rebase --continue --workspace "$WS"
expect_rc 2 "nothing to continue"
expect_err "no rebase to resume"
[ "$(tree_hash "$S")" = "$before" ] || fail "bad input changed the store"
[ ! -e "$WS" ] || fail "bad input left a workspace"
