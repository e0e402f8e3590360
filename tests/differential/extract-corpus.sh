#!/bin/sh
# Extracts the top-level Makefile and fs/overlayfs/ of a Debian linux-source
# tarball into DEST, once.
# Usage: extract-corpus.sh TARBALL DEST
set -eu
tarball=$1
dest=$2
[ -f "$dest/.complete-2" ] && exit 0
if [ ! -f "$tarball" ]; then
  echo "extract-corpus: $tarball is missing (install Debian's linux-source package)" >&2
  exit 1
fi
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
top=$(basename "$tarball" .tar.xz)
tar -xJf "$tarball" -C "$dest.partial" --strip-components=1 --wildcards \
  "$top/Makefile" "$top/fs/overlayfs/*"
rm -rf "$dest"
mv "$dest.partial" "$dest"
touch "$dest/.complete-2"
