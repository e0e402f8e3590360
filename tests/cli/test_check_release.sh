# check, apply and rebase say which release they took a tree for, how they
# told it (given, a git tag's name, Makefile.rhelver, el7's Makefile, the
# Makefile's VERSION only) and, with a series store, which index.toml rule
# picked the version. The shipped store maps RHEL 7.0 on to v1 and RHEL 6's
# 2.6.32 to nothing.
. "$(dirname "$0")/common.sh"

export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.org GIT_CONFIG_NOSYSTEM=1 HOME="$T"
STORE="$KSERIES_ROOT/series/overlayfs-nfsroot"

# An el7 tree: the head of a real RHEL 7.9 top-level Makefile (el7 has no
# Makefile.rhelver), with v1's base text.
make_base_tree "$T/el7"
cat > "$T/el7/Makefile" <<'EOF'
VERSION = 3
PATCHLEVEL = 10
SUBLEVEL = 0
EXTRAVERSION =
NAME = Unicycling Gorilla
RHEL_MAJOR = 7
RHEL_MINOR = 9
RHEL_RELEASE = 1160.118.1

# *DOCUMENTATION*
EOF
# An 8.10 tree whose Makefile.rhelver lags the package (552 for the 553
# kernel), as real ones do.
make_base_tree "$T/el8"
printf 'VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = Merciless Moray\n' \
  > "$T/el8/Makefile"
cat > "$T/el8/Makefile.rhelver" <<'EOF'
RHEL_MAJOR = 8
RHEL_MINOR = 10

#
# RHEL_RELEASE
# -------------
#
RHEL_RELEASE = 552

RHEL_DRM_VERSION = 5
RHEL_DRM_PATCHLEVEL = 15

ifeq ($(RHDISTDATADIR),)
RHDISTDATADIR := ./redhat/rhdist
endif
EOF

# --- check: the decision on stderr (text) and in the JSON -------------------
run "$KSERIES" check --series "$STORE" --tree "$T/el7"
expect_rc 0 "v1 applies to its base text"
expect_err "kseries: release 3.10.0-1160.118.1.el7 (from the Makefile's RHEL_* numbers: a best guess, they can lag the package); $STORE: v1 (index.toml rule 1: from 3.10.0-123.el7 until 4.18.0-240.el8)"
expect_out "series  $STORE/v1"
run "$KSERIES" check --series "$STORE" --tree "$T/el7" --format json
jq -e '.release == {name: "3.10.0-1160.118.1.el7", from: "makefile-rhel", guess: true,
        version: "v1", picked: "v1 (index.toml rule 1: from 3.10.0-123.el7 until 4.18.0-240.el8)"}' \
  "$T/out" > /dev/null || fail "check JSON release: $(jq -c .release "$T/out")"
[ ! -s "$T/err" ] || fail "JSON check writes to stderr: $(cat "$T/err")"

run "$KSERIES" check --series "$STORE" --tree "$T/el8"
expect_err "kseries: release 4.18.0-552.el8 (from Makefile.rhelver's RHEL_* numbers: a best guess, they can lag the package); $STORE: v2 (index.toml rule 2: from 4.18.0-240.el8)"
# The same tree saying 553: the catalog knows that build as 553.el8_10 (the
# GA of 8.10 carries the minor), which the numbers alone cannot tell.
cp -r "$T/el8" "$T/el8-553"
sed -i 's/^RHEL_RELEASE = 552$/RHEL_RELEASE = 553/' "$T/el8-553/Makefile.rhelver"
run "$KSERIES" check --series "$STORE" --tree "$T/el8-553"
expect_err "kseries: release 4.18.0-553.el8_10 (from the tree's RHEL_* numbers, named as the catalog's release of that build); $STORE: v2"
run "$KSERIES" check --series "$STORE" --tree "$T/el8-553" --format json
jq -e '.release | .name == "4.18.0-553.el8_10" and .from == "makefile-catalog" and (.guess | not)' \
  "$T/out" > /dev/null || fail "catalog-named release: $(jq -c .release "$T/out")"
