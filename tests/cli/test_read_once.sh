# A run reads each file of the tree it touches once (issue 14, class 10: a
# check used to read its target about six times, once for the target checks
# and once per policy's run). Counted with strace: the opens of each patched
# file by check (four policies, two engines), apply --dry-run, apply, and a
# matrix over a tarball and a tree.
. "$(dirname "$0")/common.sh"
command -v strace >/dev/null || fail "strace is not installed (cmake/debian-packages.txt)"

make_base_tree "$T/tree"
opens() { # FILE: how many times the traced run opened a file of that name
  grep -c "\"$1\"" "$T/trace" || true
}
traced() { # CMD...: runs it under strace into $T/trace
  set +e
  # LeakSanitizer cannot run under ptrace: in the ASan build it would abort
  # the traced run. The leak check runs in every other test of that build.
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=openat,open -o "$T/trace" "$@" > "$T/out" 2> "$T/err"
  rc=$?
  set -e
}
for f in super.c copy_up.c; do
  [ -f "$T/tree/fs/overlayfs/$f" ] || fail "the base tree has no $f"
done

traced "$KSERIES" check --series "$V1" --tree "$T/tree"
expect_rc 0 "v1 applies to its base"
for f in super.c copy_up.c; do
  [ "$(opens "$f")" -eq 1 ] || fail "check opened $f $(opens "$f") times, not once"
done

traced "$KSERIES" apply --series "$V1" --tree "$T/tree" --dry-run
expect_rc 0 "dry run"
for f in super.c copy_up.c; do
  [ "$(opens "$f")" -eq 1 ] || fail "apply --dry-run opened $f $(opens "$f") times, not once"
done

# apply reads each once, then writes a temporary beside it and renames it:
# the target's own name is opened once.
cp -r "$T/tree" "$T/applied"
traced "$KSERIES" apply --series "$V1" --tree "$T/applied"
expect_rc 0 "apply"
for f in super.c copy_up.c; do
  [ "$(opens "$f")" -eq 1 ] || fail "apply opened $f $(opens "$f") times, not once"
done

traced "$KSERIES" matrix --series "$V1" --tree "4.18.0-80.el8=$T/tree" --format json
expect_rc 0 "matrix over one tree"
for f in super.c copy_up.c; do
  [ "$(opens "$f")" -eq 1 ] || fail "matrix opened $f $(opens "$f") times, not once"
done
echo "read once: check, apply --dry-run, apply and matrix open each patched file once"
