# kseries srpm on kernel SRPMs built here in RHEL's real structure: a
# tarball of real kernel source (Debian 6.12's fs/overlayfs in a
# linux-<release>/ tree, or for RHEL 7 the stand-in base tree v1 was made
# against) and a kernel.spec of each era (tests/data/kernel-spec/) whose
# %build packages the prepared sources. Each patched SRPM goes through the
# real `rpmbuild -bp` (kseries srpm --prep) and `rpmbuild --rebuild`, and
# the binary package must hold exactly what the real GNU patch makes of the
# series.
. "$(dirname "$0")/common.sh"
: "${KSERIES_CORPUS_612:?}"
STORE="$KSERIES_ROOT/series/overlayfs-nfsroot"
V2="$STORE/v2"
export SOURCE_DATE_EPOCH=1764000000 # Mon Nov 24 2025

# stock_srpm ERA NAME-VERSION-RELEASE DIST TREE_SOURCE [SED...]: builds the
# stock SRPM kernel-VERSION-RELEASE.src.rpm from tests/data/kernel-spec/ERA
# (placeholders filled from the release) and a tarball of TREE_SOURCE's
# fs/overlayfs; prints its path.
stock_srpm() {
  era=$1 nvr=$2 dist=$3 tree=$4
  shift 4
  version=${nvr%%-*}
  release=${nvr#*-}
  pkgrelease=${release%"$dist"}
  top="$T/stock-$era-$$-$(date +%s%N)"
  mkdir -p "$top/SOURCES" "$top/SPECS" "$top/tar/linux-$nvr"
  cp -r "$tree/fs" "$top/tar/linux-$nvr/"
  printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
    "$(echo "$version" | cut -d. -f1)" "$(echo "$version" | cut -d. -f2)" \
    "$(echo "$version" | cut -d. -f3)" > "$top/tar/linux-$nvr/Makefile"
  tar -C "$top/tar" -cJf "$top/SOURCES/linux-$nvr.tar.xz" "linux-$nvr"
  : > "$top/SOURCES/linux-kernel-test.patch"
  : > "$top/SOURCES/patch-5.14-redhat.patch"
  : > "$top/SOURCES/patch-6.12-redhat.patch"
  sed -e "s/@PKGRELEASE@/$pkgrelease/g; s/@DISTRO_BUILD@/$pkgrelease/g" \
      -e "s/@PATCH_COMMAND@/patch -p1 -F1 -s/; s/@SPECVERSION@/$version/g" \
      -e "s/@TARFILE_RELEASE@/$nvr/g" "$@" \
      "$KSERIES_ROOT/tests/data/kernel-spec/$era.spec.in" > "$top/SPECS/kernel.spec"
  if [ "$era" = el8 ]; then
    # RHEL 8's spec carries the dist tag in pkgrelease itself.
    sed -i "s/^%define pkgrelease .*/%define pkgrelease $release/" "$top/SPECS/kernel.spec"
  fi
  rpmbuild -bs --define "_topdir $top" --define "dist $dist" "$top/SPECS/kernel.spec" \
    > "$top/rpmbuild.log" 2>&1 || { cat "$top/rpmbuild.log" >&2; fail "stock SRPM $nvr"; }
  srpm=$(ls "$top"/SRPMS/kernel-*.src.rpm)
  [ "$(basename "$srpm")" = "kernel-$nvr.src.rpm" ] || fail "stock SRPM is $(basename "$srpm"), not kernel-$nvr"
  echo "$srpm"
}

# expected_tree SERIES_DIR SOURCE DEST: SOURCE's fs/overlayfs patched by the
# real GNU patch with every patch of the series, in order.
expected_tree() {
  rm -rf "$3" && mkdir -p "$3" && cp -r "$2/fs" "$3/"
  grep -v "^#" "$1/series" | while read -r p _; do
    [ -n "$p" ] && patch -s -p1 -F1 -d "$3" < "$1/$p" || exit 1
  done
}

# rebuilt_tree SRPM DEST DIST: rpmbuild --rebuild, then the binary package's
# fs/overlayfs unpacked into DEST.
rebuilt_tree() {
  rb="$T/rebuild-$$-$(date +%s%N)"
  rpmbuild --rebuild --define "_topdir $rb" --define "dist $3" "$1" > "$rb.log" 2>&1 ||
    { cat "$rb.log" >&2; fail "rpmbuild --rebuild $1"; }
  rpm=$(ls "$rb"/RPMS/noarch/kernel-*.rpm)
  rm -rf "$2" && mkdir -p "$2"
  (cd "$2" && rpm2cpio "$rpm" | cpio -idm --quiet)
}

base7="$T/base-el7"
make_base_tree "$base7"

# --- el8 (patch -p1 -F1), el9.2 and el10 (git apply) with v2, el7 with v1 ----
for case in "el8 4.18.0-305.el8 .el8 v2" "el9 5.14.0-284.11.1.el9_2 .el9_2 v2" \
            "el10 6.12.0-55.el10 .el10 v2" "el7 3.10.0-1160.el7 .el7 v1"; do
  set -- $case
  era=$1 nvr=$2 dist=$3 version=$4
  tree=$KSERIES_CORPUS_612
  [ "$era" = el7 ] && tree=$base7
  stock=$(stock_srpm "$era" "$nvr" "$dist" "$tree")
  out="$T/out-$era"
  run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --out "$out" --prep
  expect_rc 0 "srpm $era"
  made="$out/kernel-${nvr%%-*}-$(echo "${nvr#*-}" | sed "s/$dist\$//")"
  case $era in
    el7|el8) made="$made$dist.kseries.$version.src.rpm" ;;
    *) made="$made.kseries.$version$dist.src.rpm" ;;
  esac
  [ -f "$made" ] || { ls "$out" >&2; cat "$T/out" >&2; fail "$era: no $made"; }
  [ "$(ls -A "$out" | wc -l)" -eq 1 ] || { ls -A "$out" >&2; fail "$era: more than the SRPM in --out"; }
  expect_out "series overlayfs-nfsroot $version"
  expect_out "%prep (rpmbuild -bp) applied every patch"
  rpm -qpl "$made" | grep -q "^0001-" || fail "$era: the SRPM holds no patch file"
  rpm -qp --changelog "$made" | head -2 | grep -q "kseries: apply overlayfs-nfsroot $version" ||
    fail "$era: no changelog entry: $(rpm -qp --changelog "$made" | head -3)"
  rpm -qp --qf '%{RELEASE}' "$made" | grep -q "kseries.$version" || fail "$era: buildid not in the release"

  # The real rpmbuild builds it, and the package holds what GNU patch makes.
  expected_tree "$STORE/$version" "$tree" "$T/expected-$era"
  rebuilt_tree "$made" "$T/built-$era" "$dist"
  diff -r "$T/expected-$era/fs/overlayfs" "$T/built-$era/usr/src/kseries-test/fs/overlayfs" ||
    fail "$era: the built package does not hold the patched sources"
  if [ "$era" != el7 ]; then
    ! diff -q "$tree/fs/overlayfs/super.c" "$T/built-$era/usr/src/kseries-test/fs/overlayfs/super.c" \
      > /dev/null || fail "$era: super.c was not patched"
  fi
