# Resources are bounded (issue 14, class 6): reading a tarball stops at a
# cap on what it expands to in all (--max-expanded-size) and on one member
# (--max-member-size), and fetch stops a download whose size the catalog
# does not record at --max-download; each names the cap it hit, and
# raising the cap lets the same input through. (tests/hostile/ holds the
# refusals with their unchanged state; this test holds the passes.)
. "$(dirname "$0")/common.sh"

# --- a kernel tarball with 5 MiB of zeros beside the files v1 touches -----
top=linux-4.18.0-9.el8
make_base_tree "$T/src/$top"
head -c 5M /dev/zero > "$T/src/$top/zeros"
tar -C "$T/src" -czf "$T/$top.tar.gz" "$top"
[ "$(stat -c %s "$T/$top.tar.gz")" -lt 100000 ] || fail "the fixture does not compress like a bomb"

run "$KSERIES" matrix --series "$V1" --tarball "$T/$top.tar.gz" --max-expanded-size 4M --format json
expect_rc 2 "5 MiB of zeros expand past a 4 MiB cap"
expect_err "tarball $T/$top.tar.gz expands past the 4 MiB cap (--max-expanded-size to raise it)"
run "$KSERIES" matrix --series "$V1" --tarball "$T/$top.tar.gz" --max-expanded-size 6M --format json
expect_rc 0 "a 6 MiB cap lets the 5 MiB tarball through"
expect_out '"outcome": "exact"'
# The global option may come before the subcommand too; the default (4 GiB) passes.
run "$KSERIES" --max-expanded-size 4M matrix --series "$V1" --tarball "$T/$top.tar.gz" --format json
expect_rc 2 "the option given before the subcommand"
run "$KSERIES" matrix --series "$V1" --tarball "$T/$top.tar.gz" --format json
expect_rc 0 "the default cap"

# --- one member past the per-member cap -----------------------------------
run "$KSERIES" matrix --series "$V1" --tarball "$T/$top.tar.gz" --max-member-size 2M --format json
expect_rc 2 "a 5 MiB member past a 2 MiB member cap"
expect_err "member '$top/zeros' expands past the 2 MiB per-member cap (--max-member-size to raise it)"
run "$KSERIES" matrix --series "$V1" --tarball "$T/$top.tar.gz" --max-member-size 5M --format json
expect_rc 0 "a member of exactly the cap passes"

# --- fetch: a download the catalog gives no size for ----------------------
rel=4.18.0-147.5.1.el8_1
make_base_tree "$T/linux-$rel"
printf 'VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n' > "$T/linux-$rel/Makefile"
printf 'RHEL_MAJOR = 8\nRHEL_MINOR = 1\nRHEL_RELEASE = 147.5.1\n' > "$T/linux-$rel/Makefile.rhelver"
rpmtop="$T/rpmbuild"
mkdir -p "$rpmtop/SOURCES" "$rpmtop/SPECS"
tar -C "$T" -cJf "$rpmtop/SOURCES/linux-$rel.tar.xz" "linux-$rel"
: > "$rpmtop/SOURCES/linux-kernel-test.patch"
cp -p "$KSERIES_ROOT"/tests/data/kernel-spec/sources/* "$rpmtop/SOURCES/"
sed -e "s/@PKGRELEASE@/147.5.1.el8_1/; s/@DISTRO_BUILD@/147.5.1/; s/@PATCH_COMMAND@/patch -p1 -F1 -s/" \
  "$KSERIES_ROOT/tests/data/kernel-spec/el8.spec.in" > "$rpmtop/SPECS/kernel.spec"
rpmbuild -bs --define "_topdir $rpmtop" --define "dist .el8_1" "$rpmtop/SPECS/kernel.spec" > "$T/rpmbuild.log" 2>&1 ||
  { cat "$T/rpmbuild.log"; fail "rpmbuild -bs failed"; }
name=kernel-$rel.src.rpm
mkdir "$T/www"
cp "$rpmtop/SRPMS/$name" "$T/www/$name"
size=$(stat -c %s "$T/www/$name")
[ "$size" -gt 4096 ] || fail "the SRPM is smaller than the 4 KiB cap ($size bytes)"
start_http_server "$T/www"
printf 'lineage = "RHEL 8"\n\n[[release]]\nname = "%s"\nminor = "8.1"\nsrpm = "%s"\nurl = "%s"\n' \
  "$rel" "$name" "$base/ok/$name" > "$T/c.toml"

run "$KSERIES" fetch --catalog "$T/c.toml" --cache "$T/cache" --max-download 4K "$rel"
expect_rc 2 "a download past a 4 KiB cap"
expect_err "cannot download $base/ok/$name: the server"
expect_err "more than the 4 KiB download cap (the catalog records no size; --max-download to raise it)"
[ ! -e "$T/cache/$name.part" ] || fail "the partial download was kept"
[ ! -e "$T/cache/$name" ] || fail "the download took its name"
# A server that never stops and announces no size: the cap stops the
# stream itself, and nothing of it stays in the cache.
sed "s|$base/ok/|$base/endless/|" "$T/c.toml" > "$T/endless.toml"
run "$KSERIES" fetch --catalog "$T/endless.toml" --cache "$T/cache" --max-download 4K "$rel"
expect_rc 2 "an endless download past a 4 KiB cap"
expect_err "cannot download $base/endless/$name: the server sends more than the 4 KiB download cap"
[ ! -e "$T/cache/$name.part" ] || fail "the endless download was kept"
[ ! -e "$T/cache/$name" ] || fail "the endless download took its name"
run "$KSERIES" fetch --catalog "$T/c.toml" --cache "$T/cache" --max-download 64M "$rel"
expect_rc 0 "a 64 MiB cap lets the SRPM through"
cmp -s "$T/cache/$name" "$T/www/$name" || fail "the cached SRPM differs from the served one"
echo "resource caps: expanded size, member size and download hit and raised"
