# The versioned series store (docs/formats/store.md) through the real CLI:
# --series series/NAME picks each release's version by the store's mapping,
# --series series/NAME/vN forces one; records turn "fails" into "not
# needed" only when the tree proves it, a release no version maps is a
# failure in every format, and check/apply pick the version by the tree's
# release.
. "$(dirname "$0")/common.sh"

STORE="$KSERIES_ROOT/series/overlayfs-nfsroot"
make_base_tree "$T/base"

# --- the real store: v1 before 4.18.0-240.el8, v2 from it on -----------------
run "$KSERIES" matrix --series "$STORE" --catalog "$KSERIES_ROOT/kernels" \
  --tree "4.18.0-147.5.1.el8_1=$T/base" --tree "3.10.0-1160.el7=$T/base" \
  --tree "$KSERIES_CORPUS_61" --tree "$KSERIES_CORPUS_612" --format json
expect_rc 0 "every release gets a version that applies"
jq -e '.mapped == true and (.patches | length) == 2 and .covered' "$T/out" > /dev/null ||
  fail "header: $(head -c 300 "$T/out")"
jq -e '[.releases[] | select(.release == "4.18.0-147.5.1.el8_1" or .release == "3.10.0-1160.el7")]
       | length == 2 and all(.version == "v1" and (.mapped_by | test("r < 4.18.0-240.el8 \\(.*index.toml:[0-9]+\\)"))
                             and (.cells | all(.outcome == "exact")))' "$T/out" > /dev/null ||
  fail "v1 rows: $(jq -c '.releases[] | {release, version, mapped_by}' "$T/out")"
jq -e '[.releases[] | select(.release | startswith("6."))] | length == 2
       and all(.version == "v2" and (.mapped_by | test("^4.18.0-240.el8 <= r "))
               and (.cells[0].outcome | test("exact|offset")) and .cells[0].accepted
               and .cells[1].outcome == "not-needed" and (.cells[1].note | startswith("v2 dropped it: superseded upstream"))
               and (.cells[1] | has("details") | not))' "$T/out" > /dev/null ||
  fail "v2 rows: $(jq -c '.releases[] | {release, version, cells: [.cells[] | {outcome, note}]}' "$T/out")"

# --- forcing v1 on 6.1: 0002's detect rule proves the fix is there --------
run "$KSERIES" matrix --series "$STORE/v1" --tree "$KSERIES_CORPUS_61" --format json
expect_rc 1 "0001 does not apply to 6.1"
jq -e '.mapped == false and .releases[0].version == "v1" and .releases[0].mapped_by == null
       and .releases[0].cells[0].outcome == "fails"
       and .releases[0].cells[1].outcome == "not-needed" and .releases[0].cells[1].accepted
       and (.releases[0].cells[1].note | test("already has the fix.*version.toml:[0-9]+.*superseded upstream"))
       and (.releases[0].cells[1].details.files | length) == 1' "$T/out" > /dev/null ||
  fail "forced v1 on 6.1: $(jq -c '.releases[0].cells[] | del(.details)' "$T/out")"
# ... and on the base tree the rule is never consulted: the patch applies.
run "$KSERIES" matrix --series "$STORE/v1" --tree "4.18.0-147.5.1.el8_1=$T/base" --format json
expect_rc 0 "v1 on its base"
jq -e '.releases[0].cells | all(.outcome == "exact" and .note == null)' "$T/out" > /dev/null ||
  fail "base row: $(jq -c '.releases[0].cells[] | del(.details)' "$T/out")"
run "$KSERIES" matrix --series "$STORE/v1" --tree "$KSERIES_CORPUS_612" --format junit -o "$T/v1.xml"
/usr/bin/python3 - "$T/v1.xml" <<'EOF' || fail "junitparser: skipped"
import sys
from junitparser import JUnitXml, Failure, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
cases = {c.name[:4]: c for s in xml for c in s}
assert isinstance(cases["0001"].result[0], Failure), cases["0001"].result
s = cases["0002"].result[0]
assert isinstance(s, Skipped) and s.message.startswith("not needed: the tree already has the fix"), s
assert xml.skipped == 1 and xml.failures == 1, (xml.skipped, xml.failures)
EOF

