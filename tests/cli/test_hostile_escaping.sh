# Escaping, for every reader (issue 14, class 4): patch names, paths, tags
# and tree names holding control characters (ESC sequences, BEL, CR, a
# newline) and Markdown/HTML syntax reach no reader raw. Text output has no
# control byte but newline and tab, a Markdown table keeps its columns,
# HTML and JUnit parse as XML, and JSON parses and gives the names back.
. "$(dirname "$0")/common.sh"

ESC=$(printf '\033')
BEL=$(printf '\007')
CR=$(printf '\r')
NL='
'
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.org GIT_CONFIG_NOSYSTEM=1 HOME="$T"

# no_controls FILE WHAT: no byte below 0x20 but newline and tab, and no DEL.
no_controls() {
  left=$(tr -d '\n\t\040-\176\200-\377' < "$1" | od -An -c | tr -s ' \n' ' ')
  [ -z "${left# }" ] || { od -c "$1" | head -40 >&2; fail "$2: raw control bytes:$left"; }
}
# md_columns FILE N: every table row of the Markdown report has N cells.
md_columns() {
  python3 - "$1" "$2" <<'PY' || fail "Markdown table broken: $(cat "$1")"
import sys
rows = [l for l in open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n")
        if l.startswith("|")]
assert rows, "no table"
for l in rows:
    cells, i, cur = [], 0, ""
    while i < len(l):
        if l[i] == "\\":
            cur += l[i:i + 2]; i += 2; continue
        if l[i] == "|":
            cells.append(cur); cur = ""
        else:
            cur += l[i]
        i += 1
    n = len(cells) - 1
    assert n == int(sys.argv[2]), f"{n} cells: {l!r}"
    assert "<" not in l and "`" not in l.replace("\\`", ""), f"raw markup: {l!r}"
PY
}
xml_ok() {
  python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1" ||
    fail "$2 does not parse as XML"
}

# --- the inputs ---------------------------------------------------------------
# A quilt series whose patch names carry a terminal title sequence, BEL, CR
# and Markdown/HTML syntax, touching a file whose path does too; the tree's
# directory name holds a newline and an escape sequence.
P1="0001-x|y\`<b>&*_[z]${ESC}]0;pwned${BEL}.patch"
P2="0002-cr${CR}over${ESC}[2J.patch"
EVIL="fs/evil${ESC}[31m|\`<i>${BEL}.c"
TREE="$T/tr${NL}ee${ESC}[H"
S="$T/s"
mkdir -p "$S" "$TREE/fs"
printf 'one\ntwo\nthree\n' > "$TREE/$EVIL"
printf -- '--- a/%s\n+++ b/%s\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n' "$EVIL" "$EVIL" > "$S/$P1"
printf -- '--- a/%s\n+++ b/%s\n@@ -1,3 +1,3 @@\n one\n-zwei\n+ZWEI\n three\n' "$EVIL" "$EVIL" > "$S/$P2"
printf '%s\n%s\n' "$P1" "$P2" > "$S/series"

# --- check: text and json -----------------------------------------------------
run "$KSERIES" --color never check --series "$S" --tree "$TREE"
expect_rc 1 "0002 does not apply"
no_controls "$T/out" "check text"
no_controls "$T/err" "check stderr"
expect_out 'patch 0001-x|y`<b>&*_[z]\x1b]0;pwned\x07.patch'
expect_out 'fs/evil\x1b[31m|`<i>\x07.c'
expect_out 'tree    '"$T"'/tr\nee\x1b[H'
expect_out '0002-cr\rover\x1b[2J.patch'

run "$KSERIES" check --series "$S" --tree "$TREE" --format json
expect_rc 1 "json"
P1="$P1" P2="$P2" EVIL="$EVIL" TREE="$TREE" python3 - "$T/out" <<'PY' || fail "check json"
import json, os, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
assert [p["name"] for p in doc["patches"]] == [os.environ["P1"], os.environ["P2"]], doc["patches"]
assert doc["patches"][0]["files"][0]["path"] == os.environ["EVIL"]
assert doc["tree"] == os.environ["TREE"]
PY

# Colour on: kseries' own colour sequences stay, the inputs' do not.
run "$KSERIES" --color always check --series "$S" --tree "$TREE"
expect_out "${ESC}[2mpatch ${ESC}[0m0001-x|y"
expect_out 'fs/evil\x1b[31m|`<i>\x07.c'
! grep -qF "${ESC}]0;" "$T/out" || fail "the title sequence reached stdout with colour on"

# --- matrix: every format, over git tags holding | and ` ----------------------
repo="$T/repo"
git init -q "$repo"
cp -r "$TREE"/. "$repo"/
git -C "$repo" add -A
git -C "$repo" commit -qm base
TAG='rel|`<b>&x_!{1}`'
git -C "$repo" tag "$TAG"
for fmt in text md json html junit; do
  run "$KSERIES" --color never matrix --series "$S" --git "$repo" --refs 'rel*' \
    --tree "4.18.0-147.el8=$TREE" --format "$fmt"
  expect_rc 1 "matrix $fmt: 0002 fails"
  no_controls "$T/err" "matrix $fmt stderr"
  cp "$T/out" "$T/matrix.$fmt"
