# Hostile inputs kseries must survive without a refusal (issue 14, classes
# 3, 5 and 9): a tarball holding a file twice is judged by the copy tar
# and rpmbuild's %prep keep (the last); invalid UTF-8 in a path still
# gives valid JSON; a report interrupted while it is written leaves no
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
echo "hostile outputs: last copy judged, JSON valid for any bytes, no temporaries left"
