# kseries matrix reads kernel trees straight from a git repository's tags,
# without a checkout, and gets the same cells as from directory trees.
. "$(dirname "$0")/common.sh"

export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.org GIT_CONFIG_NOSYSTEM=1 HOME="$T"
repo="$T/repo"
git init -q "$repo"
commit_tree() { # commit_tree DIR TAG: make the repository's content DIR's, tag it
  find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  cp -r "$1"/. "$repo"/
  git -C "$repo" add -A
  git -C "$repo" commit -qm "$2"
  git -C "$repo" tag "$2"
}
make_base_tree "$T/base"
commit_tree "$T/base" kernel-4.18.0-147.5.1.el8_1
commit_tree "$KSERIES_CORPUS_61" debian-6.1
commit_tree "$KSERIES_CORPUS_612" debian-6.12
rm -rf "$T/base"   # the matrix must read the repository, not a checkout

run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
  --git "$repo" --refs 'kernel-*' --refs 'debian-*' --format json --jobs 2
expect_rc 1 "6.x is not covered"
jq -e '.releases | length == 3' "$T/out" > /dev/null || fail "three refs"
jq -e '.releases[0].release == "4.18.0-147.5.1.el8_1" and
       (.releases[0].source | endswith("@kernel-4.18.0-147.5.1.el8_1")) and
       (.releases[0].cells | all(.outcome == "exact"))' "$T/out" > /dev/null ||
  fail "v1 is exact on the base tag"
jq -e '(.releases[1].release | startswith("6.1.")) and (.releases[2].release | startswith("6.12."))' \
  "$T/out" > /dev/null || fail "releases read from the tagged Makefiles"

# The same cells as from the directory trees.
jq -c '[.releases[1:][] | .cells[] | {outcome, accepted}]' "$T/out" > "$T/from-git"
run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
  --tree "$KSERIES_CORPUS_61" --tree "$KSERIES_CORPUS_612" --format json
jq -c '[.releases[] | .cells[] | {outcome, accepted}]' "$T/out" > "$T/from-dirs"
cmp -s "$T/from-git" "$T/from-dirs" || fail "git and directory sources disagree"

run "$KSERIES" matrix --series "$V1" --git "$repo" --refs 'kernel-9*'
expect_rc 2 "no matching ref"
expect_err "no ref or commit matches 'kernel-9*' in $repo"
run "$KSERIES" matrix --series "$V1" --git "$T/not-a-repo" --refs x
expect_rc 2 "not a repository"
expect_err "cannot open git repository $T/not-a-repo"
run "$KSERIES" matrix --series "$V1" --git "$repo"
expect_rc 2 "--git without --refs"
expect_err "--git needs --refs"

# --tree takes the one target grammar: REPO@REF is a row of that commit,
# named by the ref; RELEASE=REPO@REF names it.
run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
  --tree "$repo@kernel-4.18.0-147.5.1.el8_1" --format json
expect_rc 0 "v1 applies to the base tag"
jq -e '.releases | length == 1' "$T/out" > /dev/null || fail "one row for REPO@REF"
jq -e --arg s "git $repo@kernel-4.18.0-147.5.1.el8_1" '.releases[0].release == "4.18.0-147.5.1.el8_1" and
       .releases[0].source == $s and (.releases[0].cells | all(.outcome == "exact"))' "$T/out" > /dev/null ||
  fail "--tree REPO@REF row wrong: $(jq -c '.releases[0] | del(.cells)' "$T/out")"
run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
  --tree "4.18.0-80.el8=$repo@debian-6.1" --format json
jq -e '.releases[0].release == "4.18.0-80.el8" and .releases[0].release_from == "given"' "$T/out" > /dev/null ||
  fail "RELEASE=REPO@REF not named as given: $(jq -c '.releases[0] | del(.cells)' "$T/out")"
run "$KSERIES" matrix --series "$V1" --tree "$repo@kernel-9*"
expect_rc 2 "--tree REPO@REF matching no ref"
expect_err "no ref or commit matches 'kernel-9*' in $repo"
