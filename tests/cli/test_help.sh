# kseries as a tool people live with: --version, help like git's, a mistyped
# command or option answered with exit 2, the version in every JSON report,
# and the output conventions (colour by NO_COLOR and --color, progress only
# on a terminal) decided in one place for every command.
. "$(dirname "$0")/common.sh"

version=$(sed -n 's/^  VERSION \([0-9][0-9.]*\)$/\1/p' "$KSERIES_ROOT/CMakeLists.txt")
[ -n "$version" ] || fail "no project(VERSION) in CMakeLists.txt"

run "$KSERIES" --version
expect_rc 0 "--version"
[ "$(cat "$T/out")" = "kseries $version" ] || fail "--version printed: $(cat "$T/out")"

# help: every command, one line each, on stdout.
run "$KSERIES" help
expect_rc 0 "help"
for c in check apply matrix fetch rebase refresh verify srpm kmod build publish help; do
  grep -qE "^   $c +[A-Z]" "$T/out" || fail "help does not list $c"
done
[ ! -s "$T/err" ] || fail "help wrote to stderr"

# help COMMAND: that command's --help.
run "$KSERIES" help check
expect_rc 0 "help check"
"$KSERIES" check --help > "$T/check-help"
cmp -s "$T/out" "$T/check-help" || fail "help check differs from check --help"
expect_out "--series"

run "$KSERIES" help chek
expect_rc 2 "help of an unknown command"
expect_err "'chek' is not a kseries command. Did you mean 'check'?"

# kseries alone: the command list as usage, on stderr, exit 2.
run "$KSERIES"
expect_rc 2 "no command"
[ ! -s "$T/out" ] || fail "kseries alone wrote to stdout"
expect_err "usage: kseries"
expect_err "   rebase "

# A typo: the closest command, exit 2, nothing on stdout.
run "$KSERIES" chek --series "$V1" --tree "$KSERIES_CORPUS_61"
expect_rc 2 "chek"
[ "$(cat "$T/err")" = "kseries: 'chek' is not a kseries command. Did you mean 'check'?" ] ||
  fail "chek: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "chek wrote to stdout"
run "$KSERIES" frobnicate
expect_rc 2 "frobnicate"
expect_err "'frobnicate' is not a kseries command. See 'kseries help'."

# A mistyped option, global or a command's: exit 2, the message names it.
run "$KSERIES" --colr always check --series "$V1" --tree "$KSERIES_CORPUS_61"
expect_rc 2 "--colr"
expect_err "--colr"
run "$KSERIES" --colr
expect_rc 2 "--colr alone"
expect_err "'--colr' is not a kseries option. Did you mean '--color'?"
run "$KSERIES" check --seires "$V1" --tree "$KSERIES_CORPUS_61"
expect_rc 2 "check --seires"
expect_err "--seires"
# Even where CLI11 would first complain that --tree is missing.
run "$KSERIES" check --seires "$V1"
expect_rc 2 "check --seires without --tree"
expect_err "kseries: '--seires' is not a kseries check option. Did you mean '--series'?"

# Every JSON report says which kseries wrote it.
run "$KSERIES" check --series "$V1" --tree "$KSERIES_CORPUS_61" --format json
expect_rc 1 "check json"
jq -e --arg v "$version" '.kseries_version == $v' "$T/out" > /dev/null ||
  fail "check JSON lacks kseries_version $version"
run "$KSERIES" matrix --series "$V1" --tree "$KSERIES_CORPUS_61" --format json
expect_rc 1 "matrix json"
jq -e --arg v "$version" '.kseries_version == $v' "$T/out" > /dev/null ||
  fail "matrix JSON lacks kseries_version $version"

# Colour: on a terminal unless NO_COLOR or --color never; in a pipe only
# with --color always. `script` gives the command a terminal.
esc=$(printf '\033')
check="'$KSERIES' check --series '$V1' --tree '$KSERIES_CORPUS_61'"
unset NO_COLOR
export TERM=xterm
script -qec "$check" "$T/tty" > /dev/null || true
grep -q "$esc\[" "$T/tty" || fail "no colour on a terminal"
NO_COLOR=1 script -qec "$check" "$T/tty" > /dev/null || true
! grep -q "$esc" "$T/tty" || fail "colour on a terminal with NO_COLOR"
script -qec "$check --color never" "$T/tty" > /dev/null || true
! grep -q "$esc" "$T/tty" || fail "colour on a terminal with --color never"
run "$KSERIES" --color always check --series "$V1" --tree "$KSERIES_CORPUS_61"
grep -q "$esc\[" "$T/out" || fail "--color always gave no colour in a pipe"
run "$KSERIES" check --series "$V1" --tree "$KSERIES_CORPUS_61"
! grep -q "$esc" "$T/out" "$T/err" || fail "colour in a pipe"

# Progress: on stderr when it is a terminal, never when it is not.
matrix="'$KSERIES' matrix --series '$V1' --tree '$KSERIES_CORPUS_61' -o '$T/report.txt'"
script -qec "$matrix" "$T/tty" > /dev/null || true
grep -q "checked 1/1 releases" "$T/tty" || fail "no progress on a terminal"
rm -f "$T/report.txt"
script -qec "$matrix 2> '$T/progress'" "$T/tty" > /dev/null || true
[ -s "$T/report.txt" ] || fail "matrix wrote no report"
! grep -q "checked 1/1\|$(printf '\r')" "$T/progress" || fail "progress on a stderr that is no terminal"
script -qec "$matrix --quiet" "$T/tty" > /dev/null || true
! grep -q "checked 1/1" "$T/tty" || fail "progress with --quiet"
