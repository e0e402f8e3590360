# Matrix reports for every z-stream, on real trees named as z-stream
# releases: runs of identical releases of one minor folded into one row
# (--group), --only failures, the summary of boundaries per lineage and
# patch before the table (text, Markdown, JSON), and sources shown short.
. "$(dirname "$0")/common.sh"

# v1's base text (exact), the same text moved down 3 lines (offset), and a
# super.c that lost what 0001 patches (0001 fails).
make_base_tree "$T/base"
make_moved_tree "$T/moved"
make_base_tree "$T/broken"
printf '/* not the text 0001 patches */\n' > "$T/broken/fs/overlayfs/super.c"

matrix() {
  run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
    --tree "4.18.0-305.el8=$T/base" --tree "4.18.0-305.3.1.el8_4=$T/base" \
    --tree "4.18.0-305.7.1.el8_4=$T/base" --tree "4.18.0-348.el8=$T/moved" \
    --tree "4.18.0-348.2.1.el8_5=$T/moved" --tree "4.18.0-348.7.1.el8_5=$T/broken" "$@"
}

# The default folds each minor's identical run: 3 rows for 6 releases.
matrix
expect_rc 1 "0001 fails on 4.18.0-348.7.1.el8_5"
table=$(sed -n '/^release /,/^$/p' "$T/out" | sed '1d;$d')
[ "$(printf '%s\n' "$table" | wc -l)" = 3 ] || fail "3 rows expected: $(cat "$T/out")"
printf '%s\n' "$table" | sed -n 1p |
  grep -Eq '^4\.18\.0-305\.\* — 3 releases +kernel\.spec\*? +v1 +exact +exact +4\.18\.0-305\.el8\.\.4\.18\.0-305\.7\.1\.el8_4: tree base$' ||
  fail "305 run: $table"
printf '%s\n' "$table" | sed -n 2p |
  grep -Eq '^4\.18\.0-348\.\* — 2 releases +kernel\.spec\*? +v1 +offset \+3 +offset \+3 +4\.18\.0-348\.el8\.\.4\.18\.0-348\.2\.1\.el8_5: tree moved$' ||
  fail "348 run: $table"
printf '%s\n' "$table" | sed -n 3p | grep -Eq '^4\.18\.0-348\.7\.1\.el8_5 +kernel\.spec\*? +v1 +FAILS ' ||
  fail "the failing release: $table"
expect_no_out "$T/"
# The summary, before the table: 0001 applies up to 348.2.1 and fails from
# 348.7.1; 0002 applies everywhere.
grep -Eq '^RHEL 8 +0001 +4\.18\.0-348\.2\.1\.el8_5 +4\.18\.0-348\.7\.1\.el8_5 +1 of 6$' "$T/out" ||
  fail "0001's summary: $(cat "$T/out")"
grep -Eq '^RHEL 8 +0002 +4\.18\.0-348\.7\.1\.el8_5 +- +0 of 6$' "$T/out" ||
  fail "0002's summary: $(cat "$T/out")"
[ "$(grep -n '^RHEL 8 ' "$T/out" | head -1 | cut -d: -f1)" -lt "$(grep -n '^release ' "$T/out" | cut -d: -f1)" ] ||
  fail "the summary is not before the table"

matrix --group none
[ "$(sed -n '/^release /,/^$/p' "$T/out" | sed '1d;$d' | wc -l)" = 6 ] || fail "--group none: $(cat "$T/out")"
matrix --group lineage
grep -Eq '^4\.18\.0-\* — 3 releases ' "$T/out" || fail "--group lineage: $(cat "$T/out")"
matrix --only failures
[ "$(sed -n '/^release /,/^$/p' "$T/out" | sed '1d;$d')" != "" ] || fail "no failing row"
[ "$(sed -n '/^release /,/^$/p' "$T/out" | sed '1d;$d' | cut -d' ' -f1)" = 4.18.0-348.7.1.el8_5 ] ||
  fail "--only failures: $(cat "$T/out")"
matrix --format md
expect_out "| 4.18.0-305.\\* — 3 releases (4.18.0-305.el8 … 4.18.0-305.7.1.el8\\_4) | kernel.spec\\*, v1 | ✅ exact | ✅ exact |"
expect_out "- RHEL 8 0001: applies up to 4.18.0-348.2.1.el8\\_5, fails from 4.18.0-348.7.1.el8\\_5; not covered: 1 of 6"

# JSON: every release, full sources, and the summary object.
matrix --format json
jq -e --arg t "tree $T/base" '(.releases | length) == 6 and .releases[0].source == $t
  and .summary["RHEL 8"]["0001-ovl-super.c-let-the-lower-layer-change.patch"].first_fails == "4.18.0-348.7.1.el8_5"
  and .summary["RHEL 8"]["0001-ovl-super.c-let-the-lower-layer-change.patch"].last_applies == "4.18.0-348.2.1.el8_5"' \
  "$T/out" > /dev/null || fail "JSON: $(jq -c .summary "$T/out")"

# Bad values are usage errors.
matrix --group major
expect_rc 2 "--group major"
matrix --only passes
expect_rc 2 "--only passes"
