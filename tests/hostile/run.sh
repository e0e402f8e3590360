# The hostile-input catalogue (issue: hardening): every case in cases/ is
# an input kseries must refuse. The runner gives each case a fresh work
# directory $W holding a kernel tree ($W/tree, v1's base), a copy of the
# series store ($W/store), an empty output directory ($W/out) and a
# directory no command is given ($W/outside, one file); the case
# writes its input with setup() and names the command in CMD. Every case
# must end with exit 2, each line of EXPECT in the error message (the input
# and, where there is one, its line), and everything under $W as before:
# the same entries (inodes), modes, link targets, sizes, mtimes and bytes
# (tree_state). (Set by CTest: KSERIES, KSERIES_ROOT.)
. "$KSERIES_ROOT/tests/cli/common.sh"

cases=0
for case_file in "$KSERIES_ROOT"/tests/hostile/cases/*.case; do
  name=$(basename "$case_file" .case)
  W="$T/$name"
  mkdir -p "$W/out" "$W/outside"
  echo "not given to kseries" > "$W/outside/file"
  make_base_tree "$W/tree"
  cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot" "$W/store"
  rm -f "$W/store/.lock"
  CMD='' EXPECT=''
  setup() { :; }
  . "$case_file"
  setup
  [ -n "$CMD" ] && [ -n "$EXPECT" ] || fail "$name: the case sets no CMD or EXPECT"
  before=$(tree_state "$W")
  set +e
  (cd "$W" && eval "$CMD") > "$T/out" 2> "$T/err"
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || { cat "$T/out" "$T/err" >&2; fail "$name: exit $rc, expected 2"; }
  echo "$EXPECT" | while IFS= read -r want; do
    [ -z "$want" ] || grep -qF -- "$want" "$T/err" || { cat "$T/err" >&2; fail "$name: the message lacks: $want"; }
  done
  [ "$(tree_state "$W")" = "$before" ] || fail "$name: something under the work directory changed"
  cases=$((cases + 1))
done
[ "$cases" -ge 84 ] || fail "only $cases cases ran"
echo "hostile catalogue: $cases cases refused with exit 2, nothing changed"
