# kseries rebase --continue onto Debian's whole linux-source-6.12 tree: the
# resolved version is built (the module directories it patches, as verify
# --compile builds them) before it is written. A resolution that is C in
# shape but does not compile (an undeclared identifier) stops with exit 1,
# the build log named, nothing written and the workspace as it was; the
# real resolution compiles and is written; --no-compile writes even the
# broken one, saying the check was skipped. (Set by CTest: KSERIES,
# KSERIES_ROOT, KSERIES_KERNEL_612.)
. "$KSERIES_ROOT/tests/cli/common.sh"
: "${KSERIES_KERNEL_612:?}"
SRC=$KSERIES_KERNEL_612
S="$T/store"
mkdir "$S"
cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot/v1" "$S/v1"
printf '[[map]]\nversion = "v1"\nuntil = "4.18.0-240.el8"\n' > "$S/index.toml"
WS="$T/ws"
SUPER="$WS/tree/fs/overlayfs/super.c"
src_before=$(tree_hash "$SRC/fs/overlayfs")

resolve() { resolve_v1_0001 "$SUPER" "$1"; }

run "$KSERIES" rebase --series "$S" --from v1 --onto "$SRC" --workspace "$WS"
expect_rc 1 "0001 stops on 6.12"
grep -qF "kseries verify --compile --series $S/v2 --tree $SRC" "$WS/SUMMARY" ||
  fail "SUMMARY offers no verify --compile: $(cat "$WS/SUMMARY")"

# --- C in shape, but not C that compiles: exit 1, nothing written -----------------
resolve broken
ws_before=$(tree_hash "$WS")
store_before=$(tree_hash "$S")
run "$KSERIES" rebase --continue --workspace "$WS"
expect_rc 1 "a resolution that does not compile"
expect_out "compile check: v2 does not compile on $SRC: make modules failed"
expect_out "kseries_no_such_name"
expect_out "Nothing was written: $WS is kept as it was"
expect_out "--continue --no-compile"
log=$(sed -n 's/^The build log is \(.*\)\.$/\1/p' "$T/out")
[ -f "$log" ] || fail "no build log at '$log': $(cat "$T/out")"
grep -q "kseries_no_such_name.*undeclared" "$log" || fail "the log lacks the compiler's error"
rm -rf "$(dirname "$log")"
[ "$(tree_hash "$WS")" = "$ws_before" ] || fail "a failed compile check changed the workspace"
[ "$(tree_hash "$S")" = "$store_before" ] || fail "a failed compile check changed the store"
[ ! -e "$S/v2" ] || fail "v2 written although it does not compile"

# --- the real resolution compiles: v2 written -------------------------------------
cp "$WS/orig/fs/overlayfs/super.c" "$T/orig.c"
run "$KSERIES" rebase --abort --workspace "$WS"
run "$KSERIES" rebase --series "$S" --from v1 --onto "$SRC" --workspace "$WS"
expect_rc 1 "stops again"
resolve real
left=$(ls -d "${TMPDIR:-/tmp}"/kseries-rebase-compile-* 2> /dev/null | wc -l)
run "$KSERIES" rebase --continue --workspace "$WS"
expect_rc 0 "the real resolution"
expect_out "compile check: v2 compiles on $SRC (1 directories, config allnoconfig + OVERLAY_FS=m"
expect_out "fs/overlayfs/overlay.ko"
expect_out "$S/v2"
grep -q "kseries_no_such_name" "$S/v2/0001-ovl-super.c-let-the-lower-layer-change.patch" &&
  fail "the broken resolution was written"
[ ! -e "$WS" ] || fail "the workspace is still there"
[ "$(ls -d "${TMPDIR:-/tmp}"/kseries-rebase-compile-* 2> /dev/null | wc -l)" = "$left" ] ||
  fail "the build directory of a passed check was left behind"

# --- --no-compile: written unbuilt, and said so -----------------------------------
run "$KSERIES" rebase --series "$S" --from v1 --onto "$SRC" --as v3 --workspace "$WS"
expect_rc 1 "stops for v3"
resolve broken
run "$KSERIES" rebase --continue --no-compile --workspace "$WS"
expect_rc 0 "--no-compile"
expect_out "compile check: skipped (--no-compile)"
expect_out "kseries verify --compile --series $S/v3 --tree $SRC"
grep -q "kseries_no_such_name" "$S/v3/0001-ovl-super.c-let-the-lower-layer-change.patch" ||
  fail "v3 is not the resolution given"
[ "$(tree_hash "$SRC/fs/overlayfs")" = "$src_before" ] || fail "the source tree was written"
[ ! -e "$SRC/.config" ] || fail "the source tree was configured in place"
