# kseries srpm: the second run on its own output, short patches, paths
# relative to the caller's cwd, the store's name, and every refusal (with
# nothing left in --out). The release layouts of each RHEL era, file modes
# and `rpmbuild --rebuild` of the result are in test_srpm_eras.sh.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/srpm_common.sh"

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
expect_out "error: Bad exit status from"
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
expect_err "the SRPM's release calls for --define 'dist .el9_2'"
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --buildid '.a b' --out "$T/bad"
expect_rc 2 "bad buildid"
expect_err "buildid '.a b' is not"

# A macro the build system defined, not the spec: refused, naming what
# differs; given with --define, the dist is still derived and it works.
stock=$(STOCK_DEFINE='ciq_patch_build_str .92ciq_lts.3.1' stock_srpm el9-rebuild \
  5.14.0-284.30.1.el9_2.92ciq_lts.3.1 .el9_2 "$KSERIES_CORPUS_612" -e '/^%define ciq_patch_build_str/d')
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --out "$T/bad"
expect_rc 2 "a macro of the build system"
expect_err "the SRPM has '.el9_2.92ciq_lts.3.1' where rpmspec has '%{ciq_patch_build_str}'"
[ ! -e "$T/bad" ] || [ -z "$(ls -A "$T/bad")" ] || fail "--out not empty after a refusal"
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --out "$T/ciq" \
  --define 'ciq_patch_build_str .92ciq_lts.3.1'
expect_rc 0 "the build system's macro given"
[ -f "$T/ciq/kernel-5.14.0-284.30.1.kseries.v2.el9_2.92ciq_lts.3.1.src.rpm" ] || { ls "$T/ciq" >&2; fail "ciq name"; }

# A setuid member: refused (kernel SRPMs have none), nothing written.
stock=$(stock_srpm el8 4.18.0-305.7.1.el8_4 .el8_4 "$KSERIES_CORPUS_612")
mkdir -p "$T/suid/SOURCES" && (cd "$T/suid/SOURCES" && rpm2cpio "$stock" | cpio -idm --quiet)
chmod 4755 "$T/suid/SOURCES/generate_all_configs.sh"
rpmbuild -bs --define "_topdir $T/suid" --define "_sourcedir $T/suid/SOURCES" --define "dist .el8_4" \
  "$T/suid/SOURCES/kernel.spec" > "$T/suid.log" 2>&1 || { cat "$T/suid.log" >&2; fail "setuid SRPM"; }
suid=$(ls "$T"/suid/SRPMS/*.src.rpm)
file_modes "$suid" | grep -qx -- '-rwsr-xr-x generate_all_configs.sh' || fail "the fixture has no setuid file"
run "$KSERIES" srpm --kernel-srpm "$suid" --series "$STORE" --out "$T/bad"
expect_rc 2 "setuid member"
expect_err "holds 'generate_all_configs.sh' with mode 4755 (setuid, setgid or sticky)"
[ ! -e "$T/bad" ] || [ -z "$(ls -A "$T/bad")" ] || fail "--out not empty after a refusal"

# --- a failed %prep shows its first error, not rpm's recap of warnings -------
# The el8 spec's `%endif # with_gcov` lines make rpm warn, and repeat the
# warnings at the end of a failed build; %prep fails on `chmod +x
# scripts/checkpatch.pl` in a tarball without it.
stock=$(NO_CHECKPATCH=1 stock_srpm el8 4.18.0-305.7.1.el8_4 .el8_4 "$KSERIES_CORPUS_612")
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --out "$T/prep-chmod" --prep
expect_rc 1 "%prep without scripts/checkpatch.pl"
expect_out "chmod: cannot access 'scripts/checkpatch.pl': No such file or directory"
expect_out "error: Bad exit status from"
expect_no_out "extra tokens at the end of %endif directive"
grep -q "RPM build warnings:" "$T/prep-chmod/kernel-prep.log" &&
  grep -q "extra tokens at the end of %endif directive in line .*%endif # with_gcov" \
    "$T/prep-chmod/kernel-prep.log" || fail "the %prep log has no recap of %endif warnings to skip"

# --- paths relative to the caller's cwd, and the store's own name ------------
# The store is copied to a directory of another name: its index.toml's name
# still names the series, so its lines in the spec are recognised.
stock=$(stock_srpm el8 4.18.0-305.7.1.el8_4 .el8_4 "$KSERIES_CORPUS_612")
run "$KSERIES" srpm --kernel-srpm "$stock" --series "$STORE" --out "$T/orig"
expect_rc 0 "srpm from the store"
name=kernel-4.18.0-305.7.1.el8_4.kseries.v2.src.rpm
[ -f "$T/orig/$name" ] || { ls "$T/orig" >&2; fail "no $name"; }
spec_of "$T/orig/$name" "$T/spec-orig"
mkdir -p "$T/cwd/in" && cp "$stock" "$T/cwd/in/" && cp -r "$STORE" "$T/cwd/site-patches"
cd "$T/cwd"
run "$KSERIES" srpm --kernel-srpm "in/$(basename "$stock")" --series site-patches --out srpms/ --prep
expect_rc 0 "relative paths"
expect_out "series overlayfs-nfsroot v2"
[ "$(ls -A srpms)" = "$name" ] || { ls -A srpms >&2; fail "relative --out: not just $name"; }
spec_of "srpms/$name" "$T/spec-relative"
cmp "$T/spec-orig/kernel.spec" "$T/spec-relative/kernel.spec" || fail "relative paths made another spec"
for series in site-patches site-patches/v2; do
  rm -rf again
  run "$KSERIES" srpm --kernel-srpm "../orig/$name" --series "$series" --out again
  expect_rc 0 "renamed store $series on the original store's SRPM"
  expect_out "they were replaced, not added to"
  [ "$(ls -A again)" = "$name" ] || { ls -A again >&2; fail "$series: renamed the SRPM"; }
  spec_of "again/$name" "$T/spec-again"
  cmp "$T/spec-orig/kernel.spec" "$T/spec-again/kernel.spec" || {
    diff "$T/spec-orig/kernel.spec" "$T/spec-again/kernel.spec" >&2; fail "$series: changed the spec"; }
  rm -rf "$T/spec-again"
done
cd /
