# The HTML matrix in a real browser: Debian's headless Chromium, driven
# through chromedriver's WebDriver HTTP interface. The page must load no
# external asset, show each outcome in its own colour, put the per-lineage
# boundaries on top, keep its rows in sections per lineage and minor that
# open on click, filter rows from its filter box, keep the filter and table
# header in view (sticky), open a cell's per-hunk details on click, and
# carry the policy legend. A screenshot of the opened page is written to the
# test's temp dir and kept as a test artefact ($KSERIES_ARTIFACTS/matrix.png).
. "$(dirname "$0")/common.sh"

# Trees for every kind of cell: exact, offset, already applied, fails, n/a.
make_base_tree "$T/base"
make_moved_tree "$T/moved"
make_base_tree "$T/has"
cat "$V1"/0001-*.patch | (cd "$T/has" && patch -p1 -s) || fail "cannot pre-apply 0001"

run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
  --tree "4.18.0-147.5.1.el8_1=$T/base" --tree "4.18.0-193.el8=$T/moved" \
  --tree "4.18.0-305.el8=$T/has" --tree "$KSERIES_CORPUS_61" --releases '4.18.0-80.el8' \
  --format html --output "$T/report.html"
expect_rc 1 "6.1 and 4.18.0-80 are not covered"
expect_err "wrote the html report to $T/report.html"
[ ! -s "$T/out" ] || fail "--output also wrote to stdout"
grep -q '^<!DOCTYPE html>' "$T/report.html" || fail "not an HTML document"
# Self-contained: no stylesheet, script, image or font is fetched (the
# filter box's script is inline).
! grep -Eq '<(link|img)[ >]|<script[^>]* src|url\(' "$T/report.html" || fail "the page refers to assets"

# The same run to standard output is byte-identical.
run "$KSERIES" matrix --series "$V1" --catalog "$KSERIES_ROOT/kernels" \
  --tree "4.18.0-147.5.1.el8_1=$T/base" --tree "4.18.0-193.el8=$T/moved" \
  --tree "4.18.0-305.el8=$T/has" --tree "$KSERIES_CORPUS_61" --releases '4.18.0-80.el8' \
  --format html
cmp -s "$T/out" "$T/report.html" || fail "--output and stdout differ"

# --- WebDriver -----------------------------------------------------------
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chromedriver --port="$port" > "$T/chromedriver.log" 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null; rm -rf "$T"' EXIT
wd="http://127.0.0.1:$port"
i=0
until curl -sf "$wd/status" > /dev/null; do
  i=$((i + 1))
  [ $i -lt 100 ] || { cat "$T/chromedriver.log" >&2; fail "chromedriver did not start"; }
  sleep 0.1
done

# wd_post PATH JSON: a WebDriver command; prints the response's .value.
wd_post() {
  curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "$wd$1" > "$T/wd.json" ||
    fail "WebDriver POST $1 failed: $(cat "$T/wd.json" 2>/dev/null)"
  jq -c '.value' "$T/wd.json"
}
wd_get() {
  curl -sf "$wd$1" > "$T/wd.json" || fail "WebDriver GET $1 failed"
  jq -c '.value' "$T/wd.json"
}
# js SCRIPT: the value the script returns in the page.
js() { wd_post "/session/$sid/execute/sync" "$(jq -cn --arg s "$1" '{script: $s, args: []}')"; }
element() {
  wd_post "/session/$sid/element" "$(jq -cn --arg v "$1" '{using: "css selector", value: $v}')" |
    jq -r '.["element-6066-11e4-a52e-4f735466cecf"]'
}

caps=$(jq -cn --arg profile "$T/profile" '{capabilities: {alwaysMatch: {browserName: "chrome",
  "goog:chromeOptions": {binary: "/usr/bin/chromium", args: ["--headless", "--no-sandbox",
  "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--no-first-run", "--window-size=1400,1000", ("--user-data-dir=" + $profile)]}}}}')
sid=$(wd_post /session "$caps" | jq -r '.sessionId')
[ -n "$sid" ] && [ "$sid" != null ] || fail "no WebDriver session: $(cat "$T/chromedriver.log")"
trap 'curl -s -X DELETE "$wd/session/$sid" > /dev/null; kill $driver 2>/dev/null; rm -rf "$T"' EXIT
wd_post "/session/$sid/url" "$(jq -cn --arg u "file://$T/report.html" '{url: $u}')" > /dev/null

[ "$(js 'return document.title')" = '"kseries matrix: '"$V1"'"' ] || fail "title: $(js 'return document.title')"
[ "$(js "return performance.getEntriesByType('resource').length")" = 0 ] ||
  fail "the page fetched resources"
[ "$(js "return document.querySelector('#summary').textContent")" = '"2 of 5 releases covered"' ] ||
  fail "summary: $(js "return document.querySelector('#summary').textContent")"

# Rows in rpm version order, one cell per release × patch.
rows=$(js "return [...document.querySelectorAll('#matrix tr[data-release]')].map(r => r.dataset.release).join(' ')")
echo "$rows" | grep -Eq '^"4\.18\.0-80\.el8 4\.18\.0-147\.5\.1\.el8_1 4\.18\.0-193\.el8 4\.18\.0-305\.el8 6\.1\.[0-9]+"$' ||
  fail "rows: $rows"
[ "$(js "return document.querySelectorAll('#matrix td.cell').length")" = 10 ] || fail "cell count"

