#!/usr/bin/env bash
# The matrix benchmark (`make bench`, docs/benchmarks.md).
#
# Builds a git repository of kernel trees, one tag per release: Debian's
# linux-source 6.1 and 6.12 trees, each followed by generated release
# commits that edit files across the tree and edit the files the series
# patches the way real updates do (lines inserted or deleted above a hunk,
# a context line changed, the patch carried, the hunk's region rewritten).
# Then it times, in the same run, over the same tags and the same patches:
#   (1)  kseries matrix over all tags (-j1, and -j2 for information);
#   (2)  per tag: git worktree add, patch -p1 --dry-run each patch, remove;
#   (2b) one worktree, git checkout per tag (for information);
#   (3)  per tag: git show TAG:path into a scratch dir, patch -p1 --dry-run;
#   (4)  git cat-file --batch reading the same blobs (the floor);
# and cross-checks every cell: kseries' outcome and per-hunk placement must
# be what patch(1) says in (2) and (3), or the script exits 1.
#
# --small builds the repository from Makefile, fs/overlayfs and a few other
# files only, with 6 tags: a smoke test of the cross-check (ctest
# bench.matrix-smoke) that never asserts timings.
set -euo pipefail

readonly GEN_VERSION=1 # bump when the generated repository changes
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

usage() {
  cat <<EOF
usage: $0 --kseries PATH --work DIR [options]
  --kseries PATH        the kseries binary
  --work DIR            work directory: the cached repository and scratch files
  --tags N              release tags to generate (default 100; 6 with --small)
  --small               smoke mode: a few files per tree, few tags, no timing targets
  --runs N              timed runs of each method, median reported (default 3; 1 with --small)
  --worktree-runs N     timed runs of method (2) (default 1: it checks out N full trees)
  --sample-worktree K   time (2) on K evenly spaced tags and extrapolate to all tags
  --seed S              random seed of the generated releases (default 1)
  --series DIR          the series (default series/overlayfs-nfsroot/v1)
  --linux-61 FILE       Debian's linux-source-6.1 tarball (default /usr/src/linux-source-6.1.tar.xz)
  --linux-612 FILE      Debian's linux-source-6.12 tarball (default /usr/src/linux-source-6.12.tar.xz)
  --skip-checkout       do not time method (2b) (for information only; ~90 s a run)
  --keep                keep the run's scratch files (outputs, normalised results)
EOF
}

die() { echo "matrix-bench: error: $*" >&2; exit 2; }
note() { echo "matrix-bench: $*" >&2; }

kseries='' work='' tags='' small=0 runs='' wt_runs=1 sample=0 seed=1 keep=0 skip_checkout=0
series="$root/series/overlayfs-nfsroot/v1"
tar61=/usr/src/linux-source-6.1.tar.xz
tar612=/usr/src/linux-source-6.12.tar.xz
while [ $# -gt 0 ]; do
  case $1 in
    --kseries) kseries=${2:?}; shift ;;
    --work) work=${2:?}; shift ;;
    --tags) tags=${2:?}; shift ;;
    --small) small=1 ;;
    --runs) runs=${2:?}; shift ;;
    --worktree-runs) wt_runs=${2:?}; shift ;;
    --sample-worktree) sample=${2:?}; shift ;;
    --seed) seed=${2:?}; shift ;;
    --series) series=${2:?}; shift ;;
    --linux-61) tar61=${2:?}; shift ;;
    --linux-612) tar612=${2:?}; shift ;;
    --skip-checkout) skip_checkout=1 ;;
    --keep) keep=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
  shift
done
[ -n "$kseries" ] && [ -n "$work" ] || { usage >&2; die "--kseries and --work are required"; }
[ -x "$kseries" ] || die "not an executable: $kseries"
[ -f "$series/series" ] || die "not a series directory: $series"
for f in "$tar61" "$tar612"; do [ -f "$f" ] || die "no kernel tarball: $f"; done
for t in git patch jq tar xz awk; do command -v "$t" >/dev/null || die "$t is not installed"; done
if [ "$small" = 1 ]; then : "${tags:=6}" "${runs:=1}"; else : "${tags:=100}" "${runs:=3}"; fi
for n in "$tags" "$runs" "$wt_runs" "$sample" "$seed"; do
  [[ $n =~ ^[0-9]+$ ]] || die "not a number: $n"
done
[ "$tags" -ge 2 ] || die "--tags must be at least 2 (one release per kernel line)"
[ "$runs" -ge 1 ] && [ "$wt_runs" -ge 1 ] || die "--runs and --worktree-runs must be at least 1"
[ "$sample" -le "$tags" ] || die "--sample-worktree cannot exceed --tags"