run "$KSERIES" check --series "$STORE" --tree "$T/el8" --release 4.18.0-553.el8_10 --format json
jq -e '.release | .name == "4.18.0-553.el8_10" and .from == "given" and (.guess | not)
       and .version == "v2"' "$T/out" > /dev/null ||
  fail "given release: $(jq -c .release "$T/out")"
run "$KSERIES" check --series "$STORE/v1" --tree "$T/el7" --format json
jq -e '.release == null' "$T/out" > /dev/null || fail "a forced version decides no release"

run "$KSERIES" check --series "$STORE" --tree "$KSERIES_CORPUS_612"
expect_err "kseries: release 6.12."
expect_err "(from the Makefile's VERSION only: no RHEL release numbers in the tree); $STORE: v2"

# --- where the store starts: RHEL 7.0 on is v1, RHEL 6 is no version --------
run "$KSERIES" check --series "$STORE" --tree "$T/el7" --release 3.10.0-1160.el7
expect_rc 0 "3.10.0-1160.el7 gets v1"
expect_err "$STORE: v1 (index.toml rule 1"
run "$KSERIES" check --series "$STORE" --tree "$T/el7" --release 2.6.32-754.el6
expect_rc 2 "RHEL 6 is mapped to no version"
expect_err "no version of $STORE maps release 2.6.32-754.el6 (given on the command line; $STORE/index.toml)"
run "$KSERIES" matrix --series "$STORE" --tree "2.6.32-754.el6=$T/el7" --tree "3.10.0-1160.el7=$T/el7" \
  --format json
expect_rc 1 "an unmapped row is not covered"
jq -e '[.releases[] | {release, version, o: [.cells[].outcome]}] == [
         {release: "2.6.32-754.el6", version: null, o: ["unmapped", "unmapped"]},
         {release: "3.10.0-1160.el7", version: "v1", o: ["exact", "exact"]}]' "$T/out" > /dev/null ||
  fail "matrix mapping: $(jq -c '[.releases[] | {release, version, o: [.cells[].outcome]}]' "$T/out")"

# --- apply: the decision in its header ---------------------------------------
cp -r "$T/el7" "$T/el7-apply"
run "$KSERIES" apply --series "$STORE" --tree "$T/el7-apply" --dry-run
expect_rc 0 "apply v1"
expect_out "release 3.10.0-1160.118.1.el7 (from the Makefile's RHEL_* numbers: a best guess, they can lag the package); $STORE: v1 (index.toml rule 1: from 3.10.0-123.el7 until 4.18.0-240.el8)"

# --- rebase: the target's release in the report, and how it was told --------
S="$T/store"
mkdir "$S"
cp -r "$STORE/v1" "$S/v1"
printf '[[map]]\nversion = "v1"\n' > "$S/index.toml"
# v1 applies exactly to its own base: --as writes the copy that records it.
run "$KSERIES" rebase --series "$S" --from v1 --onto "$T/el7" --workspace "$T/ws" --as v2
expect_rc 0 "v1 carried onto its own base"
expect_out "target release 3.10.0-1160.118.1.el7 (from the Makefile's RHEL_* numbers: a best guess"
grep -q '^base = "3.10.0-1160.118.1.el7"' "$S/v2/version.toml" || fail "v2's base: $(cat "$S/v2/version.toml")"
repo="$T/repo"
git init -q "$repo"
cp -r "$T/el8"/. "$repo"/
git -C "$repo" add -A
git -C "$repo" commit -qm el8
git -C "$repo" tag kernel-4.18.0-553.el8_10
run "$KSERIES" rebase --series "$S" --from v1 --onto "$repo@kernel-4.18.0-553.el8_10" \
  --workspace "$T/ws" --format json --as v3
expect_rc 0 "v1 carried onto the tag"
jq -e '.onto_release == {name: "4.18.0-553.el8_10", from: "git-ref", guess: false}' "$T/out" \
  > /dev/null || fail "rebase JSON: $(jq -c .onto_release "$T/out")"
grep -q '^base = "4.18.0-553.el8_10"' "$S/v3/version.toml" || fail "the tag's name wins over Makefile.rhelver's 552"
