# Rows a source gives that hold no kernel tree kseries can check do not take
# the matrix down: a git repository whose refs, as real kernel repositories'
# do, include an empty-tree tag, branches that are not kernel releases and
# an object that cannot be read. Each such row is "unavailable: <why>" in
# every format, and only rows that count decide the exit code
# (docs/commands/matrix.md).
. "$(dirname "$0")/common.sh"

export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.org GIT_CONFIG_NOSYSTEM=1 HOME="$T"
S="$KSERIES_ROOT/series/overlayfs-nfsroot"
repo="$T/repo"
git init -q -b master "$repo"
commit_dir() { # commit_dir DIR MESSAGE: make the repository's content DIR's
  find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  cp -r "$1"/. "$repo"/
  git -C "$repo" add -A
  git -C "$repo" commit -qm "$2"
}

# A real kernel tree: Debian 6.12's Makefile and fs/overlayfs.
commit_dir "$KSERIES_CORPUS_612" "6.12"
git -C "$repo" tag debian-6.12
# The same release by a tag naming it, and an RHEL tag whose tree is a
# kernel tree without fs/overlayfs: a real FAILS.
mkdir -p "$T/k80"
cp "$KSERIES_CORPUS_612/Makefile" "$T/k80/"
commit_dir "$T/k80" "kernel without overlayfs"
git -C "$repo" tag kernel-4.18.0-80.el8
# An empty tree under a release's tag (real kernel repositories have them).
empty=$(git -C "$repo" commit-tree "$(git -C "$repo" mktree < /dev/null)" -m empty)
git -C "$repo" tag kernel-4.18.0-147.el8 "$empty"
# master: not a kernel tree at all.
mkdir -p "$T/readme"
echo "kernel sources are in the tags" > "$T/readme/README"
commit_dir "$T/readme" "readme"
# A branch holding fs/overlayfs without a Makefile: no release can be told.
mkdir -p "$T/part"
cp -r "$KSERIES_CORPUS_612/fs" "$T/part/"
git -C "$repo" checkout -qb overlayfs-only
commit_dir "$T/part" "overlayfs only"
git -C "$repo" checkout -q master
# A release's tag whose super.c blob is gone from the object store.
git -C "$repo" checkout -qb broken debian-6.12
echo "/* a change */" >> "$repo/fs/overlayfs/super.c"
git -C "$repo" commit -qam "broken"
git -C "$repo" tag kernel-5.14.0-70.el9
blob=$(git -C "$repo" rev-parse kernel-5.14.0-70.el9:fs/overlayfs/super.c)
git -C "$repo" checkout -q master
git -C "$repo" branch -qD broken
rm -f "$repo/.git/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)"

matrix() {
  run "$KSERIES" matrix --series "$S" --catalog "$KSERIES_ROOT/kernels" --git "$repo" --refs '*' \
    --jobs 2 "$@"
}

matrix --format json
# 6.12 is covered by v2; the kernel tree of 4.18.0-80 has no overlayfs: a
# real failure; the four unusable rows do not count.
expect_rc 1 "real failures still fail"
jq -e . "$T/out" > /dev/null || fail "not valid JSON"
row() { jq -c --arg s "$1" '.releases[] | select(.source | endswith("@" + $s))' "$T/out"; }
[ "$(jq '.releases | length' "$T/out")" -eq 6 ] || fail "six refs: $(jq -c '[.releases[].source]' "$T/out")"
row kernel-4.18.0-80.el8 | jq -e '.available and .counted and .release_from == "git-ref"
    and (.cells | map(.outcome) == ["fails", "fails"])' > /dev/null ||
  fail "a kernel tree without the files fails: $(row kernel-4.18.0-80.el8)"
row debian-6.12 | jq -e '.available and .release_from == "makefile-version" and .version == "v2"' \
  > /dev/null || fail "6.12 from its Makefile: $(row debian-6.12)"
row kernel-4.18.0-147.el8 | jq -e '.available == false and .counted == false
    and .release == "4.18.0-147.el8"
    and .unavailable_reason == "not a kernel tree: no kernel Makefile and none of the series'"'"' files"
    and (.cells | all(.outcome == "unavailable"))' > /dev/null ||
  fail "empty tree: $(row kernel-4.18.0-147.el8)"
row master | jq -e '.available == false and .counted == false and .release == null
    and (.unavailable_reason | startswith("no release: its name gives none"))' > /dev/null ||
  fail "master: $(row master)"
row overlayfs-only | jq -e '.available == false and .counted == false and .release == null' \
  > /dev/null || fail "overlayfs-only: $(row overlayfs-only)"
row kernel-5.14.0-70.el9 | jq -e --arg b "$blob" '.available == false and .counted == false
    and (.unavailable_reason | contains($b))' > /dev/null ||
  fail "missing object: $(row kernel-5.14.0-70.el9)"