# --- a store of our own: v2 drops 0002, with a detect rule -----------------
S="$T/store"
mkdir -p "$S"
cp -r "$STORE/v1" "$S/v1"
mkdir "$S/v2"
cp "$V1"/0001-*.patch "$S/v2/"
echo "$(basename "$V1"/0001-*.patch)" > "$S/v2/series"
cat > "$S/v2/version.toml" <<'EOF'
version = "v2"
parent = "v1"
changelog = "0002 superseded upstream"

[[dropped]]
name = "0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch"
reason = "superseded upstream by ovl_must_copy_xattr()"
[[dropped.detect]]
file = "fs/overlayfs/copy_up.c"
contains = ["ovl_must_copy_xattr"]
EOF
cat > "$S/index.toml" <<'EOF'
[[map]]
version = "v1"
until = "4.18.0-240.el8"

[[map]]
version = "v2"
from = "4.18.0-240.el8"
EOF
# --- a release no version maps: a failure in every format ----------------------
printf '[[map]]\nversion = "v1"\nuntil = "4.18.0-240.el8"\n' > "$S/index.toml"
run "$KSERIES" matrix --series "$S" --tree "4.18.0-147.5.1.el8_1=$T/base" --tree "$KSERIES_CORPUS_61" --format json
expect_rc 1 "6.1 is mapped to no version"
jq -e '.releases[] | select(.release | startswith("6.1.")) | .version == null and .available == false
       and (.unavailable_reason | test("no version of .* maps release 6.1"))
       and (.cells | all(.outcome == "unmapped" and (.accepted | not)))' "$T/out" > /dev/null ||
  fail "unmapped row: $(jq -c '.releases[-1]' "$T/out")"
run "$KSERIES" matrix --series "$S" --tree "$KSERIES_CORPUS_61"
expect_rc 1 "unmapped"
expect_out "no version"
run "$KSERIES" matrix --series "$S" --tree "$KSERIES_CORPUS_61" --format junit -o "$T/unmapped.xml"
xmllint --noout "$T/unmapped.xml" || fail "JUnit not well-formed"
/usr/bin/python3 - "$T/unmapped.xml" <<'EOF' || fail "junitparser: unmapped"
import sys
from junitparser import JUnitXml, Failure
xml = JUnitXml.fromfile(sys.argv[1])
cases = [c for s in xml for c in s]
assert len(cases) == 2 and xml.failures == 2, (len(cases), xml.failures)
for c in cases:
    f = [r for r in c.result if isinstance(r, Failure)]
    assert f and f[0].type == "unmapped" and "no version" in f[0].message, c.result
EOF
run "$KSERIES" check --series "$S" --tree "$KSERIES_CORPUS_612"
expect_rc 2 "no version maps 6.12"
expect_err "no version of $S maps release 6.12."
expect_err "$S/index.toml"
cat > "$S/index.toml" <<'EOF'
[[map]]
version = "v1"
until = "4.18.0-240.el8"

[[map]]
version = "v2"
from = "4.18.0-240.el8"
EOF

# On 6.12 the record holds; on a base tree named as a v2-era release it does not.
run "$KSERIES" matrix --series "$S" --tree "$KSERIES_CORPUS_612" --tree "4.18.0-305.el8=$T/base" \
  --tree "4.18.0-147.5.1.el8_1=$T/base" --format json
expect_rc 1 "0001 fails on 6.12"
jq -e '[.releases[] | {v: .version, o: [.cells[].outcome]}] == [
         {v: "v1", o: ["exact", "exact"]},
         {v: "v2", o: ["exact", "fails"]},
         {v: "v2", o: ["fails", "not-needed"]}]' "$T/out" > /dev/null ||
  fail "own store: $(jq -c '[.releases[] | {release, version, o: [.cells[].outcome]}]' "$T/out")"
jq -e '.releases[1].cells[1].note | test("v2 dropped it .*superseded.*but its detect rule .* does not hold")' \
  "$T/out" > /dev/null || fail "the record's failure is not explained: $(jq -c '.releases[1].cells[1]' "$T/out")"
