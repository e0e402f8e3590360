# The holes of `kseries rebase --continue`, on the real store and Debian's
# real 6.12 overlayfs (v1's 0001 stops there, 0002 is dropped as
# superseded): a resolution that changes nothing, edits outside the stopped
# patch's files, a resolved file that is no longer C (the half-declaration a
# conflict region ending inside a declaration leaves), --base without base
# blobs, the SUMMARY's account of the other patches and next commands, and
# the written patch's header brought up to date ([PATCH 1/1], Base-Kernel).
# Every refusal is exit 2 and leaves the workspace and the store as they were.
. "$(dirname "$0")/common.sh"

S="$T/store"
mkdir "$S"
cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot/v1" "$S/v1"
printf '[[map]]\nversion = "v1"\nuntil = "4.18.0-240.el8"\n' > "$S/index.toml"
WS="$T/ws"
P1=0001-ovl-super.c-let-the-lower-layer-change.patch
P2=0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch
SUPER="$WS/tree/fs/overlayfs/super.c"

# --- --base with a version that records no base blobs: said, not ignored --------
grep -q '^\[base_blobs\]' "$S/v1/version.toml" && fail "v1 unexpectedly records base blobs"
store_before=$(tree_hash "$S")
run "$KSERIES" rebase --series "$S" --from v1 --onto "$KSERIES_CORPUS_612" --base "$KSERIES_CORPUS_61" --workspace "$WS"
expect_rc 1 "0001 stops on 6.12"
expect_err "--base $KSERIES_CORPUS_61 is not used: v1 records no base blobs"
[ "$(tree_hash "$S")" = "$store_before" ] || fail "a stopped rebase changed the store"

# --- the SUMMARY: the header, the other patches, the next commands ------------
grep -qF "$WS/$P1.header" "$WS/SUMMARY" || fail "SUMMARY does not name the .header: $(cat "$WS/SUMMARY")"
grep -qF "$P2: still to do" "$WS/SUMMARY" || fail "SUMMARY does not say 0002 is still to do"
grep -qF "kseries rebase --skip --reason TEXT --workspace $WS" "$WS/SUMMARY" || fail "SUMMARY lacks --skip"
grep -qF "[PATCH n/m]" "$WS/SUMMARY" || fail "SUMMARY does not say the numbering is updated"
# Debian's corpus has a top Makefile but no Kconfig: not a whole kernel tree.
! grep -q "verify --compile" "$WS/SUMMARY" || fail "verify --compile offered for a partial tree"

# --- 1. a resolution that changes nothing -----------------------------------------
cp "$WS/orig/fs/overlayfs/super.c" "$SUPER"
ws_before=$(tree_hash "$WS")
run "$KSERIES" rebase --continue --workspace "$WS"
expect_rc 2 "an empty resolution"
expect_err "the resolved $P1 would be empty"
expect_err "kseries rebase --skip --workspace $WS"
expect_err "drops $P1 from v2"
! grep -q "does not parse" "$T/err" || fail "the old message: $(cat "$T/err")"
[ "$(tree_hash "$WS")" = "$ws_before" ] || fail "a refused --continue changed the workspace"
[ "$(tree_hash "$S")" = "$store_before" ] || fail "a refused --continue changed the store"

# The real resolution (as in test_rebase.sh): ovl_revalidate_real() returns
# the real dentry's verdict instead of invalidating it.
run "$KSERIES" rebase --abort --workspace "$WS"
expect_rc 0 "abort"
run "$KSERIES" rebase --series "$S" --from v1 --onto "$KSERIES_CORPUS_612" --workspace "$WS"
expect_rc 1 "stops again"
resolve_v1_0001 "$SUPER"
cp "$SUPER" "$T/resolved.c"

