# shellcheck shell=bash
# The matrix benchmark's generated repository (sourced by matrix-bench.sh,
# which documents the releases it builds): the series' hunks split into
# their old and new text, the variants a release makes of each hunk's
# region, and the release commits of one kernel line.
#
# Runs in matrix-bench.sh's shell and uses its state: die, patches (the
# series' patch files), small, repo, cache (the repository and its tag
# list) and gen (the scratch directory of a build). A change to what it
# generates bumps GEN_VERSION there, so that cached repositories are rebuilt.
# shellcheck disable=SC2154 # that state is set by matrix-bench.sh

# Splits every hunk into hunks/h<k>.old and .new (the file's text before
# and after the hunk) and writes one line per hunk to hunks/meta:
# k, patch index, path, hunk number in its file, old start, old count,
# leading and trailing context lines.
split_hunks() {
  local dir=$1 i
  mkdir -p "$dir"
  : > "$dir/meta"
  for i in "${!patches[@]}"; do
    awk -v dir="$dir" -v pidx="$i" -v k0="$(wc -l < "$dir/meta")" '
      function close_hunk() {
        if (!inhunk) return
        close(dir "/h" k ".old"); close(dir "/h" k ".new")
        printf "%d\t%d\t%s\t%d\t%d\t%d\t%d\t%d\n", k, pidx, path, hno, ostart, ocount, lead, trail
        inhunk = 0
      }
      BEGIN { k = k0 }
      inhunk && (orem > 0 || nrem > 0) {
        c = substr($0, 1, 1); text = substr($0, 2)
        if (c == " " || $0 == "") {
          print text > (dir "/h" k ".old"); print text > (dir "/h" k ".new")
          orem--; nrem--
          if (changed) trail++; else lead++
        } else if (c == "-") { print text > (dir "/h" k ".old"); orem--; changed = 1; trail = 0 }
        else if (c == "+") { print text > (dir "/h" k ".new"); nrem--; changed = 1; trail = 0 }
        if (orem == 0 && nrem == 0) close_hunk()
        next
      }
      /^\+\+\+ / {
        p = substr($0, 5); sub(/\t.*/, "", p)
        if (p == "/dev/null") { print "deleted files are not supported" > "/dev/stderr"; exit 1 }
        sub(/^[^\/]*\//, "", p); path = p; hno = 0; next
      }
      /^@@ -/ {
        h = $0; sub(/^@@ -/, "", h); split(h, a, " "); sub(/^\+/, "", a[2])
        no = split(a[1], o, ","); nn = split(a[2], n, ",")
        ostart = o[1]; ocount = (no > 1) ? o[2] : 1; orem = ocount; nrem = (nn > 1) ? n[2] : 1
        k++; hno++; inhunk = 1; lead = 0; trail = 0; changed = 0
        printf "" > (dir "/h" k ".old"); printf "" > (dir "/h" k ".new")
        next
      }' "${patches[$i]}" >> "$dir/meta"
  done
  [ -s "$dir/meta" ] || die "the series has no hunks"
}

# --- the repository -------------------------------------------------------
# Which states a patched file goes through, per release: clean (the hunk's
# old text, as the patch expects), fuzz1/fuzz2 (one or two outer context
# lines changed), applied (the patch carried), broken (lines inside the
# hunk rewritten). Each hunk's variants are made once.
make_variants() {
  local dir=$1 k _p _path _hno _os _oc lead trail
  while IFS=$'\t' read -r k _p _path _hno _os _oc lead trail; do
    cp "$dir/h$k.old" "$dir/h$k.clean"
    cp "$dir/h$k.new" "$dir/h$k.applied"
    for v in fuzz1 fuzz2 broken; do
      awk -v v="$v" -v lead="$lead" -v trail="$trail" '
        function touch(s) { return s == "" ? "\t/* updated by a later release */" : s " /* updated */" }
        { a[NR] = $0 }
        END {
          n = NR
          if (v == "fuzz1") { if (lead >= 1) m[1] = 1; else if (trail >= 1) m[n] = 1 }
          if (v == "fuzz2") {
            if (lead >= 2 && trail >= 2) { m[1] = 1; m[2] = 1 }
            else if (lead >= 1) m[1] = 1; else if (trail >= 1) m[n] = 1
          }
          if (v == "broken") { mid = int((n + 1) / 2); m[mid - 1] = 1; m[mid] = 1; m[mid + 1] = 1 }
          for (i = 1; i <= n; i++) print (i in m) ? touch(a[i]) : a[i]
        }' "$dir/h$k.old" > "$dir/h$k.$v"
    done
  done < "$dir/meta"
}

# render BASEFILE PAD_AT PAD SPEC: the base file with PAD lines inserted
# (PAD > 0) or deleted (PAD < 0) at line PAD_AT, and each region file of
# SPEC ("line<TAB>file" lines, in order) inserted before its base line.
render() {
  awk -v q="$2" -v pad="$3" -v spec="$4" '
    function padline(i,   b) {
      b = int(i / 6)
      if (i % 6 == 0) return "/* backported helper " b " */"
      if (i % 6 == 1) return "static inline int backport_helper_" b "(int x)"
      if (i % 6 == 2) return "{"
      if (i % 6 == 3) return "\treturn x + " b ";"
      if (i % 6 == 4) return "}"
      return ""
    }
    function emit_pad(   i) { for (i = 0; i < pad; i++) print padline(i) }
    function emit_regions(upto,   l) {
      while (next_r <= nr && rpos[next_r] <= upto) {
        while ((getline l < rfile[next_r]) > 0) print l
        close(rfile[next_r]); next_r++
      }
    }
    BEGIN {
      while ((getline l < spec) > 0) { split(l, f, "\t"); nr++; rpos[nr] = f[1]; rfile[nr] = f[2] }
      next_r = 1
    }
    {
      if (NR == q && pad > 0) emit_pad()
      emit_regions(NR)
      if (pad < 0 && NR >= q && NR < q - pad) next
      print
    }
    END { if (NR < q && pad > 0) emit_pad(); emit_regions(1e18) }' "$1"
}

# edit_file MODE R TAG: a small change at a line chosen by R (0..32767):
# a line added, removed or changed, as a fix in a release does.
edit_file() {
  awk -v mode="$1" -v r="$2" -v tag="$3" '
    { a[NR] = $0 }
    END {
      k = int(r * NR / 32768) + 1
      for (i = 1; i <= NR; i++) {
        if (i == k && mode == 0) { print a[i]; print "\t/* " tag ": fixed */"; continue }
        if (i == k && mode == 1 && NR > 1) continue
        if (i == k && mode == 2) { print a[i] " /* " tag " */"; continue }
        print a[i]
      }
    }'
}

rand() { R=$(( (RANDOM << 15 | RANDOM) % $1 )); } # in this shell: $RANDOM is seeded once

# import TARBALL TAG: one Debian tree as a commit (all of it, or in small
# mode a few files), tagged TAG.
import_tree() {
  local tarball=$1 tag=$2 x="$gen/extract-$2" top members=()
  top=$(tar -tJf "$tarball" | head -1) || true
  top=${top%%/*}
  [ -n "$top" ] || die "cannot list $tarball"
  mkdir -p "$x"
  if [ "$small" = 1 ]; then
    for m in Makefile fs/overlayfs fs/namei.c fs/dcache.c mm/filemap.c mm/shmem.c \
             drivers/base/core.c drivers/block/loop.c; do
      members+=("$top/$m")
    done
  fi
  tar -xJf "$tarball" -C "$x" "${members[@]}"
  # -f: Debian's top-level .gitignore ignores everything but debian/.
  (cd "$x/$top" && GIT_INDEX_FILE="$gen/index-$tag" git --git-dir="$repo" --work-tree=. add -f -A .)
  local tree commit
  tree=$(GIT_INDEX_FILE="$gen/index-$tag" git --git-dir="$repo" write-tree)
  commit=$(GIT_AUTHOR_DATE="@1700000000 +0000" GIT_COMMITTER_DATE="@1700000000 +0000" \
           git --git-dir="$repo" commit-tree "$tree" -m "Debian $(basename "$tarball")")
  git --git-dir="$repo" update-ref "refs/heads/$tag" "$commit"
  rm -rf "$x"
}

# generate_line BASE COUNT VERSION FIRST DIST MINOR: COUNT release commits
# on top of branch BASE, tagged kernel-VERSION-<n>.DIST, n from FIRST up.
generate_line() {
  local base=$1 count=$2 version=$3 build=$4 dist=$5 major=$6 idx="$gen/index-$1"
  local -A st=() pad=() padmin=() padat=() cur=()
  local k p path hno os oc lead trail i parent tree commit tag date
  git --git-dir="$repo" ls-tree -r "$base" -- fs drivers mm |
    awk -F'\t' '$1 ~ /^100644 blob / && $2 ~ /\.c$/ { print $2 }' > "$gen/pool-all"
  # Random edits never touch the files the series patches: those are rendered.
  cut -f3 "$gen/hunks/meta" | sort -u > "$gen/patched"
  grep -vxF -f "$gen/patched" "$gen/pool-all" > "$gen/pool" || true
  grep '^fs/overlayfs/' "$gen/pool" > "$gen/pool-ovl" || true
  local -a pool pool_ovl paths
  mapfile -t pool < "$gen/pool"
  mapfile -t pool_ovl < "$gen/pool-ovl"
  mapfile -t paths < "$gen/patched"
  [ ${#pool[@]} -gt 0 ] || die "no .c files under fs/ drivers/ mm/ in $base"

  # Where each hunk's region goes in the base file: so that, clean and
  # unpadded, it sits at the line its header states (exact).
  for path in "${paths[@]}"; do
    local bf="$gen/base-$base/$path"
    mkdir -p "$(dirname "$bf")"
    git --git-dir="$repo" cat-file blob "$base:$path" > "$bf" 2>/dev/null ||
      die "the series patches $path, which $base lacks"
    local lines before=0 prev=1 first=''
    lines=$(wc -l < "$bf")
    : > "$gen/pos-$base-${path//\//_}"
    while IFS=$'\t' read -r k p _ hno os oc lead trail; do
      local pos=$(( os - before ))
      [ "$pos" -ge "$prev" ] || pos=$prev
      [ "$pos" -le $(( lines + 1 )) ] || pos=$(( lines + 1 ))
      printf '%d\t%d\t%d\n' "$pos" "$k" "$p" >> "$gen/pos-$base-${path//\//_}"
      before=$(( before + oc )); prev=$pos
      [ -n "$first" ] || first=$pos
    done < <(awk -F'\t' -v p="$path" '$3 == p' "$gen/hunks/meta" | sort -t$'\t' -k5,5n)
    padat[$path]=$(( first / 2 > 0 ? first / 2 : 1 ))
    local room=$(( first - ${padat[$path]} - 1 ))
    padmin[$path]=$(( room < 40 ? -room : -40 ))
    pad[$path]=0
  done
  for k in $(cut -f2,3 "$gen/hunks/meta" | tr '\t' '|' | sort -u); do st[$k]=clean; done

  rm -f "$idx"
  GIT_INDEX_FILE="$idx" git --git-dir="$repo" read-tree "$base"
  parent=$(git --git-dir="$repo" rev-parse "$base")
  for (( i = 1; i <= count; i++ )); do
    tag="kernel-$version-$build.$dist"
    if [ "$i" -gt 1 ]; then
      # How a release moves the patched files on: see make_variants.
      for k in "${!st[@]}"; do
        rand 100
        case ${st[$k]} in
          clean)   if [ $R -lt 8 ]; then st[$k]=fuzz1; elif [ $R -lt 12 ]; then st[$k]=fuzz2
                   elif [ $R -lt 18 ]; then st[$k]=applied; elif [ $R -lt 24 ]; then st[$k]=broken; fi ;;
          fuzz1|fuzz2) if [ $R -lt 20 ]; then st[$k]=clean; elif [ $R -lt 25 ]; then st[$k]=applied
                   elif [ $R -lt 30 ]; then st[$k]=broken; fi ;;
          applied) if [ $R -lt 10 ]; then st[$k]=clean; fi ;;
          broken)  if [ $R -lt 30 ]; then st[$k]=clean; elif [ $R -lt 35 ]; then st[$k]=fuzz1; fi ;;
        esac
      done
      for path in "${paths[@]}"; do
        rand 100
        if [ $R -lt 30 ]; then
          rand 41
          pad[$path]=$(( ${pad[$path]} + R - 10 ))
          [ "${pad[$path]}" -ge "${padmin[$path]}" ] || pad[$path]=${padmin[$path]}
        elif [ $R -lt 38 ]; then
          pad[$path]=0
        fi
      done
    fi
    : > "$gen/entries"
    for path in "${paths[@]}"; do
      local spec="$gen/spec" unit_first=()
      : > "$spec"
      while IFS=$'\t' read -r pos k p; do
        local s=${st[$p|$path]} v
        case $s in
          clean|applied) v=$s ;;
          *) if [ -z "${unit_first[$p]:-}" ]; then v=$s; else v=clean; fi ;;
        esac
        unit_first[$p]=1
        printf '%d\t%s\n' "$pos" "$gen/hunks/h$k.$v" >> "$spec"
      done < "$gen/pos-$base-${path//\//_}"
      local sha
      sha=$(render "$gen/base-$base/$path" "${padat[$path]}" "${pad[$path]}" "$spec" |
            git --git-dir="$repo" hash-object -w --stdin)
      printf '100644 %s\t%s\n' "$sha" "$path" >> "$gen/entries"
    done
    sha=$(printf 'RHEL_MAJOR = %s\nRHEL_MINOR = %d\nRHEL_RELEASE = %d\n' "$major" \
          $(( i * 6 / count )) "$build" | git --git-dir="$repo" hash-object -w --stdin)
    printf '100644 %s\t%s\n' "$sha" Makefile.rhelver >> "$gen/entries"
    # Fixes elsewhere: a few files across fs/, drivers/, mm/, and often
    # another overlayfs file.
    local n e f
    if [ "$small" = 1 ]; then rand 3; n=$(( R + 1 )); else rand 16; n=$(( R + 5 )); fi
    for (( e = 0; e < n; e++ )); do
      if [ $e -eq 0 ] && [ ${#pool_ovl[@]} -gt 0 ]; then
        rand ${#pool_ovl[@]}; f=${pool_ovl[$R]}
      else
        rand ${#pool[@]}; f=${pool[$R]}
      fi
      local mode r
      rand 3; mode=$R; rand 32768; r=$R
      sha=$(git --git-dir="$repo" cat-file blob "${cur[$f]:-$base:$f}" | edit_file "$mode" "$r" "$tag" |
            git --git-dir="$repo" hash-object -w --stdin)
      cur[$f]=$sha
      printf '100644 %s\t%s\n' "$sha" "$f" >> "$gen/entries"
    done
    GIT_INDEX_FILE="$idx" git --git-dir="$repo" update-index --index-info < "$gen/entries"
    tree=$(GIT_INDEX_FILE="$idx" git --git-dir="$repo" write-tree)
    date="@$(( 1700000000 + (count * (major - 9) + i) * 86400 )) +0000"
    commit=$(GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
             git --git-dir="$repo" commit-tree "$tree" -p "$parent" -m "$tag")
    GIT_COMMITTER_DATE=$date git --git-dir="$repo" tag -a -m "$tag" "$tag" "$commit"
    echo "$tag" >> "$cache/tags"
    parent=$commit
    rand 9; build=$(( build + R + 1 ))
  done
}