# Each kind of cell in its own colour.
outcomes=$(js "return [...document.querySelectorAll('#matrix tr[data-release]')].map(r =>
  [...r.querySelectorAll('td.cell')].map(c => c.dataset.outcome).join(',')).join(' ')")
[ "$outcomes" = '"unavailable,unavailable exact,exact offset,offset already-applied,exact fails,not-needed"' ] ||
  fail "outcomes: $outcomes"
colors=$(js "return ['unavailable','exact','offset','already-applied','fails'].map(o =>
  getComputedStyle(document.querySelector('td.cell[data-outcome=\"' + o + '\"]')).backgroundColor)")
[ "$(echo "$colors" | jq 'unique | length')" = 5 ] || fail "outcomes share colours: $colors"
echo "$colors" | jq -e '.[1] == "rgb(218, 251, 225)" and .[4] == "rgb(255, 235, 233)"' > /dev/null ||
  fail "exact is not green or fails is not red: $colors"

# The boundaries on top: per lineage and patch, the last release where it
# applies and the first where it fails.
bounds=$(js "return [...document.querySelectorAll('#boundaries tr[data-lineage]')].map(r =>
  [...r.cells].map(c => c.textContent).join('|')).join(' / ')")
echo "$bounds" | grep -q '"RHEL 8|0001|4\.18\.0-193\.el8|-|1 of 4 (1 without source) / RHEL 8|0002|4\.18\.0-305\.el8|-|1 of 4 (1 without source) / other|0001|-|6\.1\.[0-9]*|1 of 1 / other|0002|-|-|0 of 1"' ||
  fail "boundaries: $bounds"
[ "$(js "return document.querySelector('#boundaries').compareDocumentPosition(document.querySelector('#matrix')) & 4")" = 4 ] ||
  fail "the boundaries are not above the grid"

# Sections per lineage and minor: a minor with a failing release is open,
# the others closed until clicked.
[ "$(js "return [...document.querySelectorAll('#matrix details.lineage')].map(d => d.dataset.lineage + (d.open ? ':open' : '')).join(' ')")" = '"RHEL 8:open other:open"' ] ||
  fail "lineages: $(js "return document.querySelector('#matrix').innerText")"
row193=$(element "tr[data-release='4.18.0-193.el8'] th")
[ "$(wd_get "/session/$sid/element/$row193/displayed")" = false ] || fail "a closed group shows its rows"
group=$(element "details.group[data-minor='4.18.0-193.*'] > summary")
wd_post "/session/$sid/element/$group/click" '{}' > /dev/null
[ "$(wd_get "/session/$sid/element/$row193/displayed")" = true ] || fail "clicking the group did not show its rows"
[ "$(js "return document.querySelector(\"details.group[data-minor='4.18.0-193.*']\").open")" = true ] ||
  fail "the group did not open"

# Sticky: the filter box and each table's header stay in view.
[ "$(js "return [getComputedStyle(document.querySelector('.bar')).position, getComputedStyle(document.querySelector('#matrix thead th')).position].join(' ')")" = '"sticky sticky"' ] ||
  fail "the filter bar or the table header is not sticky"

# The filter box: typing 305 leaves that release alone, its group open;
# clearing it restores every row.
filter=$(element '#filter')
wd_post "/session/$sid/element/$filter/value" '{"text": "305"}' > /dev/null
shown="return [...document.querySelectorAll('#matrix tr[data-release]')].filter(r => r.offsetParent !== null).map(r => r.dataset.release).join(' ')"
[ "$(js "$shown")" = '"4.18.0-305.el8"' ] || fail "filter 305: $(js "$shown")"
wd_post "/session/$sid/element/$filter/clear" '{}' > /dev/null
js "document.getElementById('filter').dispatchEvent(new Event('input')); return 0" > /dev/null
[ "$(js "return document.querySelectorAll('#matrix tr[data-release]:not([hidden])').length")" = 5 ] ||
  fail "clearing the filter did not restore the rows"

# A failing cell's details: hidden, then shown on click, with its hunks.
panel=$(element "td.cell[data-outcome='fails'] .panel")
[ "$(wd_get "/session/$sid/element/$panel/displayed")" = false ] || fail "details shown before click"
summary=$(element "td.cell[data-outcome='fails'] summary")
wd_post "/session/$sid/element/$summary/click" '{}' > /dev/null
[ "$(wd_get "/session/$sid/element/$panel/displayed")" = true ] || fail "click did not open details"
text=$(wd_get "/session/$sid/element/$panel/text")
for want in fs/overlayfs/super.c FAILED 'closest match' 'kernel.spec (this release)'; do
  echo "$text" | grep -qF "$want" || fail "details lack '$want': $text"
done

# The legend names every policy with its command.
legend=$(wd_get "/session/$sid/element/$(element '#legend')/text")
for want in 'patch -p1 --fuzz=0' 'ApplyOptionalPatch: patch -p1 -F1 -s' 'git apply' \
    'silently skipped'; do
  echo "$legend" | grep -qF "$want" || fail "legend lacks '$want'"
done

wd_get "/session/$sid/screenshot" | jq -r . | base64 -d > "$T/matrix.png"
[ -s "$T/matrix.png" ] || fail "the screenshot is empty"
[ "$(head -c 8 "$T/matrix.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
  fail "the screenshot is not a PNG"
art=${KSERIES_ARTIFACTS:-$T}
mkdir -p "$art"
[ "$art" = "$T" ] || cp "$T/matrix.png" "$T/report.html" "$art/"
[ "$art" = "$T" ] || mv "$art/report.html" "$art/matrix.html"
