#!/bin/sh
# The main job of `make demo`: check the seed series v1 against the real
# overlayfs sources of Debian's linux-source-6.1 and 6.12 packages (v1 was
# made for 4.18.0-147, so it fails there, and the report says where and
# how), then run the matrix of the series store - v1 for old RHEL 8, v2 for
# the ovl_revalidate_real() era - over every source kind the machine has:
# the two trees as directories, a git repository built here from them (one
# tag per kernel, read through libgit2 without a checkout), and catalog
# releases (no source offline: shown as such). The HTML report is written
# to BUILD/demo/matrix.html.
set -eu
build=${1:-build/default}
root=$(cd "$(dirname "$0")/.." && pwd)
kseries="$build/tools/cli/kseries"
store="$root/series/overlayfs-nfsroot"
series="$store/v1"

mkdir -p "$build/demo"
for v in 6.1 6.12; do
  tree="$build/corpus/linux-$v"
  "$root/tests/differential/extract-corpus.sh" "/usr/src/linux-source-$v.tar.xz" "$tree"
  echo
  echo "=== kseries check: overlayfs-nfsroot v1 on Debian's linux-source-$v ==="
  "$kseries" check --series "$series" --tree "$tree" || true
done

# A git repository of the two trees, one tag each.
repo="$build/demo/kernels.git"
rm -rf "$repo"
git init -q --bare "$repo"
for v in 6.1 6.12; do
  git --git-dir="$repo" --work-tree="$build/corpus/linux-$v" add -A -- Makefile fs
  GIT_AUTHOR_NAME=kseries GIT_AUTHOR_EMAIL=demo@kseries GIT_COMMITTER_NAME=kseries \
    GIT_COMMITTER_EMAIL=demo@kseries \
    git --git-dir="$repo" --work-tree="$build/corpus/linux-$v" commit -q -m "linux $v"
  git --git-dir="$repo" tag "debian-$v"
done

echo
echo "=== kseries matrix: the store on Debian's trees, the same trees from git, and catalog releases ==="
matrix() {
  "$kseries" matrix --series "$store" --catalog "$root/kernels" --jobs 2 \
    --tree "$build/corpus/linux-6.1" --tree "$build/corpus/linux-6.12" \
    --git "$repo" --refs 'debian-*' --releases '4.18.0-147.5.1.el8_1' --releases '4.18.0-240.el8' \
    "$@" || true
}
matrix
matrix --format html --output "$build/demo/matrix.html"

echo
echo "v1 was written for 4.18.0-147.5.1.el8_1; on these kernels ovl_dentry_revalidate()"
echo "became ovl_revalidate_real(), and upstream skips -EOPNOTSUPP for xattrs it need not"
echo "copy. v2 (made with kseries rebase, docs/commands/rebase.md) carries the first patch"
echo "there and records the second as superseded; the store's index.toml picks the version."
echo
echo "The HTML report is at $(cd "$build/demo" && pwd)/matrix.html"
echo "Try: $kseries matrix --series $store --tree DIR --format md|json|junit"
