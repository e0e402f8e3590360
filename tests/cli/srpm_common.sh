# Sourced by the test_srpm*.sh scripts (after common.sh): stock kernel SRPMs
# built here in RHEL's real structure from tests/data/kernel-spec/, and what
# the real rpmbuild and GNU patch make of them.
: "${KSERIES_CORPUS_612:?}"
STORE="$KSERIES_ROOT/series/overlayfs-nfsroot"
V2="$STORE/v2"
export SOURCE_DATE_EPOCH=1764000000 # Mon Nov 24 2025

# stock_srpm ERA NAME-VERSION-RELEASE DIST TREE_SOURCE [SED...]: builds the
# stock SRPM kernel-VERSION-RELEASE.src.rpm from tests/data/kernel-spec/ERA
# (placeholders filled from the release: el7/el8 get the dist inside
# pkgrelease, el9/el10 and the rebuild only the number before it) with
# `rpmbuild --define 'dist DIST'`, a tarball of TREE_SOURCE's fs/overlayfs
# (plus scripts/checkpatch.pl, unless NO_CHECKPATCH is set) and the helper
# sources of tests/data/kernel-spec/sources/ with their modes (0755 and
# 0644); STOCK_DEFINE='NAME VALUE' is one more macro for that build. Prints
# its path.
stock_srpm() {
  era=$1 nvr=$2 dist=$3 tree=$4
  shift 4
  version=${nvr%%-*}
  release=${nvr#*-}
  number=${release%%"$dist"*} # 284.30.1 of 284.30.1.el9_2.92ciq_lts.3.1
  case $era in
    el7|el8) pkgrelease=$release ;;
    *) pkgrelease=$number ;;
  esac
  top="$T/stock-$era-$$-$(date +%s%N)"
  mkdir -p "$top/SOURCES" "$top/SPECS" "$top/tar/linux-$nvr"
  cp -r "$tree/fs" "$top/tar/linux-$nvr/"
  if [ -z "${NO_CHECKPATCH:-}" ]; then
    mkdir -p "$top/tar/linux-$nvr/scripts"
    printf '#!/usr/bin/perl\n' > "$top/tar/linux-$nvr/scripts/checkpatch.pl"
  fi
  printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
    "$(echo "$version" | cut -d. -f1)" "$(echo "$version" | cut -d. -f2)" \
    "$(echo "$version" | cut -d. -f3)" > "$top/tar/linux-$nvr/Makefile"
  tar -C "$top/tar" -cJf "$top/SOURCES/linux-$nvr.tar.xz" "linux-$nvr"
  : > "$top/SOURCES/linux-kernel-test.patch"
  : > "$top/SOURCES/patch-5.14-redhat.patch"
  : > "$top/SOURCES/patch-6.12-redhat.patch"
  cp -p "$KSERIES_ROOT"/tests/data/kernel-spec/sources/* "$top/SOURCES/"
  sed -e "s/@PKGRELEASE@/$pkgrelease/g; s/@DISTRO_BUILD@/$number/g" \
      -e "s/@PATCH_COMMAND@/patch -p1 -F1 -s/; s/@SPECVERSION@/$version/g" \
      -e "s/@TARFILE_RELEASE@/$nvr/g" "$@" \
      "$KSERIES_ROOT/tests/data/kernel-spec/$era.spec.in" > "$top/SPECS/kernel.spec"
  rpmbuild -bs --define "_topdir $top" --define "dist $dist" \
    ${STOCK_DEFINE:+--define "$STOCK_DEFINE"} "$top/SPECS/kernel.spec" \
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

# file_modes SRPM: "MODE NAME" for every file rpm records in it, sorted.
file_modes() {
  rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1" | LC_ALL=C sort
}

# spec_of SRPM DEST: the kernel.spec inside SRPM, unpacked into DEST.
spec_of() {
  case $1 in /*) f=$1 ;; *) f=$PWD/$1 ;; esac
  mkdir -p "$2" && (cd "$2" && rpm2cpio "$f" | cpio -idm --quiet kernel.spec)
}
