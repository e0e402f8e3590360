# packaging/kseries.spec builds an RPM here with the real rpmbuild, from a
# tarball of the source tree, and the RPM holds the stripped binary, the
# catalog, the man pages and both completions. It packages this build
# directory (`--define 'kseries_prebuilt DIR'`): compiling the whole project
# again inside rpmbuild would take minutes. `--nodeps`: the BuildRequires are
# RHEL's package names, not Debian's.
. "$(dirname "$0")/common.sh"

build=$(dirname "$KSERIES")
while [ ! -f "$build/CMakeCache.txt" ]; do
  [ "$build" != / ] || fail "no CMakeCache.txt above $KSERIES"
  build=$(dirname "$build")
done

spec="$KSERIES_ROOT/packaging/kseries.spec"
version=$(sed -n 's/^Version: *//p' "$spec")
cmake_version=$(sed -n '/^project(kseries/,/)/s/^ *VERSION \([0-9.]*\)$/\1/p' "$KSERIES_ROOT/CMakeLists.txt")
[ "$version" = "$cmake_version" ] || fail "spec Version $version, CMakeLists.txt $cmake_version"

# The tarball rpmbuild -ta would get: the tree's files (tracked, and new
# ones not ignored), under kseries-VERSION/.
top="$T/rpm"
mkdir -p "$top/SOURCES"
(cd "$KSERIES_ROOT" && git ls-files -z --cached --others --exclude-standard |
   xargs -0 tar --transform "s,^,kseries-$version/," -czf "$top/SOURCES/kseries-$version.tar.gz")

run rpmbuild -bb --nodeps --define "_topdir $top" --define "kseries_prebuilt $build" "$spec"
expect_rc 0 "rpmbuild -bb"
rpm=$(ls "$top"/RPMS/*/kseries-"$version"-1*.rpm)

rpm -qlp "$rpm" > "$T/files"
for f in /usr/bin/kseries /usr/share/kseries/kernels/rhel8.toml /usr/share/kseries/kernels/rhel9.toml \
         /usr/share/man/man1/kseries.1 /usr/share/man/man1/kseries-check.1 \
         /usr/share/bash-completion/completions/kseries /usr/share/zsh/site-functions/_kseries \
; do
  grep -q "^$f\(\.gz\)\?$" "$T/files" || { cat "$T/files" >&2; fail "the RPM lacks $f"; }
done
# %doc: /usr/share/doc/kseries on RHEL, kseries-VERSION on older rpm setups.
grep -qE "^/usr/share/doc/kseries(-$version)?/README.md$" "$T/files" || fail "the RPM lacks README.md"
for doc in "$KSERIES_ROOT"/docs/commands/*.md; do
  grep -q "^/usr/share/man/man1/kseries-$(basename "$doc" .md).1" "$T/files" ||
    fail "the RPM lacks kseries-$(basename "$doc" .md).1"
done

# The packaged binary is the stripped one, and it runs from where the
# package puts it, with the package's catalog.
mkdir "$T/root"
(cd "$T/root" && rpm2cpio "$rpm" | cpio -idm --quiet)
! readelf -S "$T/root/usr/bin/kseries" | grep -q '\.debug_' || fail "packaged binary has debug info"
echo "RPM $(basename "$rpm"): $(stat -c %s "$rpm") bytes, binary $(stat -c %s "$T/root/usr/bin/kseries") bytes"
mkdir -p "$T/tree/fs"
printf 'VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n' > "$T/tree/Makefile"
run "$T/root/usr/bin/kseries" --verbose matrix --patch "$V1/0001-"*.patch --tree "$T/tree" --format json
expect_err "release catalog (built in): $T/root/usr/share/kseries/kernels"
echo "ok"
