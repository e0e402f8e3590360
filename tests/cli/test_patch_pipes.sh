# Patches from pipes: `--patch -`, `--patch /dev/stdin` and bash's
# `--patch <(git format-patch --stdout ...)` are read once, capped in size,
# named in reports as given, and applied like a patch file; trees (and patch
# files at ordinary paths) still refuse symbolic links.
. "$(dirname "$0")/common.sh"
export KSERIES T
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.org GIT_CONFIG_NOSYSTEM=1 HOME="$T"

# A repository of two real overlayfs files and two commits on them.
repo="$T/repo"
git init -q "$repo"
mkdir -p "$repo/fs/overlayfs"
cp "$KSERIES_CORPUS_612/fs/overlayfs/copy_up.c" "$KSERIES_CORPUS_612/fs/overlayfs/util.c" \
  "$repo/fs/overlayfs/"
git -C "$repo" add -A && git -C "$repo" commit -qm base
mkdir "$T/base" && cp -r "$repo/fs" "$T/base/"
sed -i 's/Ignore failure to copy unknown xattrs/Ignore failures to copy unknown xattrs/' \
  "$repo/fs/overlayfs/copy_up.c"
git -C "$repo" commit -qam "ovl: copy_up wording"
sed -i '1s/^/\/\/ util: a first line\n/' "$repo/fs/overlayfs/util.c"
git -C "$repo" commit -qam "ovl: util first line"
export repo
git -C "$repo" format-patch -q -2 -o "$T/patches"
p1=$(ls "$T/patches"/0001-*.patch)
export p1

# cat p | kseries check --patch -
run bash -c 'cat "$p1" | "$KSERIES" check --patch - --tree "$T/base"'
expect_rc 0 "a patch from standard input"
expect_out "patch -"
expect_out "1 of 1 patches apply"

# /dev/stdin, from a pipe and from a file redirected in.
run bash -c 'cat "$p1" | "$KSERIES" check --patch /dev/stdin --tree "$T/base"'
expect_rc 0 "/dev/stdin from a pipe"
run bash -c '"$KSERIES" check --patch /dev/stdin --tree "$T/base" < "$p1"'
expect_rc 0 "/dev/stdin from a file"

# Process substitution: git format-patch --stdout of both commits, one mbox.
run bash -c '"$KSERIES" check --patch <(git -C "$repo" format-patch --stdout -2) --tree "$T/base"'
expect_rc 0 "format-patch --stdout through <(...)"
expect_out "patch /dev/fd/"
expect_out "fs/overlayfs/util.c"
expect_out "1 of 1 patches apply"

# apply from a pipe writes what git apply writes; again, it is already applied.
cp -r "$T/base" "$T/tree"
run bash -c 'git -C "$repo" format-patch --stdout -2 | "$KSERIES" apply --patch - --tree "$T/tree"'
expect_rc 0 "apply from a pipe"
expect_out "patched 2 files"
diff -r "$T/tree/fs" "$repo/fs" > /dev/null || fail "apply from a pipe differs from the commits"
run bash -c 'git -C "$repo" format-patch --stdout -2 | "$KSERIES" apply --patch - --tree "$T/tree"'
expect_rc 0 "apply from a pipe, again"
expect_out "already applied: -; nothing was written"

# Past the cap: refused with the source named, nothing read past it.
run bash -c 'head -c 2097152 /dev/zero | "$KSERIES" --max-member-size 1M check --patch - --tree "$T/base"'
expect_rc 2 "a pipe past the cap"
expect_err "standard input (-)"
expect_err "1 MiB cap on one patch (--max-member-size to raise it)"

# Standard input is read once: given twice (under any name) it is refused.
run bash -c 'cat "$p1" | "$KSERIES" check --patch - --patch /dev/stdin --tree "$T/base"'
expect_rc 2 "standard input twice"
expect_err "a pipe is read once"

# Trees keep refusing links out, with the patch from a pipe.
mkdir -p "$T/linked/fs/overlayfs" "$T/outside"
cp "$T/base/fs/overlayfs/util.c" "$T/outside/copy_up.c"
ln -s "$T/outside/copy_up.c" "$T/linked/fs/overlayfs/copy_up.c"
run bash -c 'cat "$p1" | "$KSERIES" apply --patch - --tree "$T/linked"'
expect_rc 2 "a tree with a symbolic link out"
expect_err "symbolic link"
cmp -s "$T/outside/copy_up.c" "$T/base/fs/overlayfs/util.c" || fail "the link's target was written"

# A patch file at an ordinary path is still refused when it is a link.
ln -s "$p1" "$T/link.patch"
run "$KSERIES" check --patch "$T/link.patch" --tree "$T/base"
expect_rc 2 "a patch file that is a symbolic link"
expect_err "symbolic link"