done
no_controls "$T/matrix.text" "matrix text"
grep -qF 'x|y`<b>&*_[z]\x1b]0;pwned\x07.patch' "$T/matrix.text" || fail "matrix text names P1"
no_controls "$T/matrix.md" "matrix md"
md_columns "$T/matrix.md" 4
grep -qF 'rel\|\`&lt;b&gt;&amp;x\_\!{1}\`' "$T/matrix.md" || fail "md tag: $(cat "$T/matrix.md")"
xml_ok "$T/matrix.html" "matrix html"
xml_ok "$T/matrix.junit" "matrix junit"
grep -qF '&lt;b&gt;' "$T/matrix.html" || fail "html does not escape the names"
! grep -qF '<b>' "$T/matrix.html" || fail "html passes a name's <b> raw"
TAG="$TAG" P1="$P1" P2="$P2" python3 - "$T/matrix.json" <<'PY' || fail "matrix json"
import json, os, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
assert doc["patches"] == [os.environ["P1"], os.environ["P2"]], doc["patches"]
assert any(r["source"].endswith("@" + os.environ["TAG"]) for r in doc["releases"]), \
    [r["source"] for r in doc["releases"]]
PY

# --- apply: the messages name the patches escaped ----------------------------
run "$KSERIES" --color never apply --series "$S" --tree "$TREE" --dry-run
expect_rc 1 "0002 does not apply"
no_controls "$T/out" "apply stdout"
no_controls "$T/err" "apply stderr"
expect_out '0002-cr\rover\x1b[2J.patch'

printf '%s\n' "$P1" > "$S/series"
run "$KSERIES" --color never apply --series "$S" --tree "$TREE" --policy gnu-patch
expect_rc 0 "0001 applies"
no_controls "$T/out" "apply stdout"
grep -q TWO "$TREE/$EVIL" || fail "apply did not patch the file"

# --- rebase: stdout in text and md, applied and stopped -----------------------
# The store's 0001 renamed to a hostile name; onto a base tree (it applies)
# and onto Debian's 6.12 (it stops).
ST="$T/store"
cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot" "$ST"
rm -f "$ST/.lock"
old=0001-ovl-super.c-let-the-lower-layer-change.patch
R1="0001-ovl|\`<s>${ESC}]0;t${BEL}${CR}.patch"
mv "$ST/v1/$old" "$ST/v1/$R1"
sed -i "s/^$old /$(printf '%s' "$R1" | sed 's/[&/\\]/\\&/g') /" "$ST/v1/series"
make_base_tree "$T/base"
ONTO="$T/onto${ESC}[2J|\`"
mv "$T/base" "$ONTO"
n=10
for fmt in text md; do
  n=$((n + 1))
  run "$KSERIES" --color never rebase --series "$ST" --from v1 --onto "4.18.0-147.5.1.el8_1=$ONTO" --as "v$n" \
    --format "$fmt"
  expect_rc 0 "rebase onto the base tree ($fmt)"
  no_controls "$T/out" "rebase $fmt"
  no_controls "$T/err" "rebase $fmt stderr"
done
md_columns "$T/out" 7
grep -qF '0001-ovl\|\`&lt;s&gt;\\x1b\]0;t\\x07\\r.patch' "$T/out" || fail "rebase md: $(cat "$T/out")"
WS="$T/ws"
run "$KSERIES" --color never rebase --series "$ST" --from v1 --onto "$KSERIES_CORPUS_612" \
  --workspace "$WS"
expect_rc 1 "0001 stops on 6.12"
no_controls "$T/out" "stopped rebase"
expect_out '0001-ovl|`<s>\x1b]0;t\x07\r.patch: stopped'
# The workspace's SUMMARY is read in a terminal too: names escaped there.
no_controls "$WS/SUMMARY" "the workspace's SUMMARY"
grep -qF '0001-ovl|`<s>\x1b]0;t\x07\r.patch: stopped' "$WS/SUMMARY" ||
  fail "SUMMARY does not show the name escaped: $(cat -A "$WS/SUMMARY" | head -5)"

# --- errors on stderr ---------------------------------------------------------
run "$KSERIES" check --patch "$T/p${NL}kseries: forged${ESC}[2K.patch" --tree "$TREE"
expect_rc 2 "no such patch"
no_controls "$T/err" "error message"
expect_err 'p\nkseries: forged\x1b[2K.patch: no such patch file'
run "$KSERIES" --color "x${ESC}[2J" check
expect_rc 2 "bad --color"
no_controls "$T/err" "CLI11's parse error"
expect_err 'x\x1b[2J'

echo "hostile escaping: text, md, json, html and junit hold no raw control character"