jq -e '.releases[2].cells[1] | .accepted and (.note | startswith("v2 dropped it: superseded")) and (has("details") | not)' \
  "$T/out" > /dev/null || fail "dropped cell: $(jq -c '.releases[2].cells[1]' "$T/out")"
# The HTML report shows the version column and the reason.
run "$KSERIES" matrix --series "$S" --tree "$KSERIES_CORPUS_612" --format html
grep -q '<th>version</th>' "$T/out" || fail "HTML: no version column"
grep -q 'v2 dropped it: superseded upstream' "$T/out" || fail "HTML: no reason"

# --- check and apply pick the version by the tree's release ---------------
run "$KSERIES" check --series "$S" --tree "$T/base" --release 4.18.0-147.5.1.el8_1
expect_rc 0 "check with v1"
expect_out "series  $S/v1"
run "$KSERIES" check --series "$S/" --tree "$KSERIES_CORPUS_612"
expect_rc 1 "v2's 0001 does not apply to 6.12"
expect_out "series  $S/v2"
run "$KSERIES" check --series "$STORE" --tree "$KSERIES_CORPUS_612"
expect_rc 0 "the real store's v2 applies to 6.12"
expect_out "series  $STORE/v2"
run "$KSERIES" check --series "$S" --tree "$T/base"
expect_rc 2 "a tree without Makefile"
expect_err "give --release RELEASE"
run "$KSERIES" check --series "$V1" --tree "$T/base" --release 4.18.0-147.5.1.el8_1
expect_rc 2 "--release without a store"
cp -r "$T/base" "$T/v2tree"
run "$KSERIES" apply --series "$S" --tree "$T/v2tree" --release 4.18.0-305.el8
expect_rc 0 "v2 (0001 only) applies to the base tree"
expect_out "applying $S/v2"
cmp -s "$T/base/fs/overlayfs/copy_up.c" "$T/v2tree/fs/overlayfs/copy_up.c" || fail "v2 touched copy_up.c"
! cmp -s "$T/base/fs/overlayfs/super.c" "$T/v2tree/fs/overlayfs/super.c" || fail "v2 left super.c"
cp -r "$T/base" "$T/v1tree"
run "$KSERIES" apply --series "$S" --tree "$T/v1tree" --release 4.18.0-147.5.1.el8_1
expect_rc 0 "v1 applies to the base tree"
expect_out "applying $S/v1"
grep -q 'if (error == -EOPNOTSUPP) {' "$T/v1tree/fs/overlayfs/copy_up.c" || fail "v1's 0002 not applied"

# --- bad stores: exit 2, file and line, nothing written --------------------
printf '[[map]]\nversion = "v1"\n\n[[map]]\nversion = "v3"\n' > "$S/index.toml"
run "$KSERIES" matrix --series "$S" --tree "$T/base"
expect_rc 2 "a rule naming a missing version"
expect_err "$S/index.toml:4"
expect_err "v3"
printf '[[map]]\nversion = "v1"\n' > "$S/index.toml"
printf 'version = "v2"\n[[dropped]]\nname = "0001-ovl-super.c-let-the-lower-layer-change.patch"\nreason = "x"\n' \
  > "$S/v2/version.toml"
run "$KSERIES" matrix --series "$S" --tree "$T/base"
expect_rc 2 "a dropped patch still in the series"
expect_err "$S/v2/version.toml:2"
expect_err "still in v2/series"

# --- the shipped v2 on Debian's real 6.12 overlayfs: the real patch -F0 and
# git apply take it at its stated lines.
V2="$STORE/v2"
cp -r "$KSERIES_CORPUS_612" "$T/612"
for p in $(grep -v '^#' "$V2/series" | cut -d' ' -f1); do
  out=$(cd "$T/612" && patch -p1 -F0 --dry-run < "$V2/$p") || fail "patch -F0 refuses v2's $p on 6.12: $out"
  ! echo "$out" | grep -Eq 'offset|fuzz' || fail "v2's $p needs offset or fuzz on 6.12: $out"
  (cd "$T/612" && git apply --check -p1 "$V2/$p") || fail "git apply refuses v2's $p on 6.12"
done