mkdir -p "$work"
kseries=$(cd "$(dirname "$kseries")" && pwd)/$(basename "$kseries")
work=$(cd "$work" && pwd)
series=$(cd "$series" && pwd)

# Reproducible git: no user or system configuration, fixed identities.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null NO_COLOR=1 LC_ALL=C
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@kseries.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@kseries.invalid

run_dir="$work/run"
rm -rf "$run_dir"
mkdir -p "$run_dir"
cleanup() {
  if [ -n "${repo:-}" ] && [ -d "$run_dir/wt" ]; then
    git --git-dir="$repo" worktree remove --force "$run_dir/wt" 2>/dev/null || true
  fi
  [ "$keep" = 1 ] || rm -rf "$run_dir"
}
trap cleanup EXIT

# --- the series: patch files and their hunks ------------------------------
patches=() patch_names=()
while read -r name strip _; do
  case $name in ''|'#'*) continue ;; esac
  [ "${strip:--p1}" = -p1 ] || die "$series/series: only -p1 patches are supported ($name $strip)"
  [ -f "$series/$name" ] || die "$series/series names a missing patch: $name"
  patches+=("$series/$name")
  patch_names+=("$name")
done < "$series/series"
[ ${#patches[@]} -gt 0 ] || die "$series/series lists no patches"

# The hunk splitting and the repository's generation (split_hunks,
# make_variants, import_tree, generate_line) live in their own file.
# shellcheck source-path=SCRIPTDIR/../..
. "$root/tests/bench/matrix-bench-lib.sh"

key=$(
  {
    echo "gen=$GEN_VERSION small=$small tags=$tags seed=$seed"
    stat -c '%n %s %Y' "$tar61" "$tar612"
    cat "$series/series" "${patches[@]}"
  } | sha256sum | cut -c1-12)
mode_name=$([ "$small" = 1 ] && echo small || echo full)
cache="$work/repo-$mode_name-$key"
repo="$cache/kernels.git"
if [ -f "$cache/complete" ]; then
  note "using the cached repository $repo"
else
  # A repository built with other parameters is stale: remove it.
  for old in "$work"/repo-"$mode_name"-*; do [ -e "$old" ] && rm -rf "$old"; done
  note "building $repo ($tags tags, seed $seed$([ "$small" = 1 ] && echo ', small'))"
  build_start=$EPOCHREALTIME
  mkdir -p "$cache"
  gen="$cache/gen"
  mkdir -p "$gen"
  git init -q --bare "$repo"
  split_hunks "$gen/hunks"
  make_variants "$gen/hunks"
  import_tree "$tar61" debian-6.1 &
  pid61=$!
  import_tree "$tar612" debian-6.12
  wait "$pid61"
  RANDOM=$seed
  : > "$cache/tags"
  generate_line debian-6.1 $(( tags / 2 )) 6.1.0 10 el9 9
  generate_line debian-6.12 $(( tags - tags / 2 )) 6.12.0 55 el10 10
  # Packed, with deltas and packed refs, as a cloned repository is.
  git --git-dir="$repo" repack -a -d -q
  git --git-dir="$repo" pack-refs --all
  git --git-dir="$repo" prune
  rm -rf "$gen"
  touch "$cache/complete"
  note "built in $(awk -v a="$build_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
fi
mapfile -t all_tags < "$cache/tags"
[ ${#all_tags[@]} -eq "$tags" ] || die "$cache/tags lists ${#all_tags[@]} tags, expected $tags"
split_hunks "$run_dir/hunks"

# --- the methods ----------------------------------------------------------
# Every method gets the same tags and the same patch files. Outputs go to
# $run_dir/out-<method>; patch(1) outputs are named <tag>.<patch index>.
declare -A paths_of=()
while IFS=$'\t' read -r _ p path _; do
  case " ${paths_of[$p]:-} " in *" $path "*) ;; *) paths_of[$p]="${paths_of[$p]:-} $path" ;; esac
done < "$run_dir/hunks/meta"

m_kseries() { # JOBS OUT
  local rc=0
  "$kseries" matrix --series "$series" --catalog "$root/kernels" --git "$repo" \
    --refs 'kernel-*' --format json --jobs "$1" > "$2" 2> "$2.err" || rc=$?
  [ $rc -le 1 ] || { cat "$2.err" >&2; die "kseries matrix exited $rc"; }
}

dry_run() { # DIR PATCH-INDEX OUT: the maintainer's check, never prompting
  patch -p1 --dry-run --forward -d "$1" -i "${patches[$2]}" < /dev/null > "$3" 2>&1 || true
}

m_worktree() { # OUT TAG...
  local out=$1 tag i; shift
  mkdir -p "$out"
  for tag; do
    git --git-dir="$repo" worktree add -q --detach "$run_dir/wt" "$tag"
    for i in "${!patches[@]}"; do dry_run "$run_dir/wt" "$i" "$out/$tag.$i"; done
    git --git-dir="$repo" worktree remove --force "$run_dir/wt"
  done
}

m_checkout() { # OUT TAG...: one worktree, switched from tag to tag
  local out=$1 tag i; shift
  mkdir -p "$out"
  git --git-dir="$repo" worktree add -q --detach "$run_dir/wt" "$1"
  for tag; do
    git -C "$run_dir/wt" checkout -q --detach -f "$tag"
    for i in "${!patches[@]}"; do dry_run "$run_dir/wt" "$i" "$out/$tag.$i"; done
  done
  git --git-dir="$repo" worktree remove --force "$run_dir/wt"
}

m_show() { # OUT: per tag, the patched files from git show, then patch
  local out=$1 tag i path s="$run_dir/show"
  mkdir -p "$out"
  for tag in "${all_tags[@]}"; do
    rm -rf "$s"
    for i in "${!patches[@]}"; do
      for path in ${paths_of[$i]}; do
        mkdir -p "$s/$(dirname "$path")"
        git --git-dir="$repo" show "$tag:$path" > "$s/$path"
      done
      dry_run "$s" "$i" "$out/$tag.$i"
    done
  done
}

m_cat_file() { # OUT: the same blobs, one git process
  local tag i path
  for tag in "${all_tags[@]}"; do
    for i in "${!patches[@]}"; do
      for path in ${paths_of[$i]}; do echo "$tag:$path"; done
    done
  done > "$run_dir/blobs"
  git --git-dir="$repo" cat-file --batch < "$run_dir/blobs" > "$1"
}

declare -A times=()
# Every method starts with the repository's packs in the page cache: the
# worktree methods evict them, and the next method must not pay for that.
warm() { cat "$repo"/objects/pack/*.pack > /dev/null; }
timed() { # NAME CMD...: appends the wall time in microseconds to times[NAME]
  local name=$1 t0 t1; shift
  warm
  t0=${EPOCHREALTIME/./}
  "$@"
  t1=${EPOCHREALTIME/./}
  times[$name]="${times[$name]:-} $(( t1 - t0 ))"
}
median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

wt_tags=("${all_tags[@]}")
if [ "$sample" -gt 0 ] && [ "$sample" -lt "$tags" ]; then
  wt_tags=()
  for (( i = 0; i < sample; i++ )); do wt_tags+=("${all_tags[$(( i * tags / sample ))]}"); done
fi

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
note "timing: ${#all_tags[@]} tags, ${#patches[@]} patches, $runs runs (method 2: $wt_runs over ${#wt_tags[@]} tags)"
for (( r = 1; r <= (runs > wt_runs ? runs : wt_runs); r++ )); do
  if [ "$r" -le "$runs" ]; then
    timed k1 m_kseries 1 "$run_dir/kseries-j1.$r.json"
    timed k2 m_kseries 2 "$run_dir/kseries-j2.$r.json"
    timed show m_show "$run_dir/out-show"
    timed cat m_cat_file "$run_dir/cat-file.out"
    [ "$skip_checkout" = 1 ] || timed checkout m_checkout "$run_dir/out-checkout" "${all_tags[@]}"
  fi
  if [ "$r" -le "$wt_runs" ]; then
    note "method 2, run $r: ${#wt_tags[@]} worktrees"
    timed worktree m_worktree "$run_dir/out-worktree" "${wt_tags[@]}"
  fi
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- cross-check ----------------------------------------------------------
# One line per tag and patch: tag, patch, outcome, then per file its hunks
# as "#n:exact", "#n:offset@LINE:OFFSET", "#n:fuzzF@LINE:OFFSET",
# "#n:FAILED@LINE", or the file as "reversed" / "missing".
# A "not-needed" cell (the series version's detect rule found the fix in a
# tree where the patch does not apply) is compared by where patch(1) would
# have placed its hunks, which its details keep.
jq -r 'def placed: [.details.files[] | .status] as $st | [.details.files[].hunks[].outcome] as $h |
         if ($st | index("missing")) or ($h | index("failed")) then "fails"
         elif $st | index("already-applied") then "already-applied"
         elif $h | index("fuzz") then "fuzz" elif $h | index("offset") then "offset"
         else "exact" end;
  .releases[] | (.source | sub(".*@"; "")) as $tag | .cells[] |
  [$tag, .patch, (if .outcome == "not-needed" then placed else .outcome end),
   ([.details.files[] | .path + "=" +
     (if .status == "already-applied" then "reversed"
      elif .status == "missing" then "missing"
      else ([.hunks[] | "#\(.number):" +
              (if .outcome == "exact" then "exact"
               elif .outcome == "offset" then "offset@\(.line):\(.offset)"
               elif .outcome == "fuzz" then "fuzz\(.fuzz)@\(.line):\(.offset)"
               elif .outcome == "failed" then "FAILED@\(.line)"
               else .outcome end)] | join(",")) end)] | join(";"))] | @tsv' \
  "$run_dir/kseries-j1.1.json" | sort > "$run_dir/cells-kseries"

# The same from patch(1)'s messages (GNU patch 2.7.6). A hunk patch says
# nothing about applied exactly.
normalise_patch_output() { # DIR TAG...
  local dir=$1 tag i; shift
  for tag; do
    for i in "${!patches[@]}"; do
      awk -v tag="$tag" -v pidx="$i" -v name="${patch_names[$i]}" -v meta="$run_dir/hunks/meta" '
        BEGIN {
          while ((getline l < meta) > 0) {
            split(l, f, "\t")
            if (f[2] != pidx) continue
            if (!(f[3] in nh)) order[++nf] = f[3]
            nh[f[3]] = f[4]
          }
        }
        /^checking file / { file = substr($0, 15); next }
        /^can.t find file to patch/ { st[file] = "missing"; next }
        /^Reversed \(or previously applied\) patch detected/ { st[file] = "reversed"; next }
        /^Hunk #[0-9]+ / {
          h = $2; sub(/^#/, "", h)
          if ($3 == "FAILED") { l = $5; sub(/\.$/, "", l); r[file, h] = "FAILED@" l; next }
          l = $5; sub(/\.$/, "", l); fz = 0; off = 0
          if (match($0, /with fuzz [0-9]+/)) fz = substr($0, RSTART + 10, RLENGTH - 10)
          if (match($0, /\(offset -?[0-9]+ line/)) off = substr($0, RSTART + 8, RLENGTH - 13)
          r[file, h] = (fz > 0 ? "fuzz" fz "@" l ":" off : "offset@" l ":" off)
        }
        END {
          out = ""; failed = 0; rev = 0; fuzz = 0; offset = 0
          for (j = 1; j <= nf; j++) {
            p = order[j]
            if (p in st) { rec = st[p]; if (st[p] == "missing") failed = 1; else rev = 1 }
            else {
              rec = ""
              for (h = 1; h <= nh[p]; h++) {
                x = ((p, h) in r) ? r[p, h] : "exact"
                if (x ~ /^FAILED/) failed = 1; else if (x ~ /^fuzz/) fuzz = 1
                else if (x ~ /^offset/) offset = 1
                rec = rec (h > 1 ? "," : "") "#" h ":" x
              }
            }
            out = out (j > 1 ? ";" : "") p "=" rec
          }
          outcome = failed ? "fails" : rev ? "already-applied" : fuzz ? "fuzz" : offset ? "offset" : "exact"
          printf "%s\t%s\t%s\t%s\n", tag, name, outcome, out
        }' "$dir/$tag.$i"
    done
  done | sort
}
normalise_patch_output "$run_dir/out-worktree" "${wt_tags[@]}" > "$run_dir/cells-worktree"
[ "$skip_checkout" = 1 ] || normalise_patch_output "$run_dir/out-checkout" "${all_tags[@]}" > "$run_dir/cells-checkout"
normalise_patch_output "$run_dir/out-show" "${all_tags[@]}" > "$run_dir/cells-show"
printf '%s\n' "${wt_tags[@]}" | sort > "$run_dir/wt-tags"
join -t$'\t' "$run_dir/wt-tags" "$run_dir/cells-kseries" > "$run_dir/cells-kseries-wt" || true

disagree=0
compare() { # WHAT EXPECTED ACTUAL
  if ! diff -u "$2" "$3" > "$run_dir/diff.$1"; then
    echo "cross-check FAILED: kseries and $1 disagree:" >&2
    head -40 "$run_dir/diff.$1" >&2
    disagree=1
  fi
}
cells=$(wc -l < "$run_dir/cells-kseries")
[ "$cells" -eq $(( tags * ${#patches[@]} )) ] ||
  { echo "cross-check FAILED: kseries gave $cells cells, expected $(( tags * ${#patches[@]} ))" >&2; disagree=1; }
compare "method-2" "$run_dir/cells-kseries-wt" "$run_dir/cells-worktree"
[ "$skip_checkout" = 1 ] || compare "method-2b" "$run_dir/cells-kseries" "$run_dir/cells-checkout"
compare "method-3" "$run_dir/cells-kseries" "$run_dir/cells-show"
for f in "$run_dir"/kseries-j*.json; do
  cmp -s "$run_dir/kseries-j1.1.json" "$f" || { echo "cross-check FAILED: $f differs from -j1" >&2; disagree=1; }
done
expected_bytes=$(awk '$2 == "blob" { n += $3 } END { print n + 0 }' < <(
  git --git-dir="$repo" cat-file --batch-check < "$run_dir/blobs"))
missing=$(grep -c ' missing$' < <(git --git-dir="$repo" cat-file --batch-check < "$run_dir/blobs") || true)
[ "$missing" -eq 0 ] || { echo "cross-check FAILED: $missing blobs missing" >&2; disagree=1; }

# --- report ---------------------------------------------------------------
us() { awk -v t="$1" 'BEGIN { printf "%.3f s", t / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
t1=$(median "${times[k1]}")
t_wt=$(median "${times[worktree]}")
wt_note=''
if [ ${#wt_tags[@]} -lt "$tags" ]; then
  t_wt=$(( t_wt * tags / ${#wt_tags[@]} ))
  wt_note=" (extrapolated from ${#wt_tags[@]} of $tags tags)"
fi
echo
echo "kseries matrix bench: $tags tags ($(( tags / 2 )) on Debian 6.1, $(( tags - tags / 2 )) on 6.12), ${#patches[@]} patches of $series"
echo "repository: $repo ($mode_name, seed $seed)"
echo "machine: $(nproc) cores, load average $load_start at start, $load_end at end"
echo "kseries: $kseries"
echo
printf '%-52s %5s %14s %12s\n' method runs "median wall" "vs (1)"
row() { # LABEL NAME [TIME]
  local t=${3:-$(median "${times[$2]}")} n
  n=$(wc -w <<< "${times[$2]}")
  printf '%-52s %5s %14s %11sx\n' "$1" "$n" "$(us "$t")" "$(ratio "$t" "$t1")"
}
row "(1)  kseries matrix --jobs 1" k1
row "(1') kseries matrix --jobs 2" k2
row "(2)  worktree add + patch --dry-run, per tag" worktree "$t_wt"
[ -z "$wt_note" ] || echo "     ^ method (2)$wt_note"
[ "$skip_checkout" = 1 ] || row "(2b) one worktree, git checkout per tag" checkout
row "(3)  git show TAG:path + patch --dry-run, per tag" show
row "(4)  git cat-file --batch (floor)" cat
echo
t_show=$(median "${times[show]}")
t_cat=$(median "${times[cat]}")
verdict() { awk -v v="$1" -v op="$2" -v lim="$3" \
  'BEGIN { ok = op == ">=" ? v >= lim : v <= lim; print ok ? "met" : "NOT met" }'; }
r2=$(ratio "$t_wt" "$t1"); r3=$(ratio "$t_show" "$t1"); r4=$(awk -v a="$t1" -v b="$t_cat" 'BEGIN { printf "%.2f", a / b }')
if [ "$small" = 1 ]; then
  echo "targets: not checked in --small mode (a smoke test; its timings mean nothing)"
else
  echo "targets (kseries = (1) --jobs 1):"
  printf '  (2)/(1) = %8s  >= 100: %s%s\n' "$r2" "$(verdict "$r2" '>=' 100)" "$wt_note"
  printf '  (3)/(1) = %8s  >= 10:  %s\n' "$r3" "$(verdict "$r3" '>=' 10)"
  printf '  (1)/(4) = %8s  <= 2:   %s\n' "$r4" "$(verdict "$r4" '<=' 2)"
fi
echo
echo "outcomes (kseries cells):" $(cut -f3 "$run_dir/cells-kseries" | sort | uniq -c |
  awk '{ printf "%s %s, ", $2, $1 }' | sed 's/, $//')
echo "blobs read by (4): $(wc -l < "$run_dir/blobs"), $expected_bytes bytes"
if [ "$disagree" = 0 ]; then
  echo "cross-check: kseries agrees with patch(1) on all $cells cells (method 3 and 2b: all tags; method 2: ${#wt_tags[@]} tags)"
else
  echo "cross-check: DISAGREEMENT (see above; outputs in $run_dir)"
  keep=1
  exit 1
fi
