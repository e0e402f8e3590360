# Crash safety: `kseries apply`, `kseries rebase` and `kseries srpm` killed
# with SIGKILL at random moments (KSERIES_CRASH_TRIALS times each, default
# 100). After each kill:
#   apply:  the tree is untouched or fully patched once any kseries command
#           has opened it (an interrupted commit is undone or finished), and
#           nothing of kseries is left in it;
#   rebase: the store holds only complete versions, reads cleanly, and the
#           same rebase run again succeeds (or finds the version made);
#   srpm:   --out holds nothing or one intact SRPM, and the same run again
#           succeeds with nothing else left in --out.
# Each kill hits the whole process group (kseries and the rpmbuild it
# runs), as a lost session or an OOM kill of the group would. Trial 1 of
# each command is killed before kseries starts and trial 2 after it
# finished, so both end states are reached whatever the timing; the other
# kills are spread over the run (one random moment in each of trials - 2
# equal slices), and each end state must have been seen at least once.
# Concurrent runs on one store or one output directory take turns (a
# lock), and a lock whose holder was killed is free again: every rerun
# above needs that.
. "$(dirname "$0")/../cli/common.sh"
: "${KSERIES_CORPUS_612:?}"
trials=${KSERIES_CRASH_TRIALS:-100}
[ "$trials" -ge 2 ] || fail "KSERIES_CRASH_TRIALS must be at least 2 (the two forced ends)"
STORE_SRC="$KSERIES_ROOT/series/overlayfs-nfsroot"

# The time one run takes, in microseconds: the kills are spread over it.
duration_us() {
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1 || true
  echo $(( ($(date +%s%N) - start) / 1000 ))
}

# kill_at TRIAL US CMD...: starts CMD in its own session, SIGKILLs the
# whole group, and waits for it. Trial 1: before CMD runs (it stops itself
# first); trial 2: after CMD finished; trial i > 2: at a random moment of
# the slice (i-3)/(trials-2) .. (i-2)/(trials-2) of [0, US].
kill_at() {
  trial=$1 max_us=$2
  shift 2
  case $trial in
  1)
    setsid sh -c 'kill -STOP $$; exec "$@"' sh "$@" > /dev/null 2>&1 &
    pid=$!
    until [ "$(ps -o stat= -p "$pid" 2> /dev/null | cut -c1)" = T ]; do
      kill -0 "$pid" 2> /dev/null || fail "the stopped run of $1 is gone"
      sleep 0.01
    done
    ;;
  2)
    setsid "$@" > /dev/null 2>&1 &
    pid=$!
    wait "$pid" 2> /dev/null || true
    ;;
  *)
    slices=$((trials > 2 ? trials - 2 : 1))
    delay=$(awk -v max="$max_us" -v i=$((trial - 3)) -v n="$slices" \
      -v seed="$(od -An -N4 -tu4 /dev/urandom)" \
      'BEGIN { srand(seed); printf "%.6f", (i + rand()) / n * max / 1e6 }')
    setsid "$@" > /dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    ;;
  esac
  /bin/kill -KILL -- "-$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  # Anything of the group still dying (rpmbuild's children) is gone first.
  while pgrep -g "$pid" > /dev/null 2>&1; do sleep 0.01; done
}

# both_ends CMD FIRST SECOND: each end state was reached at least once.
both_ends() {
  [ "$2" -gt 0 ] && [ "$3" -gt 0 ] || fail "$1: an end state never reached ($2 and $3 of $trials)"
}

no_kseries_files() {
  leftover=$(find "$1" -name '.kseries*' ! -name '.lock' | head -3)
  [ -z "$leftover" ] || fail "$2: left behind: $leftover"
}

