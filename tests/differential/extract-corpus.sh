#!/bin/sh
# Extracts fs/overlayfs/ of a Debian linux-source tarball into DEST, once.
# Usage: extract-corpus.sh TARBALL DEST
set -eu
tarball=$1
dest=$2
[ -f "$dest/.complete" ] && exit 0
if [ ! -f "$tarball" ]; then
  echo "extract-corpus: $tarball is missing (install Debian's linux-source package)" >&2
  exit 1
fi
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
tar -xJf "$tarball" -C "$dest.partial" --strip-components=1 --wildcards '*/fs/overlayfs/*'
rm -rf "$dest"
mv "$dest.partial" "$dest"
touch "$dest/.complete"
