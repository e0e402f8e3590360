#!/usr/bin/env bash
# rebase-bench on a wide corpus (`make bench`, docs/benchmarks.md): extracts
# the directories below from Debian's linux-source 6.1 and 6.12 tarballs
# once into WORK/rebase-corpus, then runs the rebase-bench binary on them.
# CTest's bench.rebase-small runs the same binary on the fs/overlayfs corpus.
# Usage: rebase-bench.sh BENCH_BINARY WORK [rebase-bench options...]
set -euo pipefail

readonly DIRS=(fs/overlayfs fs/ext4 mm kernel net/ipv4 drivers/block)
readonly CORPUS_VERSION=1 # bump when DIRS change
tar61=${KSERIES_LINUX_61_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
tar612=${KSERIES_LINUX_612_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

[ $# -ge 2 ] || { echo "usage: $0 BENCH_BINARY WORK [options]" >&2; exit 2; }
bench=$1
corpus=$2/rebase-corpus
shift 2

extract() { # TARBALL DEST
  local tarball=$1 dest=$2 top members=()
  [ -f "$dest/.complete-$CORPUS_VERSION" ] && return 0
  [ -f "$tarball" ] || { echo "rebase-bench: no kernel tarball: $tarball" >&2; exit 2; }
  top=$(basename "$tarball" .tar.xz)
  for d in "${DIRS[@]}"; do members+=("$top/$d/*"); done
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xJf "$tarball" -C "$dest" --strip-components=1 --wildcards "${members[@]}"
  touch "$dest/.complete-$CORPUS_VERSION"
}
extract "$tar61" "$corpus/linux-6.1" &
extract "$tar612" "$corpus/linux-6.12" &
wait -n && wait -n

echo "rebase-bench corpus: ${DIRS[*]}" >&2
exec "$bench" --corpus-61 "$corpus/linux-6.1" --corpus-612 "$corpus/linux-6.12" "$@"
