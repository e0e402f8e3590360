# Hostile inputs kseries must survive without a refusal (issue 14, classes
# 3, 4, 5 and 9): a tarball holding a file twice is judged by the copy tar
# and rpmbuild's %prep keep (the last); invalid UTF-8 in a path still
# gives valid JSON, and apply writes such paths (its journal encodes
# them) and shows them escaped; a report interrupted while it is written leaves no
# temporary beside it.
. "$KSERIES_ROOT/tests/cli/common.sh"

# --- a tarball holding fs/overlayfs/super.c twice -------------------------
top=linux-4.18.0-9.el8
make_base_tree "$T/good/$top"
mkdir -p "$T/bad/$top/fs/overlayfs"
echo '/* a copy v1 does not apply to */' > "$T/bad/$top/fs/overlayfs/super.c"
# tar -r appends: the second member of the name is the one extraction keeps.
tar -cf "$T/last-good.tar" -C "$T/bad" "$top"
tar -rf "$T/last-good.tar" -C "$T/good" "$top"
tar -cf "$T/last-bad.tar" -C "$T/good" "$top"
tar -rf "$T/last-bad.tar" -C "$T/bad" "$top/fs/overlayfs/super.c"
[ "$(tar -tf "$T/last-bad.tar" | grep -c 'fs/overlayfs/super.c$')" -eq 2 ] ||
  fail "the fixture does not hold super.c twice"
mkdir "$T/a" "$T/b"
xz -c "$T/last-good.tar" > "$T/a/$top.tar.xz"
xz -c "$T/last-bad.tar" > "$T/b/$top.tar.xz"
run "$KSERIES" matrix --series "$V1" --tarball "$T/a/$top.tar.xz" --format json
expect_rc 0 "the last copy of super.c is the base v1 applies to"
run "$KSERIES" matrix --series "$V1" --tarball "$T/b/$top.tar.xz" --format json
expect_rc 1 "the last copy of super.c is one v1 does not apply to"
expect_out '"outcome": "fails"'
mkdir -p "$T/x" && tar -xf "$T/last-bad.tar" -C "$T/x"
grep -q 'does not apply to' "$T/x/$top/fs/overlayfs/super.c" || fail "tar itself kept the first copy"

# --- invalid UTF-8 in a patch's path: the JSON report stays valid --------
make_base_tree "$T/tree"
printf -- '--- a/fs/\377\376.c\n+++ b/fs/\377\376.c\n@@ -1 +1 @@\n-a\n+b\n' > "$T/bytes.patch"
run "$KSERIES" check --patch "$T/bytes.patch" --tree "$T/tree" --format json
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || { cat "$T/err" >&2; fail "exit $rc: check crashed or refused"; }
python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$T/out" ||
  fail "check --format json wrote invalid JSON for a non-UTF-8 path"
expect_out "$(printf '\357\277\275')" # U+FFFD for each byte that is not UTF-8

# --- apply writes paths that are not UTF-8 (the journal encodes them) ----
# A tree whose name holds a terminal title sequence, a patch changing a
# file named by two bytes that are not UTF-8 and creating one with an ESC
# in its name: both written, no bookkeeping left, nothing raw on stdout.
tree_odd="$T/tr$(printf '\033]0;x\007')ee"
mkdir -p "$tree_odd/fs"
printf 'a\n' > "$tree_odd/fs/$(printf '\377\376').c"
printf -- '--- a/fs/\377\376.c\n+++ b/fs/\377\376.c\n@@ -1 +1 @@\n-a\n+b\n--- /dev/null\n+++ b/fs/new\033[2J\n@@ -0,0 +1 @@\n+n\n' > "$T/odd.patch"
run "$KSERIES" apply --policy gnu-patch --patch "$T/odd.patch" --tree "$tree_odd"
expect_rc 0 "apply to paths that are not UTF-8"
expect_out 'ee under GNU patch'
expect_out 'tr\x1b]0;x\x07ee'
expect_out 'fs/new\x1b[2J: exact'
! grep -q "$(printf '\033')" "$T/out" "$T/err" || fail "apply printed a raw ESC"
[ "$(cat "$tree_odd/fs/$(printf '\377\376').c")" = b ] || fail "the file named by non-UTF-8 bytes was not patched"
[ "$(cat "$tree_odd/fs/new$(printf '\033')[2J")" = n ] || fail "the file with an ESC in its name was not created"
[ -z "$(find "$tree_odd" -name '*kseries*')" ] || fail "bookkeeping left in the tree"

# --- SIGTERM while matrix -o writes: no temporary left --------------------
# (The shell starts background jobs with SIGINT ignored, so SIGTERM here;
# tests/unit/test_util_file.cpp interrupts a write with both.)
mkdir "$T/o"
i=0
while [ "$i" -lt 40 ]; do
  "$KSERIES" -q matrix --series "$KSERIES_ROOT/series/overlayfs-nfsroot" \
    --tree 4.18.0-147.5.1.el8_1="$T/tree" --format html --output "$T/o/m.html" 2> /dev/null &
  pid=$!
  sleep "0.00$((i % 10))"
  kill -TERM "$pid" 2> /dev/null || :
  wait "$pid" 2> /dev/null || :
  i=$((i + 1))
done
left=$(find "$T/o" -name '.m.html.kseries-*' | wc -l)
[ "$left" -eq 0 ] || fail "$left temporaries left beside the report after SIGTERM"
echo "hostile outputs: last copy judged, JSON valid for any bytes, non-UTF-8 paths applied, no temporaries left"
