# kseries srpm on a stock SRPM of each release layout RHEL kernels have
# (tests/data/kernel-spec/): el7 and el8 (the dist inside pkgrelease, the
# buildid after it), el9 and el10 (the buildid before the dist) and a
# rebuild that appends its own string after the dist. For each: %prep of
# the patched spec runs (with the executable helper the spec runs
# directly), the SRPM keeps every file's mode, `rpmbuild --rebuild` builds
# it, the package holds exactly what the real GNU patch makes of the series,
# and kseries srpm on its own output changes nothing.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/srpm_common.sh"

base7="$T/base-el7"
make_base_tree "$base7"

# ERA STOCK-NVR DIST VERSION OUTPUT
for case in \
  "el7 3.10.0-1160.el7 .el7 v1 kernel-3.10.0-1160.el7.kseries.v1.src.rpm" \
  "el8 4.18.0-305.7.1.el8_4 .el8_4 v2 kernel-4.18.0-305.7.1.el8_4.kseries.v2.src.rpm" \
  "el9 5.14.0-284.30.1.el9_2 .el9_2 v2 kernel-5.14.0-284.30.1.kseries.v2.el9_2.src.rpm" \
  "el10 6.12.0-55.el10 .el10 v2 kernel-6.12.0-55.kseries.v2.el10.src.rpm" \
  "el9-rebuild 5.14.0-284.30.1.el9_2.92ciq_lts.3.1 .el9_2 v2 kernel-5.14.0-284.30.1.kseries.v2.el9_2.92ciq_lts.3.1.src.rpm"; do
  set -- $case
  era=$1 nvr=$2 dist=$3 version=$4 name=$5
  tree=$KSERIES_CORPUS_612
  [ "$era" = el7 ] && tree=$base7
  stock=$(stock_srpm "$era" "$nvr" "$dist" "$tree")
  out="$T/out-$era"
  run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --out "$out" --prep
  expect_rc 0 "srpm $era"
  made="$out/$name"
  [ -f "$made" ] || { ls "$out" >&2; cat "$T/out" >&2; fail "$era: no $made"; }
  [ "$(ls -A "$out" | wc -l)" -eq 1 ] || { ls -A "$out" >&2; fail "$era: more than the SRPM in --out"; }
  expect_out "series overlayfs-nfsroot $version"
  expect_out "%prep (rpmbuild -bp) applied every patch"
  expect_out "rpmbuild ran with dist $dist (from the SRPM's release)"
  rpm -qp --changelog "$made" | head -2 | grep -q "kseries: apply overlayfs-nfsroot $version" ||
    fail "$era: no changelog entry: $(rpm -qp --changelog "$made" | head -3)"

  # Every file keeps its mode: the stock SRPM's list plus the patches, 0644.
  file_modes "$stock" > "$T/modes-stock"
  grep -qx -- '-rwxr-xr-x generate_all_configs.sh' "$T/modes-stock" || fail "$era: stock helper not 0755"
  grep -qx -- '-rw-r--r-- kernel-x86_64.config' "$T/modes-stock" || fail "$era: stock config not 0644"
  { cat "$T/modes-stock"; grep -v '^#' "$STORE/$version/series" | while read -r p _; do
      [ -n "$p" ] && echo "-rw-r--r-- $p"; done; } | LC_ALL=C sort > "$T/modes-want"
  file_modes "$made" > "$T/modes-made"
  diff "$T/modes-want" "$T/modes-made" || fail "$era: the SRPM's files or modes differ from the stock SRPM's"

  # The real rpmbuild builds it, and the package holds what GNU patch makes.
  expected_tree "$STORE/$version" "$tree" "$T/expected-$era"
  rebuilt_tree "$made" "$T/built-$era" "$dist"
  diff -r "$T/expected-$era/fs/overlayfs" "$T/built-$era/usr/src/kseries-test/fs/overlayfs" ||
    fail "$era: the built package does not hold the patched sources"
  if [ "$era" != el7 ]; then
    ! diff -q "$tree/fs/overlayfs/super.c" "$T/built-$era/usr/src/kseries-test/fs/overlayfs/super.c" \
      > /dev/null || fail "$era: super.c was not patched"
  fi

  # Its own output through kseries srpm again: the same SRPM, the same spec.
  run "$KSERIES" srpm --kernel-srpm "$made" --series "$STORE" --out "$T/again-$era" --prep
  expect_rc 0 "srpm $era on its own output"
  expect_out "they were replaced, not added to"
  [ -f "$T/again-$era/$name" ] || { ls "$T/again-$era" >&2; fail "$era: the second run renamed the SRPM"; }
  spec_of "$made" "$T/spec-once-$era"
  spec_of "$T/again-$era/$name" "$T/spec-twice-$era"
  cmp "$T/spec-once-$era/kernel.spec" "$T/spec-twice-$era/kernel.spec" || {
    diff "$T/spec-once-$era/kernel.spec" "$T/spec-twice-$era/kernel.spec" >&2
    fail "$era: a second run changed the spec"; }
  file_modes "$T/again-$era/$name" > "$T/modes-again"
  diff "$T/modes-made" "$T/modes-again" || fail "$era: a second run changed the files or modes"
done
