#!/bin/sh
# Extracts a whole Debian linux-source tarball into DEST, once (the CTest
# fixture of the tests that build modules; about 1.5 GB).
# Usage: extract-kernel.sh TARBALL DEST
set -eu
tarball=$1
dest=$2
[ -f "$dest/.complete" ] && exit 0
if [ ! -f "$tarball" ]; then
  echo "extract-kernel: $tarball is missing (install Debian's linux-source package)" >&2
  exit 1
fi
rm -rf "$dest.partial"
mkdir -p "$dest.partial"
tar -xJf "$tarball" -C "$dest.partial" --strip-components=1
rm -rf "$dest"
mv "$dest.partial" "$dest"
touch "$dest/.complete"
