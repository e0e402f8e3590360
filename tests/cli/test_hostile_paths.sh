# Patches that reach outside the tree -- absolute paths, '..', symlinks in
# the tree -- are refused with exit 2, a message naming the patch file and
# line, and the tree (and everything around it) byte-identical afterwards.
. "$(dirname "$0")/common.sh"

mkdir -p "$T/outside" "$T/tree/fs"
echo "secret" > "$T/outside/passwd"
echo "a" > "$T/tree/fs/a.c"
ln -s "$T/outside" "$T/tree/escape"
ln -s "$T/outside/passwd" "$T/tree/fs/link.c"

hostile() {
  name=$1 strip=$2 path=$3 line=$4 what=$5
  printf 'Description line.\n--- %s\n+++ %s\n@@ -1 +1 @@\n-secret\n+pwned\n' "$path" "$path" > "$T/$name.patch"
  before="$(tree_hash "$T/tree") $(tree_hash "$T/outside")"
  for cmd in check apply; do
    run "$KSERIES" "$cmd" --patch "$T/$name.patch" -p "$strip" --tree "$T/tree"
    expect_rc 2 "$name ($cmd)"
    expect_err "kseries: error: "
    expect_err "$T/$name.patch:$line"
    expect_err "$what"
  done
  [ "$(tree_hash "$T/tree") $(tree_hash "$T/outside")" = "$before" ] || fail "$name changed something"
}

hostile absolute 0 /etc/passwd 2 "absolute paths are refused"
hostile dotdot 1 "a/../../outside/passwd" 2 "'..' components are refused"
hostile symlink-dir 1 "a/escape/passwd" 2 "escape is a symbolic link"
hostile symlink-file 1 "a/fs/link.c" 2 "it is a symbolic link"
grep -q '^secret$' "$T/outside/passwd" || fail "the file outside was changed"

# A series naming a patch outside its directory is refused too.
mkdir -p "$T/series"
printf '../outside/passwd\n' > "$T/series/series"
run "$KSERIES" check --series "$T/series" --tree "$T/tree"
expect_rc 2 "series entry outside the series"
expect_err "$T/series/series:1: refusing patch name '../outside/passwd'"

# An ed-style script (GNU patch CVE-2018-1000156, CVE-2019-13638) is not a
# unified diff: refused, and the command inside never runs.
printf '1,1c\n!touch %s/pwned\n.\nw\nq\n' "$T" > "$T/ed.patch"
run "$KSERIES" apply --patch "$T/ed.patch" --tree "$T/tree"
expect_rc 2 "ed script"
expect_err "$T/ed.patch: no unified diff found"
[ ! -e "$T/pwned" ] || fail "a command from the ed script ran"

# A normal (non-unified) diff is refused the same way.
printf '1c1\n< a\n---\n> b\n' > "$T/normal.patch"
run "$KSERIES" check --patch "$T/normal.patch" --tree "$T/tree"
expect_rc 2 "normal diff"
expect_err "no unified diff found"
