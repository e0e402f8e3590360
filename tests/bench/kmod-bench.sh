#!/usr/bin/env bash
# The kmod benchmark (docs/commands/kmod.md, docs/benchmarks.md): how long
# `kseries kmod` takes end to end on Debian's 6.12 tree and headers (module
# build + rpmbuild), against an ESTIMATE of a full kernel build with the
# same configuration, which is too long to run on a small machine.
#
# The estimate: the headers' .config is brought to the source tree
# (olddefconfig, O= a scratch directory), `make prepare` is timed, and
# `make -n` lists every object file the configuration compiles from C;
# a random sample of them (--sample, seeded) is built with -jJOBS and the
# time is extrapolated to all of them:
#   estimate = prepare + sample time * objects / sample size
# It leaves out linking vmlinux and the modules, modpost, BTF and
# packaging, so it is a lower bound; objects differ widely in size, so a
# sample of 30 makes it a rough one (try other --seed values to see how
# rough).
# Not part of ctest: it takes tens of minutes.
set -euo pipefail

usage() {
  cat <<USAGE
usage: $0 --kseries PATH --work DIR [options]
  --kseries PATH   the kseries binary
  --work DIR       scratch directory (the O= build directory and packages)
  --tree DIR       kernel source tree (default: WORK/linux-6.12, extracted
                   from /usr/src/linux-source-6.12.tar.xz when missing)
  --headers DIR    kernel devel directory (default /usr/src/linux-headers-6.12.*-amd64)
  --runs N         timed kmod runs, median reported (default 3)
  --sample N       objects compiled for the estimate (default 30)
  --seed S         random seed of the sample (default 1)
  --jobs N         make -j for everything (default 2)
USAGE
  exit 2
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kseries= work= tree= headers= runs=3 sample=30 seed=1 jobs=2
while [ $# -gt 0 ]; do
  case $1 in
    --kseries) kseries=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --tree) tree=$2; shift 2 ;;
    --headers) headers=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --sample) sample=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$kseries" ] && [ -n "$work" ] || usage
mkdir -p "$work"
work=$(cd "$work" && pwd)
kseries=$(cd "$(dirname "$kseries")" && pwd)/$(basename "$kseries")
headers=${headers:-$(ls -d /usr/src/linux-headers-6.12.*-amd64 | head -n 1)}
if [ -z "$tree" ]; then
  tree=$work/linux-6.12
  "$root/tests/differential/extract-corpus.sh" /usr/src/linux-source-6.12.tar.xz "$tree" all
fi

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# 1. kseries kmod, end to end.
echo "kmod: $runs runs of kseries kmod on $tree against $headers" >&2
: > "$work/kmod-times"
for i in $(seq "$runs"); do
  rm -rf "$work/rpms" && mkdir "$work/rpms"
  t0=$(now)
  "$kseries" kmod --series "$root/series/overlayfs-nfsroot" --tree "$tree" \
    --kernel-devel "$headers" --out "$work/rpms" --jobs "$jobs" > "$work/kmod-run-$i.txt"
  elapsed "$t0" "$(now)" >> "$work/kmod-times"
  sed -n 's/^  \(module build\|rpmbuild\): *\([0-9.]*\) s.*/  run '"$i"' \1 \2 s/p' "$work/kmod-run-$i.txt" >&2
done
kmod=$(median < "$work/kmod-times")

# 2. The full build, estimated.
build=$work/full-build
rm -rf "$build" && mkdir -p "$build"
cp "$headers/.config" "$build/.config"
make -s -C "$tree" O="$build" olddefconfig > "$work/olddefconfig.log" 2>&1
echo "full build: make prepare ..." >&2
t0=$(now)
make -s -C "$tree" O="$build" -j"$jobs" prepare > "$work/prepare.log" 2>&1
prepare=$(elapsed "$t0" "$(now)")
echo "full build: listing objects (make -n) ..." >&2
# Every C compile a full build runs: "gcc ... -c -o path/file.o path/file.c".
make -n -k -C "$tree" O="$build" all 2> "$work/dry-run.err" \
  | grep -o -- ' -c -o [^ ]*\.o [^ ]*\.c' | awk '{ print $3 }' | sort -u > "$work/objects" || true
objects=$(wc -l < "$work/objects")
[ "$objects" -gt 1000 ] || { echo "kmod-bench: make -n listed only $objects objects; see $work/dry-run.err" >&2; exit 1; }
shuf -n "$sample" --random-source=<(yes "$seed") "$work/objects" > "$work/sample"
echo "full build: compiling $sample of $objects objects with -j$jobs ..." >&2
t0=$(now)
# shellcheck disable=SC2046
make -s -k -C "$tree" O="$build" -j"$jobs" $(cat "$work/sample") > "$work/sample.log" 2>&1 || true
sampled=$(elapsed "$t0" "$(now)")
built=0
while read -r o; do [ -f "$build/$o" ] && built=$((built + 1)); done < "$work/sample"
[ "$built" -eq "$sample" ] || { echo "kmod-bench: only $built of $sample sampled objects built; see $work/sample.log" >&2; exit 1; }
estimate=$(echo "$prepare + $sampled * $objects / $sample" | bc -l)

printf '\nkseries kmod, end to end (median of %d): %.1f s  [runs: %s]\n' "$runs" "$kmod" "$(tr '\n' ' ' < "$work/kmod-times")"
printf 'full kernel build, ESTIMATED (lower bound, -j%d): %.0f s (%.1f h)\n' "$jobs" "$estimate" "$(echo "$estimate / 3600" | bc -l)"
printf '  = make prepare %.0f s + %d sampled objects in %.0f s extrapolated to %d objects\n' \
  "$prepare" "$sample" "$sampled" "$objects"
printf '  (leaves out linking vmlinux and modules, modpost, BTF, packaging)\n'
printf 'ratio, estimated full build / kmod: %.0fx\n' "$(echo "$estimate / $kmod" | bc -l)"
