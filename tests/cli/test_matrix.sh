# kseries matrix over real trees (Debian's 6.1 and 6.12, and a tree holding
# v1's base text), catalog releases without a source, every output format,
# and the exit codes.
. "$(dirname "$0")/common.sh"

make_base_tree "$T/base"
catalog="$KSERIES_ROOT/kernels"
matrix() {
  run "$KSERIES" matrix --series "$V1" --catalog "$catalog" \
    --tree "$KSERIES_CORPUS_612" --tree "4.18.0-147.5.1.el8_1=$T/base" --tree "$KSERIES_CORPUS_61" \
    --jobs 2 "$@"
}

matrix --format json
expect_rc 1 "6.1 and 6.12 are not covered"
jq -e . "$T/out" > /dev/null || fail "not valid JSON"
# Rows in rpm version order (6.1.x before 6.12.x, though given after it).
jq -e '.releases[0].release == "4.18.0-147.5.1.el8_1"
       and (.releases[1].release | startswith("6.1."))
       and (.releases[2].release | startswith("6.12."))' "$T/out" > /dev/null ||
  fail "rows out of order: $(jq -r '[.releases[].release] | join(" ")' "$T/out")"
jq -e '.releases[0].cells | all(.outcome == "exact" and .accepted)' "$T/out" > /dev/null ||
  fail "v1 should be exact on its base"
jq -e '.releases[0].policy == "kernel-spec" and .releases[0].policy_verified' "$T/out" > /dev/null ||
  fail "the 8.1 update follows kernel.spec, from the catalog"
# 0001 fails there; 0002 is not needed: v1's record says the trees have the
# fix upstream, and its detect rule finds it (docs/formats/store.md).
jq -e '.releases[1:] | all(.cells[0].outcome == "fails" and .cells[1].outcome == "not-needed")' \
  "$T/out" > /dev/null ||
  fail "v1 on Debian's trees: $(jq -c '[.releases[1:][] | [.cells[].outcome]]' "$T/out")"
jq -e '.releases[1].cells[0].details.files[0].hunks[0].closest.total == 16' "$T/out" > /dev/null ||
  fail "per-hunk details missing"

matrix --format md
expect_rc 1 "markdown"
expect_out "| 4.18.0-147.5.1.el8\\_1 | kernel.spec, v1 | ✅ exact | ✅ exact |"
expect_out "**1 of 3 releases covered.**"

# 71 catalog releases without a source: by default each minor's run is one
# row naming its first and last release; --group none shows every one.
matrix --releases '5.14.0-*'
expect_rc 1 "text"
expect_out "5.14.0-284.* — 5 releases   git apply     v1       n/a    n/a         5.14.0-284.el9..5.14.0-284.30.1.el9_2: no source given for this release"
expect_out "1 of 74 releases covered"
expect_out "RHEL 9   0001   -                     -           71 of 71 (71 without source)"
[ "$(sed -n '/^release /,/^$/p' "$T/out" | sed '1d;$d' | wc -l)" = 10 ] || fail "grouped rows: $(cat "$T/out")"
matrix --releases '5.14.0-*' --group none
expect_rc 1 "text, one row per release"
expect_out "5.14.0-284.el9         git apply     v1       n/a"
expect_out "no source given for this release"
[ "$(sed -n '/^release /,/^$/p' "$T/out" | sed '1d;$d' | wc -l)" = 74 ] || fail "rows: $(cat "$T/out")"

# Only the base tree: covered, exit 0.
run "$KSERIES" matrix --series "$V1" --catalog "$catalog" --tree "4.18.0-147.5.1.el8_1=$T/base"
expect_rc 0 "covered"
expect_out "1 of 1 releases covered"

# Bad input: a broken catalog names its file and line; a bad release name.
printf '[[release]]\nname = "4.18.0-80.el8"\nflavour = 1\n' > "$T/bad.toml"
run "$KSERIES" matrix --series "$V1" --catalog "$T/bad.toml" --tree "$T/base"
expect_rc 2 "bad catalog"
expect_err "$T/bad.toml:3: unknown key 'flavour'"
run "$KSERIES" matrix --series "$V1" --tree "banana=$T/base"
expect_rc 2 "bad release name"
expect_err "'banana' is not a kernel release"
# A tree without a Makefile needs a name: its row says so, and it is not
# covered (docs/commands/matrix.md).
run "$KSERIES" matrix --series "$V1" --catalog "$catalog" --tree "$T/base"
expect_rc 1 "a tree without a Makefile needs a name"
# The text shows the tree by its last component; JSON keeps the path.
expect_out "tree base: unavailable: no release: its name gives none and the tree has no kernel Makefile; name it as RELEASE=DIR"
expect_out "0 of 1 releases covered"
expect_no_out "$T/base"
run "$KSERIES" matrix --series "$V1" --catalog "$catalog" --tree "$T/base" --format json
jq -e --arg s "tree $T/base" '.releases[0].source == $s' "$T/out" > /dev/null ||
  fail "JSON source: $(jq -c '.releases[0].source' "$T/out")"
run "$KSERIES" matrix --series "$V1" --catalog "$catalog"
expect_rc 2 "no releases"