# --- 2b. an edit to a file the patch does not touch -------------------------------
cp "$KSERIES_CORPUS_612/fs/overlayfs/copy_up.c" "$WS/tree/fs/overlayfs/copy_up.c"
sed -i 's/if (list_size == -EOPNOTSUPP)/if (list_size == -EOPNOTSUPP || list_size == -ENODATA)/' "$WS/tree/fs/overlayfs/copy_up.c"
! cmp -s "$WS/tree/fs/overlayfs/copy_up.c" "$KSERIES_CORPUS_612/fs/overlayfs/copy_up.c" || fail "copy_up.c not edited"
cp "$KSERIES_CORPUS_612/fs/overlayfs/util.c" "$WS/tree/fs/overlayfs/util.c" # a copy, unchanged
ws_before=$(tree_hash "$WS")
run "$KSERIES" rebase --continue --workspace "$WS"
expect_rc 2 "an edit outside the patch"
expect_err "$WS/tree/ has edits to files $P1 does not touch: fs/overlayfs/copy_up.c."
! grep -q "util.c" "$T/err" || fail "an unchanged copy was named: $(cat "$T/err")"
[ "$(tree_hash "$WS")" = "$ws_before" ] || fail "a refused --continue changed the workspace"
[ "$(tree_hash "$S")" = "$store_before" ] || fail "a refused --continue changed the store"
rm "$WS/tree/fs/overlayfs/copy_up.c"

# --- 4. the half-declaration: the region ended inside the declaration, and
# taking one side lost its second line --------------------------------------------
decl=$(grep -n '^static int ovl_dentry_revalidate_common(struct dentry \*dentry,$' "$SUPER" | cut -d: -f1)
[ -n "$decl" ] || fail "no declaration in the resolved super.c"
sed -i "$((decl + 1))d" "$SUPER"
ws_before=$(tree_hash "$WS")
run "$KSERIES" rebase --continue --workspace "$WS"
expect_rc 2 "a half-declaration"
expect_err "$SUPER:$decl"
expect_err "never closed"
[ "$(tree_hash "$WS")" = "$ws_before" ] || fail "a refused --continue changed the workspace"
[ "$(tree_hash "$S")" = "$store_before" ] || fail "a refused --continue changed the store"

# The function the resolution edits, lost from it: refused by name (0001's
# hunk has no @@ heading; the edit is inside ovl_revalidate_real()).
/usr/bin/python3 - "$T/resolved.c" "$SUPER" <<'PY'
import sys
s = open(sys.argv[1]).read()
a = s.index("static int ovl_revalidate_real(")
e = s.index("\n}\n", a) + 3
open(sys.argv[2], "w").write(s[:a] + s[e:])
PY
run "$KSERIES" rebase --continue --workspace "$WS"
expect_rc 2 "a lost function"
expect_err "$SUPER: no longer defines ovl_revalidate_real()"

# --- 3. the resolved patch carried: [PATCH 1/1] and the target's Base-Kernel ----
cp "$T/resolved.c" "$SUPER"
run "$KSERIES" rebase --continue --workspace "$WS" --format json
expect_rc 0 "resolved"
# The corpus is no whole kernel tree: nothing to build there, and said so
# (on stderr: stdout is the JSON document).
expect_err "compile check: does not apply: $KSERIES_CORPUS_612 is not a whole kernel source tree"
jq -e '.patches[0].fate == "carried" and .patches[1].fate == "dropped"' "$T/out" > /dev/null ||
  fail "continue: $(cat "$T/out")"
release=$(sed -n 's/^base = "\(.*\)"$/\1/p' "$S/v2/version.toml")
case "$release" in 6.12.*) ;; *) fail "v2's base: '$release'" ;; esac
grep -qx "Subject: \[PATCH 1/1\] ovl: let the lower layer change under a mounted overlay" "$S/v2/$P1" ||
  fail "not renumbered: $(grep '^Subject' "$S/v2/$P1")"
