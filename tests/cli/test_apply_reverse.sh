# kseries apply on a tree that has the series already exits 0 and names the
# patches; --reverse takes the series out again (the tree byte-identical to
# before), all or nothing, and refuses a series that is not in the tree.
. "$(dirname "$0")/common.sh"

p1=0001-ovl-super.c-let-the-lower-layer-change.patch
p2=0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch
make_base_tree "$T/tree"
before=$(tree_hash "$T/tree")

run "$KSERIES" apply --series "$V1" --tree "$T/tree"
expect_rc 0 "v1 applies to its base"
expect_out "patched 2 files"
applied=$(tree_hash "$T/tree")
[ "$applied" != "$before" ] || fail "apply changed nothing"

# Again: the series is there; exit 0, every patch named, nothing written.
run "$KSERIES" apply --series "$V1" --tree "$T/tree"
expect_rc 0 "applying an applied series"
expect_out "already applied: $p1, $p2; nothing was written"
[ "$(tree_hash "$T/tree")" = "$applied" ] || fail "applying again changed the tree"

# --dry-run --reverse reports and writes nothing.
run "$KSERIES" apply --reverse --dry-run --series "$V1" --tree "$T/tree"
expect_rc 0 "dry run of the reverse"
expect_out "checking the reverse of"
expect_out "$p2  reverses"
[ "$(tree_hash "$T/tree")" = "$applied" ] || fail "--reverse --dry-run changed the tree"

run "$KSERIES" apply --reverse --series "$V1" --tree "$T/tree"
expect_rc 0 "taking v1 out"
expect_out "reversed 2 patches: restored 2 files"
[ "$(tree_hash "$T/tree")" = "$before" ] || fail "--reverse did not restore the tree byte for byte"
[ -z "$(find "$T/tree" -name '.*kseries*')" ] || fail "journal or temporaries left behind"

# Again: nothing to take out; exit 1 as `patch -R` does, nothing written.
run "$KSERIES" apply --reverse --series "$V1" --tree "$T/tree"
expect_rc 1 "reversing a series that is not applied"
expect_out "$p1  not-applied"
expect_out "not applied: no patch of the series is in the tree, nothing to reverse"
[ "$(tree_hash "$T/tree")" = "$before" ] || fail "a reverse with nothing to do changed the tree"

# Partly applied (only 0001): apply names which patch is in and which not.
make_base_tree "$T/part"
(cd "$T/part" && patch -s -p1 < "$V1/$p1") || fail "patch refused 0001"
part=$(tree_hash "$T/part")
run "$KSERIES" apply --series "$V1" --tree "$T/part"
expect_rc 1 "a partly applied series"
expect_out "partly applied: $p1 in the tree, $p2 not; nothing was written"
[ "$(tree_hash "$T/part")" = "$part" ] || fail "a partly applied series was written"

# A reverse that cannot complete (0002's added line edited since) leaves the
# tree untouched, although 0001 would come out.
run "$KSERIES" apply --series "$V1" --tree "$T/tree"
expect_rc 0 "v1 applies again"
sed -i 's/error == -EOPNOTSUPP/error == -ENOTSUPP/' "$T/tree/fs/overlayfs/copy_up.c"
edited=$(tree_hash "$T/tree")
run "$KSERIES" apply --reverse --series "$V1" --tree "$T/tree"
expect_rc 1 "a reverse that cannot complete"
expect_out "$p2  fails"
expect_out "partly applied: $p1 in the tree, $p2 not; the series cannot come out whole"
[ "$(tree_hash "$T/tree")" = "$edited" ] || fail "a reverse that could not complete changed the tree"

# Directories, as GNU patch leaves them: a patch that adds a file in new
# directories, applied and reversed, leaves no directory behind; one that
# deletes the only file of a directory removes it (and its emptied
# parents, never the tree's top). Each tree is compared with GNU patch's.
mkdir -p "$T/dirs/base/fs/overlayfs/old/deep" "$T/dirs/want/fs/overlayfs/new/sub"
echo "gone" > "$T/dirs/base/fs/overlayfs/old/deep/only.c"
echo "kept" > "$T/dirs/base/fs/overlayfs/kept.c"
cp "$T/dirs/base/fs/overlayfs/kept.c" "$T/dirs/want/fs/overlayfs/kept.c"
echo "new" > "$T/dirs/want/fs/overlayfs/new/sub/x.c"
mkdir "$T/dirs/series"
(cd "$T/dirs" && diff -ruN base want | sed -e 's|^--- base/|--- a/|' -e 's|^+++ want/|+++ b/|' \
  > series/0001-dirs.patch) || :
grep -q '^+++ b/fs/overlayfs/new/sub/x.c' "$T/dirs/series/0001-dirs.patch" || fail "the directories patch was not made"
echo 0001-dirs.patch > "$T/dirs/series/series"
for side in kseries gnu; do cp -r "$T/dirs/base" "$T/dirs/$side"; done
(cd "$T/dirs/gnu" && patch -s -p1 < ../series/0001-dirs.patch) || fail "GNU patch refused the directories patch"
run "$KSERIES" apply --series "$T/dirs/series" --tree "$T/dirs/kseries"
expect_rc 0 "a patch that adds and deletes directories"
dirs_of() { (cd "$1" && find . -type d | sort); }
[ "$(dirs_of "$T/dirs/kseries")" = "$(dirs_of "$T/dirs/gnu")" ] || fail "apply: directories differ from GNU patch's: $(dirs_of "$T/dirs/kseries")"
[ ! -e "$T/dirs/kseries/fs/overlayfs/old" ] || fail "apply left the emptied fs/overlayfs/old"
(cd "$T/dirs/gnu" && patch -s -R -p1 < ../series/0001-dirs.patch) || fail "GNU patch -R refused"
run "$KSERIES" apply --reverse --series "$T/dirs/series" --tree "$T/dirs/kseries"
expect_rc 0 "taking the directories patch out"
[ "$(dirs_of "$T/dirs/kseries")" = "$(dirs_of "$T/dirs/gnu")" ] || fail "--reverse: directories differ from GNU patch's: $(dirs_of "$T/dirs/kseries")"
[ ! -e "$T/dirs/kseries/fs/overlayfs/new" ] || fail "--reverse left fs/overlayfs/new behind"
[ "$(tree_hash "$T/dirs/kseries")" = "$(tree_hash "$T/dirs/base")" ] || fail "--reverse did not restore the tree"
