# kseries apply writes every patch or none: when one patch of a series
# fails, the tree is byte-identical afterwards; when all apply, the result is
# what GNU patch writes.
. "$(dirname "$0")/common.sh"

make_base_tree "$T/tree"
# Break 0002's context so only 0001 applies.
sed -i 's|continue; /\* Discard \*/|continue; /* changed */|' "$T/tree/fs/overlayfs/copy_up.c"
before=$(tree_hash "$T/tree")
run "$KSERIES" apply --series "$V1" --tree "$T/tree" --fuzz 0
expect_rc 1 "0002 does not apply at fuzz 0"
expect_out "nothing was written"
[ "$(tree_hash "$T/tree")" = "$before" ] || fail "the tree changed although a patch failed"

# With fuzz 1 the changed leading context line is allowed; compare with patch.
cp -r "$T/tree" "$T/gnu"
for p in "$V1"/0*.patch; do (cd "$T/gnu" && patch -s -p1 -F1 < "$p"); done
run "$KSERIES" apply --series "$V1" --tree "$T/tree" --policy kernel-spec
expect_rc 0 "v1 applies with fuzz 1"
expect_out "fuzz 1"
for f in super.c copy_up.c; do
  cmp "$T/tree/fs/overlayfs/$f" "$T/gnu/fs/overlayfs/$f" || fail "$f differs from GNU patch's"
done
[ -z "$(find "$T/tree" -name '.*kseries-*')" ] || fail "temporary files left behind"

# --dry-run reports and writes nothing.
make_base_tree "$T/dry"
before=$(tree_hash "$T/dry")
run "$KSERIES" apply --series "$V1" --tree "$T/dry" --dry-run
expect_rc 0 "dry run"
expect_out "nothing was written"
[ "$(tree_hash "$T/dry")" = "$before" ] || fail "--dry-run changed the tree"
