#!/bin/sh
# The main job of `make demo`: the story of the seed series overlayfs-nfsroot
# on what this machine has, in five steps and a summary.
#   1. check: v1 (made for 4.18.0-147) on Debian's linux-source-6.1 and 6.12
#      fails, and the report says where and how;
#   2. matrix: the store (v1 for old RHEL 8, v2 for the ovl_revalidate_real()
#      era) over the rows this machine can judge: the two trees, a git
#      repository built here from them (one tag per kernel, read through
#      libgit2), and catalog releases only when `kseries fetch` has cached
#      their SRPMs (a release without a source would be a row nobody can
#      judge, not a failure of the series);
#   3. rebase: v1 carried onto 6.12 with its proposal accepted, and compared
#      with v2, which a maintainer made by hand;
#   4. kmod: the version 6.12 gets, built against the installed
#      linux-headers-6.12 from the whole linux-source-6.12 tree, as an RPM;
#   5. boot proof: verify --boot boots the installed 6.12 kernel in qemu
#      with the stock and the patched overlay.ko;
# then a summary, one line per step with its outcome, and where the reports
# are. A step this machine cannot run says why, and the demo goes on; the
# exit code is 1 only when a step that ran did not end as the story says.
# Everything is written under BUILD/demo (the store is a copy: verify --boot
# and rebase write into it), except the trees, extracted once where the
# tests extract them (BUILD/corpus, BUILD/kernel) and shared with them.
set -eu
build=$(cd "${1:-build/default}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
kseries="$build/tools/cli/kseries"
demo="$build/demo"
store="$demo/store"
set -- # from here on "$@" holds the matrix's sources (step 2)
matrix_ran=0
if [ ! -x "$kseries" ]; then
  echo "demo: $kseries is not built: cmake --build --preset default" >&2
  exit 2
fi

rm -rf "$demo"
mkdir -p "$demo"
cp -r "$root/series/overlayfs-nfsroot" "$store"
rm -rf "$store/proofs"
summary="$demo/summary.txt"
: > "$summary"
unexpected=0
t0=$(date +%s)

heading() {
  echo
  echo "=== $1 ==="
  step_t0=$(date +%s)
}
# record STEP OUTCOME: one summary line, with the step's time.
record() {
  printf '%-11s %s (%s s)\n' "$1" "$2" "$(($(date +%s) - step_t0))" >> "$summary"
}
# not_run STEP WHY: the step cannot run on this machine.
not_run() {
  echo "not run: $2"
  printf '%-11s not run: %s\n' "$1" "$2" >> "$summary"
}
# outcome STEP RC EXPECTED TEXT: record TEXT when the step ended as expected,
# else the exit code, and remember that the story did not hold.
outcome() {
  if [ "$2" -eq "$3" ]; then
    record "$1" "$4"
  else
    record "$1" "UNEXPECTED: exit $2 (expected $3); see its output above"
    unexpected=1
  fi
}

# The overlayfs extracts of both trees (the CLI tests' corpus).
trees=""
for v in 6.1 6.12; do
  if "$root/tests/differential/extract-corpus.sh" "/usr/src/linux-source-$v.tar.xz" \
    "$build/corpus/linux-$v"; then
    trees="$trees $v"
  fi
done

# --- 1. check ----------------------------------------------------------------------
heading "1. kseries check: overlayfs-nfsroot v1 on Debian's kernels"
echo "v1 was made for 4.18.0-147.5.1.el8_1; on these kernels ovl_dentry_revalidate()"
echo "became ovl_revalidate_real(), and upstream skips -EOPNOTSUPP for xattrs it need"
echo "not copy. check shows where each hunk lands, or why it cannot."
if [ -z "$trees" ]; then
  not_run check "no linux-source-6.1 or 6.12 in /usr/src (install Debian's linux-source-6.12)"
else
  failing=""
  for v in $trees; do
    echo
    echo "--- v1 on linux-source-$v ---"
    rc=0
    "$kseries" check --series "$store/v1" --tree "$build/corpus/linux-$v" || rc=$?
    if [ "$rc" -eq 1 ]; then
      failing="$failing $v"
    else
      unexpected=1
      failing="$failing $v(UNEXPECTED: exit $rc)"
    fi
  done
  record check "v1 does not apply to linux-source$failing, as expected"
fi

# --- 2. matrix ---------------------------------------------------------------------
heading "2. kseries matrix: the store over every release this machine can judge"
if [ -z "$trees" ]; then
  not_run matrix "no kernel tree to judge (install Debian's linux-source-6.12)"
else
  set --
  # The same trees from git: one tag each, read without a checkout.
  repo="$demo/kernels.git"
  git init -q --bare "$repo"
  for v in $trees; do
    git --git-dir="$repo" --work-tree="$build/corpus/linux-$v" add -A -- Makefile fs
    GIT_AUTHOR_NAME=kseries GIT_AUTHOR_EMAIL=demo@kseries GIT_COMMITTER_NAME=kseries \
      GIT_COMMITTER_EMAIL=demo@kseries \
      git --git-dir="$repo" --work-tree="$build/corpus/linux-$v" commit -q -m "linux $v"
    git --git-dir="$repo" tag "debian-$v"
    set -- "$@" --tree "$build/corpus/linux-$v"
  done
  set -- "$@" --git "$repo" --refs 'debian-*'
  # RHEL releases join as rows only with a source: an SRPM `kseries fetch`
  # has cached (and verified: its .sha256 is written after the check).
  cache=""
  if [ -n "${XDG_CACHE_HOME:-}" ]; then
    cache="$XDG_CACHE_HOME/kseries/srpms"
  elif [ -n "${HOME:-}" ]; then
    cache="$HOME/.cache/kseries/srpms"
  fi
  cached=""
  for sum in "$cache"/kernel-*.src.rpm.sha256; do
    [ -f "$sum" ] || continue
    r=$(basename "$sum" .src.rpm.sha256)
    r=${r#kernel-}
    set -- "$@" --releases "$r"
    cached="$cached $r"
  done
  if [ -n "$cached" ]; then
    echo "RHEL releases from the SRPM cache ($cache):$cached"
  else
    echo "No RHEL SRPM in the cache ($cache): the rows are Debian's trees and their tags."
    echo "'kseries fetch RELEASE' downloads one; the next demo shows it as a row."
  fi
  echo
  rc=0
  "$kseries" matrix --series "$store" --catalog "$root/kernels" --jobs 2 "$@" \
    > "$demo/matrix.txt" || rc=$?
  cat "$demo/matrix.txt"
  "$kseries" matrix --series "$store" --catalog "$root/kernels" --jobs 2 "$@" \
    --format html --output "$demo/matrix.html" 2> /dev/null || :
  matrix_ran=1
  covered=$(grep -o '[0-9]* of [0-9]* releases covered.*' "$demo/matrix.txt" | head -n 1) || :
  outcome matrix "$rc" 0 "${covered:-no coverage line} (the store's mapping picks each row's version)"
fi

# --- 3. rebase ---------------------------------------------------------------------
heading "3. kseries rebase: v1 carried onto Debian's 6.12 (into the store copy)"
echo "On 6.12, v1's 0001 cannot be placed as it is: its code moved into"
echo "ovl_revalidate_real(). rebase proposes where the change goes there, and"
echo "--accept takes the proposal; 0002 is dropped, its detect rule finds the fix."
echo
if ! echo "$trees" | grep -qw 6.12; then
  not_run rebase "no linux-source-6.12 in /usr/src (install Debian's linux-source-6.12)"
else
  rc=0
  "$kseries" rebase --series "$store" --from v1 --onto "$build/corpus/linux-6.12" \
    --workspace "$demo/rebase-workspace" --accept || rc=$?
  made=$(ls -d "$store"/v* | sed 's|.*/||' | sort -V | tail -n 1)
  p1=0001-ovl-super.c-let-the-lower-layer-change.patch
  same="differs from v2's"
  if [ "$rc" -eq 0 ] && [ "$made" != v2 ]; then
    sed -n '/^--- a\//,$p' "$store/v2/$p1" > "$demo/v2.diff"
    if sed -n '/^--- a\//,$p' "$store/$made/$p1" | cmp -s - "$demo/v2.diff"; then
      same="the change the maintainer made by hand in v2"
    fi
    echo
    echo "$made's 0001 is $same."
  fi
  outcome rebase "$rc" 0 "v1 carried onto 6.12 as $made: 0001 is $same"
fi

# --- 4. kmod -----------------------------------------------------------------------
heading "4. kseries kmod: the 6.12 version as a kmod RPM for the installed kernel"
hdr=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2> /dev/null | head -n 1) || :
src="$build/kernel/linux-6.12"
kver=""
if [ -f "$hdr/include/config/kernel.release" ]; then
  kver=$(cat "$hdr/include/config/kernel.release")
fi
have_src=0
if [ -f /usr/src/linux-source-6.12.tar.xz ]; then
  echo "The whole linux-source-6.12 tree: $src (extracted on the first run: one to two minutes)"
  "$root/tests/differential/extract-corpus.sh" /usr/src/linux-source-6.12.tar.xz "$src" all &&
    have_src=1
fi
rpm_file=""
if [ "$have_src" -eq 0 ]; then
  not_run kmod "no linux-source-6.12 in /usr/src (install Debian's linux-source-6.12)"
elif [ -z "$kver" ]; then
  not_run kmod "no linux-headers-6.12 in /usr/src (install linux-headers-6.12-amd64)"
else
  mkdir -p "$demo/rpms"
  rc=0
  "$kseries" kmod --series "$store" --tree "$src" --kernel-devel "$hdr" --out "$demo/rpms" ||
    rc=$?
  rpm_file=$(ls "$demo"/rpms/*.rpm 2> /dev/null | head -n 1) || :
  outcome kmod "$rc" 0 "$(basename "${rpm_file:-no RPM}") for $kver"
fi

# --- 5. boot proof -----------------------------------------------------------------
heading "5. kseries verify --boot: the installed 6.12 kernel in qemu, stock and patched"
echo "Each scenario of the store boots the stock kernel (it must show the bug)"
echo "and, for a patch the version carries, the kernel with the patched overlay.ko"
echo "(it must not): three boots under TCG (no KVM), one to two minutes on two cores."
echo
proof=""
if [ "$have_src" -eq 0 ]; then
  not_run proof "no linux-source-6.12 in /usr/src (install Debian's linux-source-6.12)"
elif [ -z "$kver" ]; then
  not_run proof "no linux-headers-6.12 in /usr/src (install linux-headers-6.12-amd64)"
elif [ ! -f "/boot/vmlinuz-$kver" ]; then
  not_run proof "no /boot/vmlinuz-$kver (install linux-image-6.12-amd64)"
elif ! command -v qemu-system-x86_64 > /dev/null; then
  not_run proof "no qemu-system-x86_64 (install qemu-system-x86)"
else
  rc=0
  "$kseries" verify --boot --series "$store" --tree "$src" --installed-kernel "$kver" \
    --accel tcg || rc=$?
  proof=$(ls -d "$store"/proofs/*/"$kver" 2> /dev/null | head -n 1) || :
  verdicts="no record"
  if [ -n "$proof" ]; then
    verdicts=$(jq -r '[.scenarios[] | "\(.scenario) \(.verdict)"] | join(", ")' \
      "$proof/proof.json") || verdicts="$proof/proof.json does not parse"
    # The matrix shows the proof beside the textual verdicts of 6.12.
    [ "$matrix_ran" -eq 0 ] || "$kseries" matrix --series "$store" --catalog "$root/kernels" --jobs 2 "$@" \
      --format html --output "$demo/matrix.html" 2> /dev/null || :
  fi
  outcome proof "$rc" 0 "v2 on $kver: $verdicts"
fi

# --- summary -----------------------------------------------------------------------
heading "Summary ($(($(date +%s) - t0)) s)"
cat "$summary"
echo
echo "Reports:"
[ ! -f "$demo/matrix.html" ] || echo "  matrix (HTML, with the boot proof column):  $demo/matrix.html"
[ -z "$rpm_file" ] || echo "  kmod RPM:                                    $rpm_file"
[ -z "$proof" ] || echo "  boot proof record (proof.json, serial logs): $proof"
echo "  the store copy (v1, v2, the rebased version, proofs/): $store"
echo
echo "Try: $kseries matrix --series $store --tree DIR --format md|json|junit"
exit "$unexpected"
