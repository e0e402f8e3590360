# Patches made by the real `git format-patch` -- mail headers, index lines,
# a new file, a deleted file, a rename -- are read, checked against their
# base blob, and applied with the same result as `git apply`.
. "$(dirname "$0")/common.sh"

export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.org GIT_CONFIG_NOSYSTEM=1 HOME="$T"
repo="$T/repo"
git init -q "$repo"
mkdir -p "$repo/fs/overlayfs"
cp "$KSERIES_CORPUS_61/fs/overlayfs/copy_up.c" "$KSERIES_CORPUS_61/fs/overlayfs/util.c" "$repo/fs/overlayfs/"
echo "old" > "$repo/fs/overlayfs/gone.c"
git -C "$repo" add -A && git -C "$repo" commit -qm base
cp -r "$repo" "$T/base"
rm -rf "$T/base/.git"

sed -i 's/Ignore failure to copy unknown xattrs/Ignore failures to copy unknown xattrs/' "$repo/fs/overlayfs/copy_up.c"
git -C "$repo" mv fs/overlayfs/util.c fs/overlayfs/util-renamed.c
git -C "$repo" rm -q fs/overlayfs/gone.c
echo "new" > "$repo/fs/overlayfs/new.c"
git -C "$repo" add -A && git -C "$repo" commit -qm "ovl: a change with every kind of file"
git -C "$repo" format-patch -q -1 -o "$T/patches"
p=$(ls "$T/patches"/*.patch)

run "$KSERIES" check --patch "$p" --tree "$T/base" --policy git-apply
expect_rc 0 "format-patch applies to its base"
expect_out "fs/overlayfs/copy_up.c  (exactly the patch's base, blob"
expect_out "git apply applies"

run "$KSERIES" check --patch "$p" --tree "$T/base" --format json
expect_out '"base_matches": true'

# A tree whose copy_up.c is not the recorded base says so.
cp -r "$T/base" "$T/other"
echo "/* local change */" >> "$T/other/fs/overlayfs/copy_up.c"
run "$KSERIES" check --patch "$p" --tree "$T/other" --format json
expect_out '"base_matches": false'

cp -r "$T/base" "$T/gitapply"
(cd "$T/gitapply" && git apply "$p") || fail "git apply refused the patch"
run "$KSERIES" apply --patch "$p" --tree "$T/base" --policy git-apply
expect_rc 0 "kseries apply"
diff -r "$T/base" "$T/gitapply" > /dev/null || fail "kseries and git apply leave different trees"
[ -f "$T/base/fs/overlayfs/util-renamed.c" ] && [ ! -e "$T/base/fs/overlayfs/util.c" ] ||
  fail "rename not carried out"
[ ! -e "$T/base/fs/overlayfs/gone.c" ] || fail "deleted file still there"
