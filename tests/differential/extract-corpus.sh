#!/bin/sh
# Extracts a Debian linux-source tarball into DEST, once: the top-level
# Makefile and fs/overlayfs/ (the corpus of the differential and CLI
# tests), or with "all" the whole tree (about 1.5 GB, for module builds).
# Usage: extract-corpus.sh TARBALL DEST [all]
set -eu
tarball=$1
dest=$2
what=${3:-overlayfs}
marker="$dest/.complete-$what-2"
[ -f "$marker" ] && exit 0
if [ ! -f "$tarball" ]; then
  echo "extract-corpus: $tarball is missing (install Debian's linux-source package)" >&2
  exit 1
fi
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
top=$(basename "$tarball" .tar.xz)
if [ "$what" = all ]; then
  tar -xJf "$tarball" -C "$dest.partial" --strip-components=1
else
  tar -xJf "$tarball" -C "$dest.partial" --strip-components=1 --wildcards \
    "$top/Makefile" "$top/fs/overlayfs/*"
fi
rm -rf "$dest"
mv "$dest.partial" "$dest"
touch "$marker"