# --- apply: v1's two patches on the stand-in base tree (two files, so an
# interrupted commit could leave one patched and one not) -------------------
make_base_tree "$T/base"
orig=$(tree_hash "$T/base")
cp -r "$T/base" "$T/full"
run "$KSERIES" apply --series "$V1" --tree "$T/full"
expect_rc 0 "reference apply"
full=$(tree_hash "$T/full")
[ "$orig" != "$full" ] || fail "the reference apply changed nothing"
cp -r "$T/base" "$T/base-copy"
us=$(duration_us "$KSERIES" apply --series "$V1" --tree "$T/base-copy")
echo "one run: $us us" >&2
printf -- '--- /dev/null\n+++ b/marker\n@@ -0,0 +1 @@\n+marker\n' > "$T/marker.patch"
untouched=0 patched=0
i=0
while [ "$i" -lt "$trials" ]; do
  i=$((i + 1))
  rm -rf "$T/w" && cp -r "$T/base" "$T/w"
  kill_at "$i" $((us * 3 / 2)) "$KSERIES" apply --series "$V1" --tree "$T/w"
  # The next write to the tree (an apply creating one file, removed after)
  # finishes what the kill interrupted; reading commands never do.
  run "$KSERIES" apply --policy gnu-patch --patch "$T/marker.patch" --tree "$T/w"
  [ "$rc" -eq 0 ] || { cat "$T/err" >&2; fail "apply trial $i: apply after the kill: exit $rc"; }
  rm "$T/w/marker"
  h=$(tree_hash "$T/w")
  if [ "$h" = "$orig" ]; then untouched=$((untouched + 1))
  elif [ "$h" = "$full" ]; then patched=$((patched + 1))
  else diff -r "$T/base" "$T/w" >&2 || true; fail "apply trial $i: the tree is half patched"; fi
  no_kseries_files "$T/w" "apply trial $i"
done
echo "apply: $trials kills: $untouched left the tree untouched, $patched fully patched"
both_ends apply "$untouched" "$patched"

