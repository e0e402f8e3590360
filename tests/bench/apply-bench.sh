#!/usr/bin/env bash
# The placement benchmark (`make bench`, docs/benchmarks.md): does a patch
# of many hunks cost what it costs GNU patch?
#
# (A) One large file made of real kernel code (the .c files of Debian's
#     linux-source-6.1 fs/, concatenated, --lines lines) and, for each size
#     N in --sizes, a patch of N one-line changes made by `diff -u`. Times,
#     in the same run, `patch -p1 --dry-run`, `kseries apply --dry-run
#     --fuzz 2` and `kseries check --fuzz 2`, and prints the ratios to GNU
#     patch and how each grows from the size before. A patch of --fail-hunks
#     hunks that all fail (every changed line altered in the tree) is timed
#     the same way. Before timing, each patch of the sizes is applied for
#     real by both programs and the files must be byte-identical, or the
#     script exits 1.
# (B) A git repository of --tags tags, each holding its own version of the
#     overlayfs sources (every third line altered, so every hunk of a
#     generated series fails there; and a second repository where the same
#     hunks apply). Times `kseries matrix --jobs 1` (CPU) over each against
#     `git cat-file --batch` reading the same blobs (the floor).
#
# --small: sizes 100 and 1000 on a 20,000-line file, 4 tags, one run: the
# CTest smoke test bench.apply-smoke, which checks the outputs agree and
# never asserts timings.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

usage() {
  cat <<EOF
usage: $0 --kseries PATH --work DIR [options]
  --kseries PATH     the kseries binary
  --work DIR         work directory (the generated file and repositories are cached there)
  --sizes "N ..."    hunk counts (default "100 1000 10000 100000"; "100 1000" with --small)
  --lines N          lines of the large file (default 800000: 100,000 hunks of 3 context lines fit)
  --fail-hunks N     hunks of the all-failing patch (default 100; GNU patch scans the file for each)
  --tags N           tags of the matrix repositories (default 100)
  --runs N           timed runs, median reported (default 3)
  --corpus DIR       the extracted linux-6.1 corpus (default build/default/corpus/linux-6.1)
  --linux-61 FILE    Debian's linux-source-6.1 tarball (default /usr/src/linux-source-6.1.tar.xz)
  --small            smoke mode (see above)
EOF
}

die() { echo "apply-bench: error: $*" >&2; exit 2; }
note() { echo "apply-bench: $*" >&2; }

kseries='' work='' sizes='' lines='' fail_hunks=100 tags='' runs='' small=0
corpus="$root/build/default/corpus/linux-6.1"
tar61=/usr/src/linux-source-6.1.tar.xz
while [ $# -gt 0 ]; do
  case $1 in
    --kseries) kseries=${2:?}; shift ;;
    --work) work=${2:?}; shift ;;
    --sizes) sizes=${2:?}; shift ;;
    --lines) lines=${2:?}; shift ;;
    --fail-hunks) fail_hunks=${2:?}; shift ;;
    --tags) tags=${2:?}; shift ;;
    --runs) runs=${2:?}; shift ;;
    --corpus) corpus=${2:?}; shift ;;
    --linux-61) tar61=${2:?}; shift ;;
    --small) small=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
  shift
done
[ -n "$kseries" ] && [ -n "$work" ] || { usage >&2; die "--kseries and --work are required"; }
[ -x "$kseries" ] || die "not an executable: $kseries"
kseries=$(cd "$(dirname "$kseries")" && pwd)/$(basename "$kseries")
[ -d "$corpus/fs/overlayfs" ] || die "no corpus at $corpus (run: ctest --preset default -R corpus)"
for t in git patch diff awk; do command -v "$t" >/dev/null || die "$t is not installed"; done
if [ "$small" = 1 ]; then
  : "${sizes:=100 1000}" "${lines:=20000}" "${tags:=4}" "${runs:=1}"
else
  : "${sizes:=100 1000 10000 100000}" "${lines:=800000}" "${tags:=100}" "${runs:=3}"
fi
for n in $sizes "$lines" "$fail_hunks" "$tags" "$runs"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
mkdir -p "$work"
work=$(cd "$work" && pwd)

