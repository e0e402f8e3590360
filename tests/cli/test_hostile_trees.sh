# A tree's own contents are untrusted (issue 14, classes 1, 7 and 8):
# read-only commands never change a tree, whatever journal it carries;
# two applies at once lose no change; files get the modes GNU patch and
# git apply give them.
. "$(dirname "$0")/common.sh"

mkdir -p "$T/outside"
echo "keep" > "$T/outside/file"
make_base_tree "$T/tree"
echo 'RHEL_RELEASE = 147' > "$T/tree/Makefile.rhelver"
mkdir -p "$T/store" && cp -r "$V1" "$T/store/v1"

# 1. A forged journal (the shape the catalogue used: "commit" deleting real
# sources), and one in kseries' own format naming this very directory: the
# read-only commands warn and change nothing.
forged_old='{"state":"commit","ops":[{"path":"fs/overlayfs/super.c","temp":""},{"path":"fs/overlayfs/copy_up.c","temp":""},{"path":"Makefile.rhelver","temp":""}]}'
tok=0123456789abcdef0123456789abcdef
forged_own=$(printf '{"journal":"kseries-commit 3","token":"%s","device":%s,"inode":%s,"state":"commit","ops":[{"path":"fs/overlayfs/super.c","temp":".super.c.kseries-%s","remove":true}]}' \
  "$tok" "$(stat -c %d "$T/tree")" "$(stat -c %i "$T/tree")" "$tok")
for journal in "$forged_old" "$forged_own"; do
  printf '%s\n' "$journal" > "$T/tree/.kseries-commit"
  ln -f "$T/tree/fs/overlayfs/super.c" "$T/tree/fs/overlayfs/.super.c.kseries-$tok"
  before=$(tree_state "$T/tree" "$T/store" "$T/outside")
  run "$KSERIES" check --series "$T/store/v1" --tree "$T/tree"
  expect_rc 0 "check on a tree with a journal"
  expect_err ".kseries-commit"
  run "$KSERIES" matrix --series "$T/store/v1" --tree "4.18.0-147.el8=$T/tree"
  expect_rc 0 "matrix --tree on a tree with a journal"
  expect_err ".kseries-commit"
  run "$KSERIES" apply --dry-run --series "$T/store/v1" --tree "$T/tree"
  expect_rc 0 "apply --dry-run on a tree with a journal"
  expect_err ".kseries-commit"
  expect_out "nothing was written"
  [ "$(tree_state "$T/tree" "$T/store" "$T/outside")" = "$before" ] ||
    fail "a read-only command changed the tree, the store or a directory outside"
done
# The forged journal of kseries' own format is reported as an interrupted
# write; the foreign one as not kseries'.
expect_err "a kseries write to this tree was interrupted; this command changes nothing"
printf '%s\n' "$forged_old" > "$T/tree/.kseries-commit"
run "$KSERIES" check --series "$T/store/v1" --tree "$T/tree"
expect_err "not a journal kseries wrote for this tree"
rm -f "$T/tree/.kseries-commit" "$T/tree/fs/overlayfs/.super.c.kseries-$tok"

# 7. Two applies at once, each changing another hunk of one file: both
# changes land (the second run waits for the first), never one lost.
lines=$(wc -l < "$T/tree/fs/overlayfs/super.c")
printf -- '--- a/fs/overlayfs/super.c\n+++ b/fs/overlayfs/super.c\n@@ -2,1 +2,1 @@\n-/* super.c line 2: not part of the patch */\n+/* changed by A */\n' > "$T/a.patch"
printf -- '--- a/fs/overlayfs/super.c\n+++ b/fs/overlayfs/super.c\n@@ -%d,1 +%d,1 @@\n-/* end of super.c */\n+/* changed by B */\n' "$lines" "$lines" > "$T/b.patch"
round=0
while [ "$round" -lt 20 ]; do
  rm -rf "$T/race" && cp -a "$T/tree" "$T/race"
  "$KSERIES" apply --policy gnu-patch --patch "$T/a.patch" --tree "$T/race" > "$T/a.out" 2> "$T/a.err" & a=$!
  "$KSERIES" apply --policy gnu-patch --patch "$T/b.patch" --tree "$T/race" > "$T/b.out" 2> "$T/b.err" & b=$!
  set +e; wait "$a"; rc_a=$?; wait "$b"; rc_b=$?; set -e
  [ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ] || { cat "$T/a.err" "$T/b.err" >&2; fail "round $round: exits $rc_a and $rc_b"; }
  grep -qF 'changed by A' "$T/race/fs/overlayfs/super.c" || fail "round $round: A's change was lost"
  grep -qF 'changed by B' "$T/race/fs/overlayfs/super.c" || fail "round $round: B's change was lost"
  [ -z "$(find "$T/race" -name "*kseries*")" ] || fail "round $round: bookkeeping left"
  round=$((round + 1))
done