# --- rebase: v2 carried onto Debian's 6.12 fs/overlayfs, written as v3 -----
mkdir -p "$T/onto" && cp -r "$KSERIES_CORPUS_612/fs" "$KSERIES_CORPUS_612/Makefile" "$T/onto/"
cp -r "$STORE_SRC" "$T/store-ref"
run "$KSERIES" rebase --series "$T/store-ref" --from v2 --onto "$T/onto" --as v3
expect_rc 0 "reference rebase"
us=$(duration_us "$KSERIES" rebase --series "$T/store-ref" --from v2 --onto "$T/onto" --as v4)
echo "one run: $us us" >&2
none=0 made=0
i=0
while [ "$i" -lt "$trials" ]; do
  i=$((i + 1))
  rm -rf "$T/s" && cp -r "$STORE_SRC" "$T/s"
  kill_at "$i" $((us * 3 / 2)) "$KSERIES" rebase --series "$T/s" --from v2 --onto "$T/onto" --as v3
  if [ -d "$T/s/v3" ]; then
    made=$((made + 1))
    # Complete: it applies to the tree it was made for.
    run "$KSERIES" check --series "$T/s/v3" --tree "$T/onto" --policy git-apply
    expect_rc 0 "rebase trial $i: the v3 a killed run left"
    [ "$(grep -v "^#" "$T/s/v3/series")" = "$(grep -v "^#" "$T/store-ref/v3/series")" ] ||
      fail "rebase trial $i: v3/series differs"
  else
    none=$((none + 1))
  fi
  # The store reads cleanly, and the rebase runs again: made or found.
  run "$KSERIES" check --series "$T/s" --tree "$T/onto"
  [ "$rc" -le 1 ] || { cat "$T/err" >&2; fail "rebase trial $i: the store does not read"; }
  run "$KSERIES" rebase --series "$T/s" --from v2 --onto "$T/onto" --as v3
  [ "$rc" -eq 0 ] || grep -q "v3 exists\|already has" "$T/err" ||
    { cat "$T/err" >&2; fail "rebase trial $i: the rerun failed (exit $rc)"; }
  [ -f "$T/s/v3/version.toml" ] || fail "rebase trial $i: no v3 after the rerun"
  no_kseries_files "$T/s" "rebase trial $i"
done
echo "rebase: $trials kills: $none left no v3, $made left a complete v3"
both_ends rebase "$none" "$made"

# --- srpm: an el9.2 SRPM (git apply) of Debian's 6.12 fs/overlayfs ----------
rel=5.14.0-284.11.1.el9_2
top="$T/stock"
mkdir -p "$top/SOURCES" "$top/SPECS" "$top/tar/linux-$rel"
cp -r "$KSERIES_CORPUS_612/fs" "$top/tar/linux-$rel/"
tar -C "$top/tar" -cJf "$top/SOURCES/linux-$rel.tar.xz" "linux-$rel"
: > "$top/SOURCES/linux-kernel-test.patch"
: > "$top/SOURCES/patch-5.14-redhat.patch"
cp -p "$KSERIES_ROOT"/tests/data/kernel-spec/sources/* "$top/SOURCES/"
sed -e "s/@PKGRELEASE@/284.11.1/g; s/@SPECVERSION@/5.14.0/g; s/@TARFILE_RELEASE@/$rel/g" \
  "$KSERIES_ROOT/tests/data/kernel-spec/el9.spec.in" > "$top/SPECS/kernel.spec"
rpmbuild -bs --define "_topdir $top" --define "dist .el9_2" "$top/SPECS/kernel.spec" > "$T/rb.log" 2>&1 ||
  { cat "$T/rb.log" >&2; fail "stock SRPM"; }
stock="$top/SRPMS/kernel-$rel.src.rpm"
want=kernel-5.14.0-284.11.1.kseries.v2.el9_2.src.rpm
us=$(duration_us "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE_SRC" --out "$T/o-ref")
echo "one run: $us us" >&2
[ -f "$T/o-ref/$want" ] || fail "reference srpm made no $want"
empty=0 whole=0
i=0
while [ "$i" -lt "$trials" ]; do
  i=$((i + 1))
  rm -rf "$T/o"
  kill_at "$i" $((us * 3 / 2)) "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE_SRC" --out "$T/o"
  results=$(find "$T/o" -maxdepth 1 -name '*.rpm' 2> /dev/null | wc -l)
  if [ "$results" -eq 0 ]; then
    empty=$((empty + 1))
  else
    [ "$results" -eq 1 ] && [ -f "$T/o/$want" ] || fail "srpm trial $i: $(ls -A "$T/o")"
    rpmkeys -K --nosignature "$T/o/$want" > /dev/null || fail "srpm trial $i: a damaged SRPM in --out"
    whole=$((whole + 1))
  fi
  run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE_SRC" --out "$T/o"
  expect_rc 0 "srpm trial $i: the rerun"
  [ "$(ls -A "$T/o")" = "$want" ] || fail "srpm trial $i: --out holds $(ls -A "$T/o")"
done
echo "srpm: $trials kills: $empty left --out without an SRPM, $whole with the whole SRPM"
both_ends srpm "$empty" "$whole"

# --- concurrent runs take turns ---------------------------------------------
rm -rf "$T/o" "$T/s" && cp -r "$STORE_SRC" "$T/s"
for n in 1 2 3; do
  "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE_SRC" --out "$T/o" > "$T/c$n.out" 2>&1 &
done
wait
[ "$(ls -A "$T/o")" = "$want" ] || fail "three concurrent srpm runs left $(ls -A "$T/o")"
rpmkeys -K --nosignature "$T/o/$want" > /dev/null || fail "concurrent srpm runs damaged the SRPM"
# Without --as each takes the next free name; v2 applies exactly to $T/onto
# (a rebase there writes nothing), so they carry it onto a copy whose files
# moved down 5 lines.
cp -r "$T/onto" "$T/onto-moved"
for f in super.c copy_up.c; do
  { printf '/* moved %d */\n' 1 2 3 4 5; cat "$T/onto/fs/overlayfs/$f"; } > "$T/onto-moved/fs/overlayfs/$f"
done
for n in 1 2 3; do
  "$KSERIES" rebase --series "$T/s" --from v2 --onto "$T/onto-moved" --workspace "$T/ws$n" \
    > "$T/r$n.out" 2>&1 &
done
wait
ls -d "$T"/s/v3 "$T"/s/v4 "$T"/s/v5 > /dev/null || fail "three concurrent rebases: $(ls "$T/s")"
for v in v3 v4 v5; do
  run "$KSERIES" check --series "$T/s/$v" --tree "$T/onto-moved" --policy git-apply
  expect_rc 0 "concurrent rebase made a broken $v"
done
no_kseries_files "$T/s" "concurrent rebases"