done

# --- idempotent: the patched SRPM through kseries srpm again ----------------
stock=$(stock_srpm el9 5.14.0-362.8.1.el9_3 .el9_3 "$KSERIES_CORPUS_612")
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --buildid .ovl1 --out "$T/once"
expect_rc 0 "first run"
once=$(ls "$T"/once/*.src.rpm)
run "$KSERIES" srpm --kernel-srpm "$once" --series "$STORE" --buildid .ovl1 --out "$T/twice"
expect_rc 0 "second run"
expect_out "they were replaced, not added to"
twice=$(ls "$T"/twice/*.src.rpm)
[ "$(basename "$once")" = "$(basename "$twice")" ] || fail "second run renamed the SRPM: $twice"
for s in once twice; do
  mkdir -p "$T/x-$s" && (cd "$T/x-$s" && rpm2cpio "$T/$s"/*.src.rpm | cpio -idm --quiet kernel.spec)
done
cmp "$T/x-once/kernel.spec" "$T/x-twice/kernel.spec" || {
  diff "$T/x-once/kernel.spec" "$T/x-twice/kernel.spec" >&2; fail "a second run changed the spec"; }
[ "$(grep -c '^Patch4[0-9]*: ' "$T/x-twice/kernel.spec")" -eq 1 ] || fail "patch declared twice"
[ "$(grep -c '^ApplyOptionalPatch 0001' "$T/x-twice/kernel.spec")" -eq 1 ] || fail "patch applied twice"
grep -q '^%define buildid .ovl1$' "$T/x-twice/kernel.spec" || fail "buildid line"
[ "$(grep -c 'kseries: apply' "$T/x-twice/kernel.spec")" -eq 1 ] || fail "changelog entry added twice"

# --- a patch of 9 lines or fewer is padded, and %prep really applies it ------
mkdir -p "$T/tiny"
mf="$KSERIES_CORPUS_612/fs/overlayfs/Makefile"
{
  printf -- '--- a/fs/overlayfs/Makefile\n+++ b/fs/overlayfs/Makefile\n@@ -1,4 +1,5 @@\n'
  sed -n '1,2s/^/ /p' "$mf"
  echo '+# kseries tiny patch'
  sed -n '3,4s/^/ /p' "$mf"
} > "$T/tiny/0001-tiny.patch"
echo 0001-tiny.patch > "$T/tiny/series"
[ "$(wc -l < "$T/tiny/0001-tiny.patch")" -le 9 ] || fail "the tiny patch is not tiny"
stock=$(stock_srpm el10 6.12.0-55.el10 .el10 "$KSERIES_CORPUS_612")
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$T/tiny" --out "$T/tiny-out" --prep
expect_rc 0 "tiny patch"
expect_out "0001-tiny.patch had 9 lines or fewer"
mkdir -p "$T/x-tiny" && (cd "$T/x-tiny" && rpm2cpio "$T"/tiny-out/*.src.rpm | cpio -idm --quiet 0001-tiny.patch)
[ "$(wc -l < "$T/x-tiny/0001-tiny.patch")" -gt 9 ] || fail "the shipped tiny patch is still short"
rebuilt_tree "$(ls "$T"/tiny-out/*.src.rpm)" "$T/built-tiny" .el10
grep -q '^# kseries tiny patch$' "$T/built-tiny/usr/src/kseries-test/fs/overlayfs/Makefile" ||
  fail "the padded tiny patch was not applied by the build"

# --- refusals: nothing in --out ----------------------------------------------
# A series that does not apply to the SRPM's tarball: exit 1, spec untouched.
stock=$(stock_srpm el8 4.18.0-305.el8 .el8 "$KSERIES_CORPUS_612")
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --version v1 --out "$T/no"
expect_rc 1 "v1 on 6.12 sources"
expect_out "does not apply to $stock under its spec's policy (ApplyOptionalPatch: patch -p1 -F1 -s)"
[ ! -e "$T/no" ] || [ -z "$(ls -A "$T/no")" ] || fail "--out not empty after a refusal"

# A spec without the anchors: exit 2 naming the spec.
stock=$(stock_srpm el8 4.18.0-305.el8 .el8 "$KSERIES_CORPUS_612" -e '/^Patch999999/d; /END OF PATCH DEFINITIONS/d')
mkdir -p "$T/no-anchor"
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --out "$T/no-anchor"
expect_rc 2 "no anchors"
expect_err "kernel.spec (in kernel-4.18.0-305.el8.src.rpm): no anchor for patch definitions"
[ -z "$(ls -A "$T/no-anchor")" ] || fail "--out not empty after a refusal"

# %prep that fails after the patches: exit 1, only its log in --out.
stock=$(stock_srpm el8 4.18.0-305.el8 .el8 "$KSERIES_CORPUS_612" -e 's/^# END OF PATCH APPLICATIONS$/echo prep breaks here; exit 3/')
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --out "$T/prep-fails" --prep
expect_rc 1 "failing %prep"
expect_out "%prep of the patched spec failed; no SRPM was written"
expect_out "prep breaks here"
[ "$(ls -A "$T/prep-fails")" = "kernel-prep.log" ] || { ls -A "$T/prep-fails" >&2; fail "prep failure left more than its log"; }

# Not an RPM, and a binary RPM.
head -c 4096 /dev/urandom > "$T/kernel-4.18.0-1.el8.src.rpm"
run "$KSERIES" srpm --kernel-srpm "$T/kernel-4.18.0-1.el8.src.rpm" --series "$STORE" --out "$T/bad"
expect_rc 2 "corrupt SRPM"
expect_err "$T/kernel-4.18.0-1.el8.src.rpm is not an intact RPM package"
[ ! -e "$T/bad" ] || [ -z "$(ls -A "$T/bad")" ] || fail "--out not empty after a corrupt SRPM"
run "$KSERIES" srpm --kernel-srpm "$(ls "$T"/rebuild-*/RPMS/noarch/*.rpm | head -1)" --series "$STORE" --out "$T/bad"
expect_rc 2 "binary RPM"
expect_err "is a binary package, not an SRPM"

# Macros this rpmbuild cannot know: refused, with the way out.
stock=$(stock_srpm el9 5.14.0-284.11.1.el9_2 .el9_2 "$KSERIES_CORPUS_612")
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --define 'dist .el9' --out "$T/bad"
expect_rc 2 "wrong dist"
expect_err "rpmspec evaluates it to 5.14.0-284.11.1.el9, but the SRPM is 5.14.0-284.11.1.el9_2"
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --buildid '.a b' --out "$T/bad"
expect_rc 2 "bad buildid"
expect_err "buildid '.a b' is not"