# A second input: the whole series (two files changed) against a patch
# creating a file: a run that read the tree before the other's commit must
# not write back a tree without the other's change.
cp -a "$T/tree" "$T/ref" && "$KSERIES" apply --series "$T/store/v1" --tree "$T/ref" > /dev/null
! cmp -s "$T/tree/fs/overlayfs/super.c" "$T/ref/fs/overlayfs/super.c" || fail "the series changes nothing"
printf -- '--- /dev/null\n+++ b/fs/overlayfs/added.c\n@@ -0,0 +1 @@\n+/* added by C */\n' > "$T/c.patch"
round=0
while [ "$round" -lt 10 ]; do
  rm -rf "$T/race" && cp -a "$T/tree" "$T/race"
  "$KSERIES" apply --series "$T/store/v1" --tree "$T/race" > "$T/a.out" 2> "$T/a.err" & a=$!
  "$KSERIES" apply --policy gnu-patch --patch "$T/c.patch" --tree "$T/race" > "$T/b.out" 2> "$T/b.err" & b=$!
  set +e; wait "$a"; rc_a=$?; wait "$b"; rc_b=$?; set -e
  [ "$rc_a" -eq 0 ] && [ "$rc_b" -eq 0 ] || { cat "$T/a.err" "$T/b.err" >&2; fail "series round $round: exits $rc_a and $rc_b"; }
  for f in super.c copy_up.c; do
    cmp -s "$T/ref/fs/overlayfs/$f" "$T/race/fs/overlayfs/$f" || fail "series round $round: the series' change to $f was lost"
  done
  grep -qF 'added by C' "$T/race/fs/overlayfs/added.c" || fail "series round $round: the created file was lost"
  [ -z "$(find "$T/race" -name "*kseries*")" ] || fail "series round $round: bookkeeping left"
  round=$((round + 1))
done

# 8. Modes, against the real programs on the same input under umask 022
# and 077: creations (plain, 100644, 100755), a mode-only change, a mode
# change with content.
# (A description first: the git-apply policy skips patches under 10 lines,
# as kernel.spec's ApplyOptionalPatch does.)
desc='Modes: creations and mode changes.\n\nOne.\nTwo.\nThree.\nFour.\nFive.\nSix.\n\n'
printf "$desc" > "$T/modes.patch"
cat >> "$T/modes.patch" <<'PATCH'
diff --git a/x b/x
old mode 100644
new mode 100755
diff --git a/y b/y
old mode 100644
new mode 100755
--- a/y
+++ b/y
@@ -1 +1 @@
-b
+B
diff --git a/z b/z
old mode 100755
new mode 100644
diff --git a/n b/n
new file mode 100755
--- /dev/null
+++ b/n
@@ -0,0 +1 @@
+n
diff --git a/r b/r
new file mode 100644
--- /dev/null
+++ b/r
@@ -0,0 +1 @@
+r
PATCH
{ printf "$desc"; printf -- '--- /dev/null\n+++ b/plain\n@@ -0,0 +1 @@\n+p\n'; } > "$T/plain.patch"
seed() {
  rm -rf "$1" && mkdir -p "$1"
  printf 'a\n' > "$1/x"; chmod 0640 "$1/x"
  printf 'b\n' > "$1/y"; chmod 0600 "$1/y"
  printf 'c\n' > "$1/z"; chmod 0755 "$1/z"
}
modes() { (cd "$1" && stat -c '%a %n' * | LC_ALL=C sort); }
for mask in 022 077; do
  for p in modes plain; do
    seed "$T/gnu"; seed "$T/git"; seed "$T/ks-gnu"; seed "$T/ks-git"
    (umask "$mask" && cd "$T/gnu" && patch -s -p1 < "$T/$p.patch")
    (umask "$mask" && cd "$T/git" && git apply "$T/$p.patch")
    (umask "$mask" && "$KSERIES" apply --policy gnu-patch --patch "$T/$p.patch" --tree "$T/ks-gnu" > /dev/null)
    (umask "$mask" && "$KSERIES" apply --policy git-apply --patch "$T/$p.patch" --tree "$T/ks-git" > /dev/null)
    [ "$(modes "$T/ks-gnu")" = "$(modes "$T/gnu")" ] ||
      { modes "$T/gnu"; modes "$T/ks-gnu"; fail "umask $mask, $p: modes differ from GNU patch"; } >&2
    [ "$(modes "$T/ks-git")" = "$(modes "$T/git")" ] ||
      { modes "$T/git"; modes "$T/ks-git"; fail "umask $mask, $p: modes differ from git apply"; } >&2
  done
done
# Under umask 022 a new executable is 0755 and a new plain file 0644.
[ "$(stat -c %a "$T/ks-git/plain")" = 600 ] || fail "umask 077 not honoured"
seed "$T/m"
(umask 022 && "$KSERIES" apply --patch "$T/modes.patch" --tree "$T/m" > /dev/null)
[ "$(stat -c %a "$T/m/n")" = 755 ] && [ "$(stat -c %a "$T/m/r")" = 644 ] && [ "$(stat -c %a "$T/m/x")" = 755 ] ||
  fail "umask 022: $(modes "$T/m")"
echo "hostile trees: journals ignored by readers, 30 concurrent rounds of two inputs, modes as GNU patch and git apply"