grep -qx "Base-Kernel: $release" "$S/v2/$P1" || fail "Base-Kernel: $(grep '^Base-Kernel' "$S/v2/$P1")"
# Everything else of the header is as v1 had it.
hdr() { sed '/^diff \|^--- /,$d' "$1" | grep -v '^Subject: \|^Base-Kernel: '; }
hdr "$S/v1/$P1" > "$T/h1" && hdr "$S/v2/$P1" > "$T/h2"
cmp -s "$T/h1" "$T/h2" || fail "the header changed: $(diff "$T/h1" "$T/h2")"
(cd "$T" && rm -rf chk && cp -r "$KSERIES_CORPUS_612" chk && cd chk && patch -p1 -F0 --dry-run -s < "$S/v2/$P1") ||
  fail "v2's 0001 does not apply to 6.12"

# --- 2a. a version with base blobs: --base is used, no warning ----------------------
grep -q '^\[base_blobs\]' "$S/v2/version.toml" || fail "v2 records no base blobs"
run "$KSERIES" rebase --series "$S" --from v2 --onto "$KSERIES_CORPUS_612" --base "$KSERIES_CORPUS_612" --as v7 --workspace "$T/ws7"
! grep -q "is not used" "$T/err" || fail "warned although v2 records base blobs: $(cat "$T/err")"
rm -rf "$S/v7" "$T/ws7"

# --- the target a whole kernel tree: the SUMMARY offers verify --compile ----------
# Debian's real top-level Kconfig and scripts/ beside the corpus's Makefile and
# fs/overlayfs: what kseries looks at to tell a whole tree.
cp -r "$KSERIES_CORPUS_612" "$T/linux"
tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$T/linux" --strip-components=1 \
  linux-source-6.12/Kconfig linux-source-6.12/scripts
[ -f "$T/linux/Kconfig" ] && [ -f "$T/linux/Makefile" ] && [ -d "$T/linux/scripts" ] ||
  fail "no whole-tree stand-in"
run "$KSERIES" rebase --series "$S" --from v1 --onto "$T/linux" --as v3 --workspace "$WS"
expect_rc 1 "stops on the kernel tree"
grep -qF "kseries verify --compile --series $S/v3 --tree $T/linux" "$WS/SUMMARY" ||
  fail "SUMMARY offers no verify --compile: $(cat "$WS/SUMMARY")"
run "$KSERIES" rebase --abort --workspace "$WS"
expect_rc 0 "abort"

# --- an old workspace: state.json with relative paths ------------------------------
# Written before kseries recorded absolute paths, by a rebase started in $T.
run "$KSERIES" rebase --series "$S" --from v1 --onto "$KSERIES_CORPUS_612" --as v4 --workspace "$WS"
expect_rc 1 "stops for v4"
cp "$T/resolved.c" "$SUPER"
onto_rel=$(realpath --relative-to="$T" "$KSERIES_CORPUS_612")
jq --arg onto "$onto_rel" '.request.store = "store" | .request.onto = $onto' "$WS/state.json" > "$T/state.json"
mv "$T/state.json" "$WS/state.json"
ws_before=$(tree_hash "$WS")
store_before=$(tree_hash "$S")
mkdir "$T/elsewhere"
set +e
(cd "$T/elsewhere" && "$KSERIES" rebase --continue --workspace "$WS" > "$T/out" 2> "$T/err")
rc=$?
set -e
expect_rc 2 "relative paths that do not resolve here"
expect_err "$WS/state.json records the rebase's series store as the relative path 'store'"
expect_err "does not resolve from $T/elsewhere"
expect_err "from the directory the rebase was started in"
expect_err "kseries rebase --abort --workspace $WS"
! grep -q -- "--series" "$T/err" || fail "names an option never given: $(cat "$T/err")"
[ "$(tree_hash "$WS")" = "$ws_before" ] || fail "a refused --continue changed the workspace"
[ "$(tree_hash "$S")" = "$store_before" ] || fail "a refused --continue changed the store"
# From the directory they resolve in, the old workspace works.
set +e
(cd "$T" && "$KSERIES" rebase --continue --workspace ws > "$T/out" 2> "$T/err")
rc=$?
set -e
expect_rc 0 "relative paths resolved from where the rebase started"
[ -f "$S/v4/series" ] && [ ! -e "$WS" ] || fail "v4 not written: $(cat "$T/out" "$T/err")"
