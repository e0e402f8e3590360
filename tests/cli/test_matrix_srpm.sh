# kseries matrix reads kernel SRPMs and tarballs: a real SRPM built here
# with `rpmbuild -bs` from a real tarball and a spec in RHEL's structure,
# streamed without unpacking; the policy comes from the SRPM's own
# kernel.spec. Corrupt and hostile archives are clear errors.
. "$(dirname "$0")/common.sh"

rel=4.18.0-147.5.1.el8_1
make_base_tree "$T/linux-$rel"
printf 'VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n' > "$T/linux-$rel/Makefile"
printf 'RHEL_MAJOR = 8\nRHEL_MINOR = 1\nRHEL_RELEASE = 147.5.1\n' > "$T/linux-$rel/Makefile.rhelver"
tar -C "$T" -cJf "$T/linux-$rel.tar.xz" "linux-$rel"

# build_srpm PATCH_COMMAND: an SRPM of the tarball, its spec using that command
build_srpm() {
  top="$T/rpmbuild-$1"
  mkdir -p "$top/SOURCES" "$top/SPECS"
  cp "$T/linux-$rel.tar.xz" "$top/SOURCES/"
  : > "$top/SOURCES/linux-kernel-test.patch"
  cp -p "$KSERIES_ROOT"/tests/data/kernel-spec/sources/* "$top/SOURCES/"
  sed -e "s/@PKGRELEASE@/147.5.1.el8_1/; s/@DISTRO_BUILD@/147.5.1/; s/@PATCH_COMMAND@/$2/" \
    "$KSERIES_ROOT/tests/data/kernel-spec/el8.spec.in" > "$top/SPECS/kernel.spec"
  rpmbuild -bs --define "_topdir $top" --define "dist .el8_1" "$top/SPECS/kernel.spec" > "$T/rpmbuild.log" 2>&1 ||
    { cat "$T/rpmbuild.log"; fail "rpmbuild -bs failed"; }
  ls "$top"/SRPMS/kernel-*.src.rpm
}
srpm_patch=$(build_srpm patch 'patch -p1 -F1 -s')
srpm_git=$(build_srpm git 'git apply')
rpm -qpl "$srpm_patch" | grep -q "linux-$rel.tar.xz" || fail "the SRPM holds no tarball"

run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" --srpm "$srpm_patch" --format json
expect_rc 0 "v1 applies to its base SRPM"
jq -e --arg r "$rel" '.releases[0].release == $r and .releases[0].policy == "kernel-spec"
       and .releases[0].policy_origin == "the source'"'"'s own kernel.spec"
       and (.releases[0].cells | all(.outcome == "exact" and .accepted))' "$T/out" > /dev/null ||
  fail "SRPM row wrong: $(jq -c '.releases[0] | del(.cells)' "$T/out")"

# The spec's own patch_command wins over the catalog's policy.
run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" --srpm "$srpm_git" --format json
jq -e '.releases[0].policy == "git-apply"' "$T/out" > /dev/null || fail "policy not read from the spec"

# The bare tarball, too.
run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" --tarball "$T/linux-$rel.tar.xz" --format json
expect_rc 0 "tarball"
jq -e --arg r "$rel" '.releases[0].release == $r and .releases[0].policy_verified' "$T/out" > /dev/null ||
  fail "tarball row wrong"

# Corrupt and hostile archives: clear errors naming the source, exit 2.
size=$(stat -c %s "$T/linux-$rel.tar.xz")
head -c $((size / 2)) "$T/linux-$rel.tar.xz" > "$T/linux-4.18.0-1.el8.tar.xz"
run "$KSERIES" matrix --series "$V1" --tarball "$T/linux-4.18.0-1.el8.tar.xz"
expect_rc 2 "truncated xz"
expect_err "tarball $T/linux-4.18.0-1.el8.tar.xz"

head -c 3000 /dev/urandom > "$T/kernel-4.18.0-2.el8.src.rpm"
run "$KSERIES" matrix --series "$V1" --srpm "$T/kernel-4.18.0-2.el8.src.rpm"
expect_rc 2 "corrupt rpm"
expect_err "SRPM $T/kernel-4.18.0-2.el8.src.rpm"

mkdir -p "$T/evil/top/fs"
echo x > "$T/evil/top/fs/x"
(cd "$T/evil" && tar -P --transform 's,^top/fs/x,../../etc/x,' -cJf "$T/linux-4.18.0-3.el8.tar.xz" top)
run "$KSERIES" matrix --series "$V1" --tarball "$T/linux-4.18.0-3.el8.tar.xz"
expect_rc 2 "dotdot member"
expect_err "holds a member named '../../etc/x' that leaves the tree"

rm -rf "$T/evil" && mkdir -p "$T/evil/top/fs"
ln -s /etc "$T/evil/top/fs/overlayfs"
(cd "$T/evil" && tar -cJf "$T/linux-4.18.0-4.el8.tar.xz" top)
run "$KSERIES" matrix --series "$V1" --tarball "$T/linux-4.18.0-4.el8.tar.xz"
expect_rc 2 "symlink out"
expect_err "holds a symbolic link 'top/fs/overlayfs' pointing outside the tree (to '/etc')"

rm -rf "$T/evil" && mkdir -p "$T/evil/top/fs/real"
ln -s real "$T/evil/top/fs/overlayfs"
(cd "$T/evil" && tar -cJf "$T/linux-4.18.0-5.el8.tar.xz" top)
run "$KSERIES" matrix --series "$V1" --tarball "$T/linux-4.18.0-5.el8.tar.xz"
expect_rc 2 "symlink inside, on the way to a patched file"
expect_err "fs/overlayfs is a symbolic link (to real)"

# --tree takes the one target grammar: an SRPM and a tarball are rows as
# --srpm and --tarball give them.
run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" --tree "$srpm_git" \
  --format json
expect_rc 0 "--tree SRPM"
jq -e --arg r "$rel" '.releases[0].release == $r and .releases[0].policy == "git-apply"
       and (.releases[0].source | startswith("srpm "))
       and (.releases[0].cells | all(.outcome == "exact"))' "$T/out" > /dev/null ||
  fail "--tree SRPM row wrong: $(jq -c '.releases[0] | del(.cells)' "$T/out")"
run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
  --tree "$T/linux-$rel.tar.xz" --format json
expect_rc 0 "--tree tarball"
jq -e --arg r "$rel" --arg s "tarball $T/linux-$rel.tar.xz" '.releases[0].release == $r and
       .releases[0].source == $s' "$T/out" > /dev/null ||
  fail "--tree tarball row wrong: $(jq -c '.releases[0] | del(.cells)' "$T/out")"