# The median of the CPU seconds (user + system) or wall seconds of $runs runs.
TIMEFORMAT='%R %U %S'
timed() { # KIND(wall|cpu) CMD...: prints the median
  local kind=$1; shift
  local i t out=()
  for ((i = 0; i < runs; i++)); do
    t=$( { time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
    if [ "$kind" = wall ]; then out+=("$(awk '{print $1}' <<<"$t")")
    else out+=("$(awk '{printf "%.3f", $2 + $3}' <<<"$t")"); fi
  done
  printf '%s\n' "${out[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# ---------------------------------------------------------------- (A)
src="$work/big-src"
if [ "$small" = 1 ]; then
  src_files() { find "$corpus" -name '*.c' | sort; }
else
  if [ ! -f "$src/.done" ]; then
    [ -f "$tar61" ] || die "no kernel tarball: $tar61"
    note "extracting fs/ from $tar61 (once)"
    rm -rf "$src" && mkdir -p "$src"
    tar -xJf "$tar61" -C "$src" --wildcards 'linux-source-6.1/fs/*.c'
    touch "$src/.done"
  fi
  src_files() { find "$src" -name '*.c' | sort; }
fi
big="$work/big-$lines"
mkdir -p "$big/tree" "$big/fail"
if [ ! -f "$big/tree/big.c" ]; then
  # The sources repeat as needed to reach --lines.
  have=$(src_files | xargs cat | wc -l)
  for ((i = 0; i <= lines / have; i++)); do src_files | xargs cat; done 2>/dev/null |
    head -n "$lines" > "$big/tree/big.c" || true
fi
[ "$(wc -l < "$big/tree/big.c")" -eq "$lines" ] || die "could not build a $lines-line file"

make_patch() { # N OUT: N one-line changes, evenly spaced, as diff -u writes them
  local n=$1 out=$2 step=$((lines / $1))
  [ "$step" -ge 8 ] || die "$n hunks of 3 context lines need $((n * 8)) lines (--lines)"
  mkdir -p "$big/gen/a" "$big/gen/b"
  cp "$big/tree/big.c" "$big/gen/a/big.c"
  awk -v s="$step" '{ if (NR % s == int(s / 2)) print $0 " /* kseries bench */"; else print }' \
    "$big/tree/big.c" > "$big/gen/b/big.c"
  (cd "$big/gen" && diff -u a/big.c b/big.c > "$out") || [ $? = 1 ]
  [ "$(grep -c '^@@' "$out")" -eq "$n" ] || die "generated patch $out does not have $n hunks"
}

agree() { # PATCH TREE: both programs write the same bytes
  local p=$1 t=$2
  rm -rf "$big/g" "$big/k" && cp -r "$t" "$big/g" && cp -r "$t" "$big/k"
  patch -s -p1 -F2 -d "$big/g" < "$p" >/dev/null 2>&1 || true
  find "$big/g" -name '*.orig' -o -name '*.rej' | xargs rm -f
  "$kseries" apply --patch "$p" --tree "$big/k" --fuzz 2 >/dev/null 2>&1 || true
  cmp -s "$big/g/big.c" "$big/k/big.c" || die "kseries and GNU patch write different files for $p"
}

echo "(A) one file of $lines lines of kernel code; CPU seconds (user+sys), median of $runs"
printf '%-22s %10s %10s %10s %9s %9s %9s\n' "case" "GNU patch" "apply" "check" "apply/GNU" \
  "check/GNU" "growth"
prev_apply=''
for n in $sizes; do
  p="$big/p$n.patch"
  [ -f "$p" ] || make_patch "$n" "$p"
  agree "$p" "$big/tree"
  g=$(timed cpu patch -s -p1 -F2 --dry-run -d "$big/tree" -i "$p")
  a=$(timed cpu "$kseries" apply --dry-run --patch "$p" --tree "$big/tree" --fuzz 2)
  c=$(timed cpu "$kseries" check --patch "$p" --tree "$big/tree" --fuzz 2)
  growth=$([ -n "$prev_apply" ] && ratio "$a" "$prev_apply" || echo "-")
  printf '%-22s %9ss %9ss %9ss %9s %9s %9s\n' "$n hunks apply" "$g" "$a" "$c" "$(ratio "$a" "$g")" \
    "$(ratio "$c" "$g")" "$growth"
  prev_apply=$a
done
# Every hunk fails: the changed lines are altered in the tree.
fp="$big/fail$fail_hunks.patch"
[ -f "$fp" ] || make_patch "$fail_hunks" "$fp"
step=$((lines / fail_hunks))
awk -v s="$step" '{ if (NR % s == int(s / 2)) print "/* altered */"; else print }' \
  "$big/tree/big.c" > "$big/fail/big.c"
g=$(timed cpu patch -s -p1 -F2 --dry-run -d "$big/fail" -i "$fp")
a=$(timed cpu "$kseries" apply --dry-run --patch "$fp" --tree "$big/fail" --fuzz 2)
c=$(timed cpu "$kseries" check --patch "$fp" --tree "$big/fail" --fuzz 2)
printf '%-22s %9ss %9ss %9ss %9s %9s %9s\n' "$fail_hunks hunks all fail" "$g" "$a" "$c" \
  "$(ratio "$a" "$g")" "$(ratio "$c" "$g")" "-"
echo "growth: apply's CPU over the previous size's (10x the hunks)"

# ---------------------------------------------------------------- (B)
# A series of one patch per overlayfs source, 20 hunks each.
mx="$work/matrix-$tags"
files=$(cd "$corpus" && find fs/overlayfs -name '*.c' | sort)
if [ ! -f "$mx/.done" ]; then
  rm -rf "$mx" && mkdir -p "$mx/series" "$mx/gen"
  : > "$mx/series/series"
  for f in $files; do
    name=$(basename "$f" .c).patch
    mkdir -p "$mx/gen/a/$(dirname "$f")" "$mx/gen/b/$(dirname "$f")"
    cp "$corpus/$f" "$mx/gen/a/$f"
    n=$(wc -l < "$corpus/$f")
    awk -v s=$((n / 20)) '{ if (NR % s == int(s / 2)) print $0 " /* v1 */"; else print }' \
      "$corpus/$f" > "$mx/gen/b/$f"
    (cd "$mx/gen" && diff -u "a/$f" "b/$f" > "$mx/series/$name") || [ $? = 1 ]
    echo "$name -p1" >> "$mx/series/series"
  done
  # fail: each tag alters every third line (so every hunk fails) and
  # differs from every other tag; apply: each tag only appends a line.
  for kind in fail apply; do
    git init -q --bare "$mx/$kind.git"
    wt="$mx/wt-$kind"
    mkdir -p "$wt"
    for ((t = 1; t <= tags; t++)); do
      for f in $files; do
        mkdir -p "$wt/$(dirname "$f")"
        if [ "$kind" = fail ]; then
          awk -v t="$t" '{ if (NR % 3 == 0) print $0 " /* r" t " */"; else print }' \
            "$corpus/$f" > "$wt/$f"
        else
          { cat "$corpus/$f"; echo "/* r$t */"; } > "$wt/$f"
        fi
      done
      git --git-dir="$mx/$kind.git" --work-tree="$wt" add -A
      git --git-dir="$mx/$kind.git" --work-tree="$wt" -c user.name=bench \
        -c user.email=bench@localhost commit -q -m "r$t"
      git --git-dir="$mx/$kind.git" tag "kernel-4.18.0-$t.el8"
    done
  done
  touch "$mx/.done"
fi

echo
echo "(B) matrix over $tags tags of $(wc -w <<<"$files") overlayfs files, 20 hunks each;" \
  "CPU seconds, median of $runs"
printf '%-34s %12s %12s %9s\n' "case" "matrix -j1" "cat-file" "ratio"
for kind in fail apply; do
  repo="$mx/$kind.git"
  git --git-dir="$repo" for-each-ref --format='%(refname:short)' 'refs/tags/kernel-*' |
    while read -r tag; do for f in $files; do echo "$tag:$f"; done; done > "$mx/$kind.blobs"
  m=$(timed cpu "$kseries" matrix --series "$mx/series" --git "$repo" --refs 'kernel-*' --jobs 1)
  cf=$(timed cpu sh -c 'git --git-dir="$1" cat-file --batch < "$2"' - "$repo" "$mx/$kind.blobs")
  label=$([ "$kind" = fail ] && echo "every hunk fails" || echo "every hunk applies")
  printf '%-34s %11ss %11ss %9s\n' "$label" "$m" "$cf" "$(ratio "$m" "$cf")"
done
