# Colour only when asked or on a terminal; JSON is plain and complete.
. "$(dirname "$0")/common.sh"

esc=$(printf '\033')
run "$KSERIES" check --series "$V1" --tree "$KSERIES_CORPUS_61"
! grep -q "$esc" "$T/out" || fail "colour escapes in piped output"

unset NO_COLOR
run "$KSERIES" --color always check --series "$V1" --tree "$KSERIES_CORPUS_61"
grep -q "$esc\[" "$T/out" || fail "--color always gave no colour"

NO_COLOR=1 run "$KSERIES" check --series "$V1" --tree "$KSERIES_CORPUS_61" --format json
expect_rc 1 "json"
! grep -q "$esc" "$T/out" || fail "colour escapes in JSON"
expect_out '"kseries": "check"'
expect_out '"format_version": 1'
expect_out '"kernel-spec": "fails"'
[ "$(tail -c 2 "$T/out")" = "}" ] || fail "JSON does not end with a closing brace"
