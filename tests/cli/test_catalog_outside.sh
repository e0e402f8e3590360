# The release catalog is found wherever kseries runs: run from a directory
# outside the source tree, with no --catalog, real z-stream tags still take
# their minor's policy from the catalog kseries was built with (not the
# default "no catalog entry"); $KSERIES_CATALOG replaces it, and one that
# names nothing is warned about. Over a git repository of tags named like
# the real CentOS Stream / AlmaLinux ones, each holding Debian 6.12's
# fs/overlayfs and a Makefile.
. "$(dirname "$0")/common.sh"
: "${KSERIES_CORPUS_612:?}"
unset KSERIES_CATALOG

export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.org GIT_CONFIG_NOSYSTEM=1 HOME="$T"
repo="$T/repo"
git init -q "$repo"
# tag NVR: a commit of 6.12's overlayfs with NVR's Makefiles, tagged kernel-NVR
tag() {
  nvr=$1 version=${1%%-*} release=${1#*-}
  major=$(echo "$release" | sed 's/.*\.el\([0-9]*\).*/\1/')
  find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  mkdir -p "$repo/fs"
  cp -r "$KSERIES_CORPUS_612/fs/overlayfs" "$repo/fs/"
  printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
    "$(echo "$version" | cut -d. -f1)" "$(echo "$version" | cut -d. -f2)" \
    "$(echo "$version" | cut -d. -f3)" > "$repo/Makefile"
  printf 'RHEL_MAJOR = %s\nRHEL_MINOR = 0\nRHEL_RELEASE = %s\n' "$major" "${release%%.el*}" \
    > "$repo/Makefile.rhelver"
  git -C "$repo" add -A
  git -C "$repo" commit -qm "$nvr"
  git -C "$repo" tag "kernel-$nvr"
}
# release, its policy, whether verified, the catalog entry it takes it from
# (a z-stream the catalog does not list takes its minor's GA kernel), file
expected="4.18.0-553.16.1.el8_10 kernel-spec false 4.18.0-553.16.1.el8_10 rhel8
4.18.0-553.99.1.el8_10 kernel-spec false 4.18.0-553.el8_10 rhel8
5.14.0-162.6.1.el9_1 kernel-spec true 5.14.0-162.6.1.el9_1 rhel9
5.14.0-284.30.1.el9_2 git-apply true 5.14.0-284.30.1.el9_2 rhel9
5.14.0-284.99.1.el9_2 git-apply true 5.14.0-284.el9 rhel9
6.12.0-55.9.1.el10_0 git-apply true 6.12.0-55.9.1.el10_0 rhel10
3.10.0-1160.59.1.el7 kernel-spec true 3.10.0-1160.59.1.el7 rhel7"
echo "$expected" | while read -r nvr _; do tag "$nvr"; done

cd "$T"   # no kernels/ here, and not the source tree
[ ! -e kernels ] || fail "$T/kernels exists"

# check_rows: every row's policy and where it came from, as expected
check_rows() {
  jq -e '.releases | length == 7' "$T/out" > /dev/null || { cat "$T/out" >&2; fail "7 rows"; }
  echo "$expected" | while read -r nvr policy verified entry file; do
    jq -e --arg r "$nvr" --arg p "$policy" --argjson v "$verified" \
       --arg o "catalog: $entry ($KSERIES_ROOT/kernels/$file.toml:" \
       '.releases[] | select(.release == $r) |
        .policy == $p and .policy_verified == $v and (.policy_origin | startswith($o))' \
       "$T/out" > /dev/null ||
      { jq --arg r "$nvr" '.releases[] | select(.release == $r) | del(.cells)' "$T/out" >&2
        fail "$nvr: not $policy ($verified) from $entry in $file.toml"; }
  done
  ! grep -q "no catalog entry" "$T/out" || fail "a row fell back to the default policy"
}

run "$KSERIES" matrix --series "$KSERIES_ROOT/series/overlayfs-nfsroot" --git "$repo" \
  --refs 'kernel-*' --format json
[ "$rc" -le 1 ] || { cat "$T/err" >&2; fail "matrix exit $rc"; }
check_rows
[ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "a warning with the built-in catalog found"; }

# --verbose says which catalog was read, and how it was found.
run "$KSERIES" --verbose matrix --series "$KSERIES_ROOT/series/overlayfs-nfsroot" --git "$repo" \
  --refs 'kernel-*' --format json
expect_err "release catalog (built in): $KSERIES_ROOT/kernels"

# $KSERIES_CATALOG naming nothing that exists: said, and the built-in one
# is read instead.
KSERIES_CATALOG="$T/nowhere:$T/nothing.toml" run "$KSERIES" matrix \
  --series "$KSERIES_ROOT/series/overlayfs-nfsroot" --git "$repo" --refs 'kernel-*' --format json
check_rows
expect_err "warning: catalog $T/nowhere (from \$KSERIES_CATALOG) does not exist, not read"
expect_err "warning: catalog $T/nothing.toml (from \$KSERIES_CATALOG) does not exist, not read"

# $KSERIES_CATALOG naming a catalog: read instead of the built-in one.
mkdir "$T/site"
printf 'lineage = "site"\n[[release]]\nname = "4.18.0-553.16.1.el8_10"\nminor = "8.10"\npolicy = "gnu-patch"\n' \
  > "$T/site/site.toml"
KSERIES_CATALOG="$T/nowhere:$T/site" run "$KSERIES" --verbose matrix \
  --series "$KSERIES_ROOT/series/overlayfs-nfsroot" --git "$repo" --refs 'kernel-*' --format json
expect_err "release catalog (\$KSERIES_CATALOG): $T/site"
jq -e '.releases[] | select(.release == "4.18.0-553.16.1.el8_10") |
       .policy == "gnu-patch" and (.policy_origin | contains("site/site.toml"))' "$T/out" > /dev/null ||
  fail "the catalog \$KSERIES_CATALOG names is not the one read"
jq -e '.releases[] | select(.release == "6.12.0-55.9.1.el10_0") |
       .policy_origin | startswith("default: no catalog entry")' "$T/out" > /dev/null ||
  fail "\$KSERIES_CATALOG must replace the built-in catalog, not add to it"

# --catalog still wins over both.
KSERIES_CATALOG="$T/site" run "$KSERIES" matrix --catalog "$KSERIES_ROOT/kernels" \
  --series "$KSERIES_ROOT/series/overlayfs-nfsroot" --git "$repo" --refs 'kernel-*' --format json
check_rows
echo "ok"
