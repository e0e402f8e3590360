# A fresh machine's install: `cmake --install --strip` of this build into a
# temporary prefix, then the installed kseries run from another directory
# (no $KSERIES_CATALOG, the series copied out of the source tree) reads the
# catalog installed beside it, also once the prefix is moved elsewhere; the
# binary is stripped and under 10 MB; every installed man page renders with
# man(1) without a warning and names its command's options; the bash and zsh
# completions load and complete.
. "$(dirname "$0")/common.sh"
: "${KSERIES_CORPUS_612:?}"
unset KSERIES_CATALOG

# The build directory this kseries belongs to.
build=$(dirname "$KSERIES")
while [ ! -f "$build/CMakeCache.txt" ]; do
  [ "$build" != / ] || fail "no CMakeCache.txt above $KSERIES"
  build=$(dirname "$build")
done

run cmake --install "$build" --prefix "$T/prefix" --strip
expect_rc 0 "cmake --install"
prefix="$T/prefix"
bin="$prefix/bin/kseries"
for f in bin/kseries share/kseries/kernels/rhel8.toml share/kseries/kernels/rhel9.toml \
         share/man/man1/kseries.1 share/man/man1/kseries-check.1 \
         share/bash-completion/completions/kseries share/zsh/site-functions/_kseries; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
