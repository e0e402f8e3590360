# Sourced by every CLI test. Gives each test its own temporary directory
# ($T, removed on exit) and small assertion helpers. Set by CTest:
# KSERIES (the binary), KSERIES_ROOT (the repository), KSERIES_CORPUS_61 and
# KSERIES_CORPUS_612 (fs/overlayfs of Debian's real 6.1 and 6.12 trees).
set -eu
: "${KSERIES:?}" "${KSERIES_ROOT:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/kseries-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
V1="$KSERIES_ROOT/series/overlayfs-nfsroot/v1"
export NO_COLOR=1

fail() { echo "FAIL: $*" >&2; exit 1; }

# run CMD...: runs it, keeps stdout in $T/out, stderr in $T/err, status in $rc.
run() {
  set +e
  "$@" >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}

expect_rc() { [ "$rc" -eq "$1" ] || { cat "$T/out" "$T/err" >&2; fail "exit $rc, expected $1: $2"; }; }
expect_out() { grep -qF -- "$1" "$T/out" || { cat "$T/out" >&2; fail "stdout lacks: $1"; }; }
expect_err() { grep -qF -- "$1" "$T/err" || { cat "$T/err" >&2; fail "stderr lacks: $1"; }; }
expect_no_out() { ! grep -qF -- "$1" "$T/out" || { cat "$T/out" >&2; fail "stdout has: $1"; }; }

# A digest of every file, symlink and directory under a path, contents and all.
tree_hash() {
  (cd "$1" && find . -print | LC_ALL=C sort | while IFS= read -r p; do
     if [ -L "$p" ]; then printf 'L %s -> %s\n' "$p" "$(readlink "$p")"
     elif [ -f "$p" ]; then printf 'F %s %s\n' "$p" "$(sha256sum < "$p")"
     else printf 'D %s\n' "$p"; fi
   done) | sha256sum
}

# tree_state DIR...: like tree_hash, and the same only for the very same
# entries: every entry's inode, mode, type and link target, every file's
# size, mtime and bytes. (tree_hash compares copies; this, one directory
# before and after a run that must change nothing.)
tree_state() {
  for d in "$@"; do
    (cd "$d" && find . -printf '%i %m %y %p -> %l\n' | LC_ALL=C sort &&
       find . -type f -printf '%s %T@ %p\n' | LC_ALL=C sort &&
       find . -type f -exec sha256sum {} + | LC_ALL=C sort)
  done | sha256sum
}

# make_base_tree DIR: files holding each v1 hunk's old text at the line the
# hunk states, so v1 applies exactly. (The real 4.18.0-147 sources are not
# available offline; this is the closest honest stand-in.)
make_base_tree() {
  dir=$1
  mkdir -p "$dir/fs/overlayfs"
  for spec in "0001:super.c" "0002:copy_up.c"; do
    num=${spec%%:*}
    file=${spec#*:}
    patch_file=$(ls "$V1"/"$num"-*.patch)
    start=$(sed -n 's/^@@ -\([0-9]*\),.*/\1/p' "$patch_file")
    {
      i=1
      while [ "$i" -lt "$start" ]; do
        printf '/* %s line %d: not part of the patch */\n' "$file" "$i"
        i=$((i + 1))
      done
      sed -n '/^@@/,$p' "$patch_file" | tail -n +2 | grep -v '^+' | cut -c2-
      printf '/* end of %s */\n' "$file"
    } > "$dir/fs/overlayfs/$file"
  done
}

# make_moved_tree DIR: make_base_tree with three lines added at the top of
# super.c and copy_up.c, so v1 applies there at an offset.
make_moved_tree() {
  make_base_tree "$1"
  for f in super.c copy_up.c; do
    { printf '/* added */\n/* added */\n/* added */\n'; cat "$1/fs/overlayfs/$f"; } > "$T/x"
    mv "$T/x" "$1/fs/overlayfs/$f"
  done
}

# start_http_server ROOT: tests/cli/http_server.py serving ROOT on
# 127.0.0.1 (no proxy in between), each request logged to $T/http.log;
# sets $base to http://127.0.0.1:PORT. The EXIT trap stops it before $T
# is removed.
start_http_server() {
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
  export no_proxy='*'
  python3 "$KSERIES_ROOT/tests/cli/http_server.py" --root "$1" --port-file "$T/port" \
    --log "$T/http.log" 2> "$T/http.err" &
  server=$!
  trap 'kill "$server" 2> /dev/null || :; rm -rf "$T"' EXIT
  trap 'exit 130' INT TERM
  i=0
  while [ ! -s "$T/port" ]; do
    [ "$i" -lt 100 ] || { cat "$T/http.err" >&2; fail "the HTTP server did not start"; }
    kill -0 "$server" 2> /dev/null || { cat "$T/http.err" >&2; fail "the HTTP server died"; }
    sleep 0.1
    i=$((i + 1))
  done
  base="http://127.0.0.1:$(cat "$T/port")"
}

# Resolves v1's 0001 where rebase stopped on a 6.12-shaped super.c (FILE in
# the workspace's tree/) as the maintainer does: the target's side of the
# conflict, with ovl_revalidate_real() returning the real dentry's verdict
# instead of invalidating it and returning -ESTALE. With "broken" as the
# second argument, that verdict plus an undeclared name (C in shape, but it
# does not compile).
resolve_v1_0001() {
  /usr/bin/python3 - "$1" "${2:-real}" <<'PY'
import sys
p, how = sys.argv[1], sys.argv[2]
s = open(p).read()
a = s.index("<<<<<<< target\n")
b = s.index("||||||| ")
e = s.index("\n", s.index(">>>>>>> ")) + 1
target = s[a + len("<<<<<<< target\n"):b]
old = ("\t\tret = d->d_op->d_revalidate(d, flags);\n\t\tif (!ret) {\n"
       "\t\t\tif (!(flags & LOOKUP_RCU))\n\t\t\t\td_invalidate(d);\n"
       "\t\t\tret = -ESTALE;\n\t\t}\n")
assert old in target, target
new = "\t\tret = d->d_op->d_revalidate(d, flags);\n"
if how == "broken":
    new = "\t\tret = d->d_op->d_revalidate(d, flags) + kseries_no_such_name;\n"
open(p, "w").write(s[:a] + target.replace(old, new) + s[e:])
PY
}
