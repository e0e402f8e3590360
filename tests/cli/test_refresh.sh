# kseries refresh: a patch regenerated from an edited tree keeps its header,
# holds the edit, applies with the real patch -F0 and git apply at zero
# offset, and replaces the old file atomically; bad input changes nothing.
. "$(dirname "$0")/common.sh"

make_base_tree "$T/base"
cp -r "$V1" "$T/series"
rm -f "$T/series/version.toml"
P1=0001-ovl-super.c-let-the-lower-layer-change.patch
P2=0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch
cp -r "$T/base" "$T/edited"
(cd "$T/edited" && patch -p1 -s < "$V1/$P1" && patch -p1 -s < "$V1/$P2") || fail "cannot apply v1"
# The maintainer changes the second patch's added lines.
sed -i 's|^\t\tif (error == -EOPNOTSUPP) {$|\t\tif (error == -EOPNOTSUPP) { /* NFSv4 ACLs */|' "$T/edited/fs/overlayfs/copy_up.c"
grep -q 'NFSv4 ACLs' "$T/edited/fs/overlayfs/copy_up.c" || fail "edit not made"

series_before=$(tree_hash "$T/series")
run "$KSERIES" refresh --series "$T/series" --patch "$P2" --tree "$T/edited" --base "$T/base" --dry-run
expect_rc 0 "dry run"
expect_out "+		if (error == -EOPNOTSUPP) { /* NFSv4 ACLs */"
[ "$(tree_hash "$T/series")" = "$series_before" ] || fail "--dry-run wrote"

run "$KSERIES" refresh --series "$T/series" --patch "$P2" --tree "$T/edited" --base "$T/base"
expect_rc 0 "refresh"
expect_err "refreshed $T/series/$P2"
new="$T/series/$P2"
grep -q '^+		if (error == -EOPNOTSUPP) { /\* NFSv4 ACLs \*/$' "$new" || fail "the edit is not in the patch"
# The header (everything before the first file) is kept byte for byte.
head_of() { sed -n '/^\(diff \|--- \)/q;p' "$1"; }
[ "$(head_of "$V1/$P2")" = "$(head_of "$new")" ] || fail "header changed: $(head_of "$new")"
grep -q '^--- a/fs/overlayfs/copy_up.c$' "$new" && grep -q '^+++ b/fs/overlayfs/copy_up.c$' "$new" ||
  fail "file names: $(grep '^[-+][-+][-+] ' "$new")"
cmp -s "$V1/$P1" "$T/series/$P1" || fail "the other patch changed"
# It applies after 0001 with the real tools, exactly, and gives the edited file.
cp -r "$T/base" "$T/check"
(cd "$T/check" && patch -p1 -s < "$T/series/$P1") || fail "0001 no longer applies"
cp -r "$T/check" "$T/check-git"
out=$(cd "$T/check" && patch -p1 -F0 < "$new") || fail "patch -F0 refuses the refreshed patch: $out"
! echo "$out" | grep -Eq 'offset|fuzz' || fail "the refreshed patch needs offset or fuzz: $out"
cmp -s "$T/check/fs/overlayfs/copy_up.c" "$T/edited/fs/overlayfs/copy_up.c" || fail "patch does not give the edited file"
(cd "$T/check-git" && git apply -p1 "$new") || fail "git apply refuses the refreshed patch"
cmp -s "$T/check-git/fs/overlayfs/copy_up.c" "$T/edited/fs/overlayfs/copy_up.c" || fail "git apply result differs"

# Bad input: exit 2, nothing written.
series_before=$(tree_hash "$T/series")
run "$KSERIES" refresh --series "$T/series" --patch 0003-none.patch --tree "$T/edited" --base "$T/base"
expect_rc 2 "unknown patch"
expect_err "not in $T/series/series"
rm "$T/edited/fs/overlayfs/super.c"
run "$KSERIES" refresh --series "$T/series" --patch "$P1" --tree "$T/edited" --base "$T/base"
expect_rc 2 "edited tree lacks the file"
expect_err "the edited tree has no fs/overlayfs/super.c"
# An earlier patch that does not apply to the base: the line of the series file.
printf '/* other */\n' > "$T/base/fs/overlayfs/super.c"
run "$KSERIES" refresh --series "$T/series" --patch "$P2" --tree "$T/edited" --base "$T/base"
expect_rc 2 "0001 does not apply to the base"
expect_err "$T/series/series:2"
[ "$(tree_hash "$T/series")" = "$series_before" ] || fail "a refused refresh changed the series"