for doc in "$KSERIES_ROOT"/docs/commands/*.md; do
  cmd=$(basename "$doc" .md)
  [ -f "$prefix/share/man/man1/kseries-$cmd.1" ] || fail "no man page for $cmd"
done

# Stripped (no debug sections left) and small.
! readelf -S "$bin" | grep -q '\.debug_' || fail "the installed binary keeps debug info"
# The size goal is the release build's: the asan preset's binary carries
# the sanitizers' instrumentation (libasan is among its NEEDED libraries).
size=$(stat -c %s "$bin")
echo "installed binary: $size bytes"
if ! readelf -d "$bin" | grep -q 'libasan'; then
  [ "$size" -lt 10485760 ] || fail "the installed binary is $size bytes, not under 10 MB"
fi

# A tree kseries takes for RHEL 8.10's 553 build (Makefile.rhelver), and the
# series store copied out of the source tree.
tree="$T/tree"
mkdir -p "$tree/fs"
cp -r "$KSERIES_CORPUS_612/fs/overlayfs" "$tree/fs/"
printf 'VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n' > "$tree/Makefile"
printf 'RHEL_MAJOR = 8\nRHEL_MINOR = 10\nRHEL_RELEASE = 553\n' > "$tree/Makefile.rhelver"
cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot" "$T/series"

cd /
# check names the tree's release as the catalog's 4.18.0-553.el8_10: only a
# catalog that was found can tell (without one it is a best guess).
run "$bin" check --series "$T/series" --tree "$tree"
[ "$rc" -le 1 ] || { cat "$T/err" >&2; fail "installed check: exit $rc"; }
expect_err "release 4.18.0-553.el8_10 (from the tree's RHEL_* numbers, named as the catalog's release of that build)"
expect_out "0001-"
# ... and the catalog read is the one under the prefix, not the source tree's.
run "$bin" --verbose matrix --series "$T/series" --tree "$tree" --format json
[ "$rc" -le 1 ] || { cat "$T/err" >&2; fail "installed matrix: exit $rc"; }
expect_err "release catalog (built in): $prefix/share/kseries/kernels"

# A moved prefix (an unpacked package, a copied install) reads its own.
mv "$prefix" "$T/moved"
run "$T/moved/bin/kseries" --verbose matrix --series "$T/series" --tree "$tree" --format json
[ "$rc" -le 1 ] || { cat "$T/err" >&2; fail "moved matrix: exit $rc"; }
expect_err "release catalog (built in): $T/moved/share/kseries/kernels"
prefix="$T/moved"
cd "$T"

# Every man page renders without a warning (the real man(1): tbl, groff),
# and each command's page names every option of its doc's option tables.
for page in "$prefix"/share/man/man1/*.1; do
  MANWIDTH=80 man -l --warnings "$page" > "$T/page.txt" 2> "$T/warn.txt" ||
    fail "man -l $page failed"
  [ ! -s "$T/warn.txt" ] || { cat "$T/warn.txt" >&2; fail "warnings rendering $page"; }
  name=$(basename "$page" .1)
  grep -q "^NAME" "$T/page.txt" || fail "$name: no NAME section"
  cmd=${name#kseries-}
  [ "$cmd" != kseries ] || continue
  opts=$(sed -n '/^| *option *|/,/^$/p' "$KSERIES_ROOT/docs/commands/$cmd.md" |
         grep -o '`-[^`]*`' | grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*' | sort -u)
  [ -n "$opts" ] || [ "$cmd" = apply ] || fail "$cmd: no options read from its doc"
  for opt in $opts; do
    grep -qF -- "$opt" "$T/page.txt" || fail "$name does not name $opt"
  done
done
# kseries(1) lists every command.
MANWIDTH=80 man -l "$prefix/share/man/man1/kseries.1" > "$T/page.txt"
for doc in "$KSERIES_ROOT"/docs/commands/*.md; do
  grep -q "kseries-$(basename "$doc" .md)(1)" "$T/page.txt" ||
    fail "kseries(1) does not list $(basename "$doc" .md)"
done

# bash: the completion loads, completes commands and each command's options.
comp="$prefix/share/bash-completion/completions/kseries"
run bash -c ". '$comp'; complete -p kseries"
expect_rc 0 "bash completion"
expect_out "complete -o bashdefault -o default -F _kseries kseries"
complete_bash() { # WORDS...: what bash offers for the last word
  bash -c ". '$comp'; COMP_WORDS=($*); COMP_CWORD=$(($# - 1)); _kseries; echo \${COMPREPLY[@]}"
}
[ "$(complete_bash kseries ch)" = check ] || fail "kseries ch<TAB>: $(complete_bash kseries ch)"
[ "$(complete_bash kseries re)" = "rebase refresh" ] || fail "kseries re<TAB>: $(complete_bash kseries re)"
[ "$(complete_bash kseries check --fu)" = --fuzz ] || fail "check --fu<TAB>"
[ "$(complete_bash kseries -v rebase --ab)" = --abort ] || fail "-v rebase --ab<TAB>"
[ "$(complete_bash kseries matrix --co)" = --color ] || fail "matrix --co<TAB> (a global option)"
[ -z "$(complete_bash kseries check --tree x)" ] || fail "a value gets file names, not words"

# Every option the CLI has is in the completion: the docs it is generated
# from name them all. (CLI11's help: an option line starts with its names.)
for doc in "$KSERIES_ROOT"/docs/commands/*.md; do
  cmd=$(basename "$doc" .md)
  "$KSERIES" "$cmd" --help > "$T/help.txt" 2>&1 || true
  offered=" $(complete_bash kseries "$cmd" -) "
  names=$(grep -E '^ +-' "$T/help.txt" | sed 's/^ *//; s/  .*//')
  [ -n "$names" ] || fail "kseries $cmd --help lists no options"
  for opt in $(echo "$names" | grep -oE -- '(^|,)--?[A-Za-z][A-Za-z0-9-]*' | tr -d , | sort -u); do
    case "$offered" in *" $opt "*) ;; *) fail "kseries $cmd $opt: not in the bash completion" ;; esac
  done
done

# zsh: the completion function parses and is found by compinit.
if command -v zsh > /dev/null; then
  zsh -n "$prefix/share/zsh/site-functions/_kseries" || fail "_kseries: zsh syntax"
  run zsh -fc "fpath=('$prefix/share/zsh/site-functions' \$fpath); autoload -U compinit;
               compinit -u -d '$T/zcompdump'; print -r -- \${_comps[kseries]}"
  expect_rc 0 "zsh compinit"
  expect_out "_kseries"
else
  fail "zsh is not installed (cmake/debian-packages.txt lists it)"
fi
echo "ok"
