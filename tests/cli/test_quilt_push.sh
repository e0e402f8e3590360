# v1 is a plain quilt directory: the real quilt pushes it onto a tree
# holding the 4.18.0-147 text at the stated lines, with no offset and no
# fuzz, and kseries, patch -F0 and git apply agree.
. "$(dirname "$0")/common.sh"

make_base_tree "$T/quilt"
cp -r "$T/quilt" "$T/kseries"
cp -r "$T/quilt" "$T/gitapply"

run "$KSERIES" check --series "$V1" --tree "$T/quilt" --policy rpm-patch
expect_rc 0 "v1 applies exactly to its base"
[ "$(grep -c ' exact ' "$T/out")" -eq 2 ] || { cat "$T/out"; fail "both hunks should be exact"; }
expect_out "at line 127"
expect_out "at line 110"
expect_out "rpm %patch applies  kernel.spec applies  git apply applies  GNU patch applies"

(cd "$T/quilt" && QUILT_PATCHES="$V1" QUILT_PC=.pc quilt push -a) > "$T/quilt.log" 2>&1 ||
  { cat "$T/quilt.log"; fail "quilt push -a failed"; }
grep -q "Now at patch .*/0002-" "$T/quilt.log" || { cat "$T/quilt.log"; fail "quilt did not reach 0002"; }
! grep -qiE "offset|fuzz" "$T/quilt.log" || { cat "$T/quilt.log"; fail "quilt needed offset or fuzz"; }

for p in "$V1"/0*.patch; do
  (cd "$T/gitapply" && git apply -p1 "$p") || fail "git apply refused $p"
done

run "$KSERIES" apply --series "$V1" --tree "$T/kseries" --fuzz 0
expect_rc 0 "kseries apply at fuzz 0"
for f in super.c copy_up.c; do
  cmp "$T/kseries/fs/overlayfs/$f" "$T/quilt/fs/overlayfs/$f" || fail "$f differs from quilt's"
  cmp "$T/kseries/fs/overlayfs/$f" "$T/gitapply/fs/overlayfs/$f" || fail "$f differs from git's"
done