# The unusable rows do not turn a covered matrix red.
run "$KSERIES" matrix --series "$S" --catalog "$KSERIES_ROOT/kernels" --git "$repo" \
  --refs 'debian-*' --refs master --refs 'kernel-4.18.0-147*'
expect_rc 0 "v2 covers Debian's 6.12; the rest is unavailable"
expect_out "1 of 1 releases covered; 2 unavailable, not counted"
run "$KSERIES" matrix --series "$S" --catalog "$KSERIES_ROOT/kernels" --git "$repo" \
  --refs master --refs 'kernel-4.18.0-147*' --refs 'overlayfs-*'
expect_rc 1 "nothing could be checked"
expect_out "0 of 0 releases covered; 3 unavailable, not counted"
expect_out "@master: unavailable: no release: its name gives none and the tree has no kernel Makefile"

# Text: the row names its source; the summary says what was not counted.
matrix
expect_rc 1 "text"
expect_out "@kernel-4.18.0-147.el8: unavailable: not a kernel tree"
expect_out "of 2 releases covered; 4 unavailable, not counted"
expect_no_out "FAILS (record)"

# Markdown lists the unavailable rows with their reason.
matrix --format md
expect_out "unavailable: not a kernel tree: no kernel Makefile"
expect_out "; 4 unavailable, not counted.**"

# JUnit: unusable rows are skipped, with the reason; real failures fail.
matrix --format junit -o "$T/m.xml"
expect_rc 1 "junit"
xmllint --noout "$T/m.xml" || fail "not well-formed XML"
/usr/bin/python3 - "$T/m.xml" <<'EOF' || fail "junitparser disagrees"
import sys
from junitparser import JUnitXml, Failure, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
suites = {s.name: s for s in xml}
assert len(suites) == 6, list(suites)
def kinds(name):
    return [type(r).__name__ for c in suites[name] for r in c.result]
assert kinds("4.18.0-147.el8") == ["Skipped", "Skipped"], kinds("4.18.0-147.el8")
skip = [r for c in suites["4.18.0-147.el8"] for r in c.result][0]
assert skip.message.startswith("unavailable: not a kernel tree"), skip.message
master = [n for n in suites if n.endswith("@master")]
assert len(master) == 1 and kinds(master[0]) == ["Skipped", "Skipped"], list(suites)
assert kinds("4.18.0-80.el8") == ["Failure", "Failure"], kinds("4.18.0-80.el8")
# 4 unusable rows x 2 patches, and 0002 not needed on 6.12 (v2 dropped it)
assert xml.skipped == 9, xml.skipped
EOF

# HTML: the row says why, the summary what was counted.
matrix --format html
expect_out "unavailable: not a kernel tree"
expect_out "releases covered; 4 unavailable, not counted</p>"

# A release the catalog rows ask for counts whatever gave its row: the
# empty-tree tag cannot stand in for 4.18.0-147.el8.
run "$KSERIES" matrix --series "$S" --catalog "$KSERIES_ROOT/kernels" --git "$repo" \
  --refs 'kernel-4.18.0-147*' --releases '4.18.0-147.el8' --format json
expect_rc 1 "a catalog release without a usable source"
jq -e '.releases | length == 1 and (.[0] | .counted and .available == false)' "$T/out" > /dev/null ||
  fail "catalog row: $(jq -c .releases "$T/out")"

# A --tree named one by one that holds no kernel tree is not covered (exit
# 1), but the rest of the matrix still runs.
mkdir -p "$T/empty"
run "$KSERIES" matrix --series "$S" --catalog "$KSERIES_ROOT/kernels" \
  --tree "4.18.0-193.el8=$T/empty" --tree "$KSERIES_CORPUS_612" --tree "$T/part"
expect_rc 1 "trees given one by one count"
expect_out "tree empty: unavailable: not a kernel tree"
expect_out "tree part: unavailable: no release: its name gives none and the tree has no kernel Makefile; name it as RELEASE=DIR"
expect_out "1 of 3 releases covered"

# A hostile tree is no "unavailable" row: a tag whose fs/overlayfs is a
# symbolic link stops the run, whatever pattern found it.
git -C "$repo" checkout -qb hostile debian-6.12
git -C "$repo" rm -rqf fs/overlayfs
mkdir -p "$repo/fs" && ln -s /etc "$repo/fs/overlayfs"
git -C "$repo" add fs/overlayfs
git -C "$repo" commit -qm hostile
git -C "$repo" tag kernel-4.18.0-305.el8
git -C "$repo" checkout -q master
run "$KSERIES" matrix --series "$S" --git "$repo" --refs 'kernel-4.18.0-305*' --refs 'debian-*'
expect_rc 2 "a symbolic link on the way stops the run"
expect_err "symbolic link"
