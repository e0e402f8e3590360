# kseries fetch downloads a catalog release's SRPM into the cache, resumed
# when cut short and verified (size, sha256, rpm's own digests) before it
# takes its name there; matrix --releases reads what it cached and trusts
# nothing that changed since. Against a real HTTP server on 127.0.0.1
# (tests/cli/http_server.py) serving a real SRPM built here by rpmbuild -bs.
. "$(dirname "$0")/common.sh"

rel=4.18.0-147.5.1.el8_1
make_base_tree "$T/linux-$rel"
printf 'VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n' > "$T/linux-$rel/Makefile"
printf 'RHEL_MAJOR = 8\nRHEL_MINOR = 1\nRHEL_RELEASE = 147.5.1\n' > "$T/linux-$rel/Makefile.rhelver"
top="$T/rpmbuild"
mkdir -p "$top/SOURCES" "$top/SPECS"
tar -C "$T" -cJf "$top/SOURCES/linux-$rel.tar.xz" "linux-$rel"
: > "$top/SOURCES/linux-kernel-test.patch"
cp -p "$KSERIES_ROOT"/tests/data/kernel-spec/sources/* "$top/SOURCES/"
sed -e "s/@PKGRELEASE@/147.5.1.el8_1/; s/@DISTRO_BUILD@/147.5.1/; s/@PATCH_COMMAND@/patch -p1 -F1 -s/" \
  "$KSERIES_ROOT/tests/data/kernel-spec/el8.spec.in" > "$top/SPECS/kernel.spec"
rpmbuild -bs --define "_topdir $top" --define "dist .el8_1" "$top/SPECS/kernel.spec" > "$T/rpmbuild.log" 2>&1 ||
  { cat "$T/rpmbuild.log"; fail "rpmbuild -bs failed"; }
name=kernel-$rel.src.rpm
[ -f "$top/SRPMS/$name" ] || fail "rpmbuild made no $name"

# What the server serves: the SRPM under several names (each URL path is
# logged apart), and random bytes that are no rpm.
mkdir "$T/www"
for f in "$name" a.src.rpm b.src.rpm c.src.rpm d.src.rpm; do cp "$top/SRPMS/$name" "$T/www/$f"; done
head -c 20000 /dev/urandom > "$T/www/junk.src.rpm"
src="$T/www/$name"
sha=$(sha256sum < "$src" | cut -d' ' -f1)
size=$(stat -c %s "$src")
[ "$size" -gt 8000 ] || fail "the SRPM is too small for the resume cases ($size bytes)"

start_http_server "$T/www"

# catalog FILE SRPM URL [LINE...]: a catalog of the one release
catalog() {
  file=$1 srpm=$2 url=$3
  shift 3
  {
    printf 'lineage = "RHEL 8"\n\n[[release]]\nname = "%s"\nminor = "8.1"\n' "$rel"
    printf 'srpm = "%s"\nurl = "%s"\npolicy = "kernel-spec"\n' "$srpm" "$url"
    for line in "$@"; do printf '%s\n' "$line"; done
  } > "$file"
}
# requests LINE: how many logged requests are exactly LINE
requests() { grep -cxF -- "$1" "$T/http.log" || :; }
# only_lock DIR: the cache holds nothing but, maybe, the lock file
only_lock() {
  left=$(ls -A "$1" 2> /dev/null | grep -vxF "$name.lock" || :)
  [ -z "$left" ] || fail "left in the cache $1: $left"
}
# expect_cached DIR: DIR/$name is the SRPM, with its sidecar, no .part
expect_cached() {
  cmp -s "$1/$name" "$src" || fail "$1/$name differs from the served SRPM"
  [ "$(cat "$1/$name.sha256")" = "$sha  $name" ] || fail "sidecar: $(cat "$1/$name.sha256")"
  (cd "$1" && sha256sum -c --status "$name.sha256") || fail "sha256sum -c rejects the sidecar"
  [ ! -e "$1/$name.part" ] || fail "$1/$name.part left behind"
}

# 1. A plain download: the cached path on stdout, checked three ways.
catalog "$T/ok.toml" "$name" "$base/ok/$name" "sha256 = \"$sha\"" "size = $size"
run "$KSERIES" fetch --catalog "$T/ok.toml" --cache "$T/c1" "$rel"
expect_rc 0 "plain download"
[ "$(cat "$T/out")" = "$T/c1/$name" ] || fail "stdout: $(cat "$T/out")"
expect_err "kseries: $rel: downloaded and verified from $base/ok/$name"
expect_cached "$T/c1"
[ "$(requests "GET /ok/$name range=-")" -eq 1 ] || fail "not one GET: $(cat "$T/http.log")"

# 2. Again: verified in the cache, nothing asked of the server.
lines=$(wc -l < "$T/http.log")
run "$KSERIES" fetch --catalog "$T/ok.toml" --cache "$T/c1" "$rel"
expect_rc 0 "second run"
expect_err "already in the cache"
[ "$(cat "$T/out")" = "$T/c1/$name" ] || fail "stdout of the second run: $(cat "$T/out")"
[ "$(wc -l < "$T/http.log")" -eq "$lines" ] || fail "the second run asked the server"

# 3. Cut short after 3000 bytes: resumed from byte 3000 within one run.
# (The catalog's sha256 in upper case: the same digest.)
catalog "$T/cut.toml" "$name" "$base/cut-3000/a.src.rpm" "sha256 = \"$(echo "$sha" | tr a-f A-F)\""
run "$KSERIES" fetch --catalog "$T/cut.toml" --cache "$T/c3" "$rel"
expect_rc 0 "a download cut short is resumed"
expect_cached "$T/c3"
[ "$(requests "GET /cut-3000/a.src.rpm range=bytes=3000-")" -eq 1 ] ||
  fail "no resume from byte 3000: $(grep cut "$T/http.log")"

# ... and what an earlier run left in <srpm>.part is resumed too.
mkdir -m 700 "$T/c3b"
head -c 4000 "$src" > "$T/c3b/$name.part"
catalog "$T/part.toml" "$name" "$base/ok/b.src.rpm"
run "$KSERIES" fetch --catalog "$T/part.toml" --cache "$T/c3b" "$rel"
expect_rc 0 "a partial download is resumed"
expect_cached "$T/c3b"
[ "$(grep -c " /ok/b.src.rpm " "$T/http.log")" -eq 1 ] &&
  [ "$(requests "GET /ok/b.src.rpm range=bytes=4000-")" -eq 1 ] ||
  fail "the .part was not resumed with one range request: $(grep b.src "$T/http.log")"

# A .part that is not the start of the file fails verification and is
# downloaded again from the start, once.
mkdir -m 700 "$T/c3c"
head -c 4000 /dev/urandom > "$T/c3c/$name.part"
catalog "$T/stale.toml" "$name" "$base/ok/c.src.rpm" "sha256 = \"$sha\""
run "$KSERIES" fetch --catalog "$T/stale.toml" --cache "$T/c3c" "$rel"
expect_rc 0 "a stale .part is replaced"
expect_cached "$T/c3c"
[ "$(requests "GET /ok/c.src.rpm range=bytes=4000-")" -eq 1 ] &&
  [ "$(requests "GET /ok/c.src.rpm range=-")" -eq 1 ] || fail "stale .part: $(grep c.src "$T/http.log")"

# 4. A server that ignores Range sends it all: the .part is overwritten from
# the start in the same request, not appended to (no second request).
mkdir -m 700 "$T/c4"
head -c 4000 "$src" > "$T/c4/$name.part"
catalog "$T/norange.toml" "$name" "$base/norange/$name"
run "$KSERIES" fetch --catalog "$T/norange.toml" --cache "$T/c4" "$rel"
expect_rc 0 "range ignored"
expect_cached "$T/c4"
[ "$(grep -c " /norange/" "$T/http.log")" -eq 1 ] || fail "norange: $(grep norange "$T/http.log")"

# Without rpmkeys nothing can be said against a download: it is kept, and
# the next fetch finds it complete (HTTP 416 to its range) and verifies it.
catalog "$T/norpm.toml" "$name" "$base/ok/d.src.rpm"
run env PATH=/nonexistent "$KSERIES" fetch --catalog "$T/norpm.toml" --cache "$T/c4b" "$rel"
expect_rc 2 "no rpmkeys"
expect_err "cannot run rpmkeys: not found on PATH (release $rel); $name.part is kept in the cache"
cmp -s "$T/c4b/$name.part" "$src" || fail "the unverified download was not kept"
[ ! -e "$T/c4b/$name" ] || fail "an unverified download took its name"
run "$KSERIES" fetch --catalog "$T/norpm.toml" --cache "$T/c4b" "$rel"
expect_rc 0 "a complete .part"
expect_cached "$T/c4b"
[ "$(requests "GET /ok/d.src.rpm range=bytes=$size-")" -eq 1 ] &&
  [ "$(grep -c " /ok/d.src.rpm " "$T/http.log")" -eq 2 ] || fail "416: $(grep d.src "$T/http.log")"

# 5. HTTP 404: the URL and the status, and no file left.
catalog "$T/404.toml" "$name" "$base/404/$name" "sha256 = \"$sha\""
run "$KSERIES" fetch --catalog "$T/404.toml" --cache "$T/c5" "$rel"
expect_rc 2 "404"
expect_err "kseries: error: cannot download $base/404/$name: HTTP 404 (release $rel)"
grep -q "offline" "$T/err" && fail "a server that answers 404 is not offline: $(cat "$T/err")"
expect_no_out "$name"
only_lock "$T/c5"

# 6. Same size, other bytes: expected and actual sha256; the download removed.
wrong=$(python3 -c 'import hashlib, sys, urllib.request
print(hashlib.sha256(urllib.request.urlopen(sys.argv[1]).read()).hexdigest())' "$base/wrong/$name")
[ "$wrong" != "$sha" ] || fail "/wrong/ serves the right bytes"
catalog "$T/wrong.toml" "$name" "$base/wrong/$name" "sha256 = \"$sha\"" "size = $size"
run "$KSERIES" fetch --catalog "$T/wrong.toml" --cache "$T/c6" "$rel"
expect_rc 2 "wrong sha256"
expect_err "$base/wrong/$name does not match the catalog ($T/wrong.toml:3): sha256 $wrong, expected $sha"
expect_err "the download was removed"
only_lock "$T/c6"

# ... and a size that differs, either way.
catalog "$T/big.toml" "$name" "$base/ok/$name" "size = $((size + 1))"
run "$KSERIES" fetch --catalog "$T/big.toml" --cache "$T/c6b" "$rel"
expect_rc 2 "the catalog says one byte more"
expect_err "does not match the catalog ($T/big.toml:3): $size bytes, expected $((size + 1))"
only_lock "$T/c6b"
catalog "$T/small.toml" "$name" "$base/ok/$name" "size = $((size - 1))"
run "$KSERIES" fetch --catalog "$T/small.toml" --cache "$T/c6c" "$rel"
expect_rc 2 "the catalog says one byte less"
expect_err "the server announces $size bytes, more than the $((size - 1)) expected"
only_lock "$T/c6c"

# 7. No checksum in the catalog: rpm's own digests still reject junk.
catalog "$T/junk.toml" "$name" "$base/ok/junk.src.rpm"
run "$KSERIES" fetch --catalog "$T/junk.toml" --cache "$T/c7" "$rel"
expect_rc 2 "junk"
expect_err "$base/ok/junk.src.rpm is not an intact rpm (rpmkeys -K, exit code 1): not an rpm package"
only_lock "$T/c7"

# 8. A redirect to file:// is not followed.
catalog "$T/redir.toml" "$name" "$base/redirect-file/$name"
run "$KSERIES" fetch --catalog "$T/redir.toml" --cache "$T/c8" "$rel"
expect_rc 2 "redirect to file://"
expect_err "cannot download $base/redirect-file/$name: refused a redirect to a URL that is not http:// or https://"
only_lock "$T/c8"

# 9. Offline: a port nothing listens on. The hint names --srpm.
closed=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
catalog "$T/offline.toml" "$name" "http://127.0.0.1:$closed/$name"
run "$KSERIES" fetch --catalog "$T/offline.toml" --cache "$T/c9" "$rel"
expect_rc 2 "offline"
expect_err "cannot download http://127.0.0.1:$closed/$name"
expect_err "(release $rel); offline or unreachable? give kseries matrix a local copy of the SRPM with --srpm FILE"
only_lock "$T/c9"

# A catalog sha256 or size of the wrong form: an error at its line.
catalog "$T/bad.toml" "$name" "$base/ok/$name" "sha256 = \"${sha%?}\""
run "$KSERIES" fetch --catalog "$T/bad.toml" --cache "$T/c9b" "$rel"
expect_rc 2 "a sha256 of 63 digits"
expect_err "kseries: error: $T/bad.toml:9: 'sha256' must be 64 hexadecimal digits"
catalog "$T/bad.toml" "$name" "$base/ok/$name" "size = \"$size\""
run "$KSERIES" fetch --catalog "$T/bad.toml" --cache "$T/c9b" "$rel"
expect_rc 2 "a size in a string"
expect_err "kseries: error: $T/bad.toml:9: 'size' must be the SRPM's size in bytes, a positive integer"
[ ! -e "$T/c9b" ] || fail "a broken catalog made the cache"

# 10. Unsafe srpm names: refused before anything is written.
mkdir "$T/p10"
before=$(tree_hash "$T/p10")
for bad in ../x.src.rpm a/b.src.rpm; do
  catalog "$T/unsafe.toml" "$bad" "$base/ok/$name"
  run "$KSERIES" fetch --catalog "$T/unsafe.toml" --cache "$T/p10/cache" "$rel"
  expect_rc 2 "srpm = $bad"
  expect_err "'srpm' '$bad' must be a plain file name ending in .src.rpm"
  [ "$(tree_hash "$T/p10")" = "$before" ] || fail "srpm = $bad wrote to $(find "$T/p10")"
done
[ ! -e "$T/x.src.rpm" ] || fail "wrote $T/x.src.rpm"

# 11. The default cache: $XDG_CACHE_HOME/kseries/srpms; a relative
# XDG_CACHE_HOME is ignored for ~/.cache.
mkdir "$T/home" "$T/cwd"
run env XDG_CACHE_HOME="$T/xdg" HOME="$T/home" "$KSERIES" fetch --catalog "$T/ok.toml" "$rel"
expect_rc 0 "XDG_CACHE_HOME"
[ "$(cat "$T/out")" = "$T/xdg/kseries/srpms/$name" ] || fail "XDG stdout: $(cat "$T/out")"
expect_cached "$T/xdg/kseries/srpms"
[ "$(stat -c %a "$T/xdg/kseries/srpms")" = 700 ] || fail "the cache directory is not private"
run sh -c 'cd "$1" && shift && exec env XDG_CACHE_HOME=rel "$@"' sh "$T/cwd" HOME="$T/home" \
  "$KSERIES" fetch --catalog "$T/ok.toml" "$rel"
expect_rc 0 "relative XDG_CACHE_HOME"
[ "$(cat "$T/out")" = "$T/home/.cache/kseries/srpms/$name" ] || fail "HOME stdout: $(cat "$T/out")"
expect_cached "$T/home/.cache/kseries/srpms"
[ -z "$(ls -A "$T/cwd")" ] || fail "a relative XDG_CACHE_HOME was used"

# 12. Two fetches of one release at once: they take turns, one downloads.
catalog "$T/slow.toml" "$name" "$base/slow/$name" "sha256 = \"$sha\""
"$KSERIES" -v fetch --catalog "$T/slow.toml" --cache "$T/c12" "$rel" > "$T/o1" 2> "$T/e1" &
p1=$!
"$KSERIES" -v fetch --catalog "$T/slow.toml" --cache "$T/c12" "$rel" > "$T/o2" 2> "$T/e2" &
p2=$!
rc1=0 rc2=0
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] || { cat "$T/e1" "$T/e2" >&2; fail "concurrent: $rc1 $rc2"; }
[ "$(cat "$T/o1")" = "$T/c12/$name" ] && [ "$(cat "$T/o2")" = "$T/c12/$name" ] ||
  fail "concurrent stdout: $(cat "$T/o1" "$T/o2")"
expect_cached "$T/c12"
[ "$(grep -c " /slow/" "$T/http.log")" -eq 1 ] || fail "downloaded twice: $(grep slow "$T/http.log")"
cat "$T/e1" "$T/e2" > "$T/err"
expect_err "waiting for another kseries fetch of $name"
expect_err "already in the cache"

# 13. matrix --releases reads the cached SRPM: v1 applies exactly. The
# catalog records no checksum, so that only the sidecar vouches for it.
catalog "$T/plain.toml" "$name" "$base/ok/$name"
run "$KSERIES" fetch --catalog "$T/plain.toml" --cache "$T/c13" "$rel"
expect_rc 0 "fetch without a checksum in the catalog"
expect_cached "$T/c13"
matrix() {
  run "$KSERIES" matrix --series "$V1" --catalog "$T/plain.toml" --releases "$rel" \
    --cache "$T/c13" --format json
}
matrix
expect_rc 0 "matrix on the cached SRPM"
[ ! -s "$T/err" ] || fail "matrix on a verified cache warns: $(cat "$T/err")"
jq -e --arg r "$rel" --arg s "srpm $T/c13/$name" '.releases | length == 1 and
    (.[0] | .release == $r and .source == $s and .available and .policy == "kernel-spec"
     and (.cells | length == 2 and all(.outcome == "exact" and .accepted)))' "$T/out" > /dev/null ||
  fail "cached row wrong: $(jq -c '.releases' "$T/out")"

# 14. Bytes changed after the fetch: matrix does not trust the file, and
# fetch downloads it again.
printf '\377\377\377\377' | dd of="$T/c13/$name" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
cmp -s "$T/c13/$name" "$src" && fail "the tampering changed nothing"
matrix
expect_rc 1 "matrix on a tampered cache"
jq -e '.releases | length == 1 and (.[0] | .available == false and .source == "catalog"
       and (.cells | all(.outcome == "unavailable")))' "$T/out" > /dev/null ||
  fail "tampered row wrong: $(jq -c '.releases' "$T/out")"
expect_err "kseries: warning: $T/c13/$name: not used, it does not match the SHA-256 recorded"
expect_err "\`kseries fetch $rel\` downloads it again"
gets=$(requests "GET /ok/$name range=-")
run "$KSERIES" fetch --catalog "$T/plain.toml" --cache "$T/c13" "$rel"
expect_rc 0 "fetch after tampering"
expect_err "downloaded and verified"
expect_cached "$T/c13"
[ "$(requests "GET /ok/$name range=-")" -eq $((gets + 1)) ] ||
  fail "not downloaded again: $(cat "$T/http.log")"
matrix
expect_rc 0 "matrix after the new fetch"

# A catalog whose sha256 changed since the fetch: its cached file is not it.
catalog "$T/changed.toml" "$name" "$base/ok/$name" "sha256 = \"$(printf '%064d' 0)\""
run "$KSERIES" matrix --series "$V1" --catalog "$T/changed.toml" --releases "$rel" \
  --cache "$T/c1" --format json
expect_rc 1 "matrix with a catalog sha256 the cached file does not have"
jq -e '.releases[0].available == false' "$T/out" > /dev/null || fail "changed catalog trusted"
expect_err "kseries: warning: $T/c1/$name: not used"

# 15. A mirror: the catalog keeps the published URL (here one that cannot
# be reached), --mirror or $KSERIES_MIRROR says where the same files are.
catalog "$T/published.toml" "$name" "https://vault.kseries.invalid/ok/$name" "sha256 = \"$sha\""
run "$KSERIES" fetch --catalog "$T/published.toml" --cache "$T/c15" "$rel"
expect_rc 2 "no mirror: the published URL cannot be reached"
expect_err "https://vault.kseries.invalid/ok/$name"
run "$KSERIES" fetch --catalog "$T/published.toml" --cache "$T/c15" \
  --mirror "https://vault.kseries.invalid=$base" "$rel"
expect_rc 0 "fetch through --mirror"
expect_err "downloaded and verified from $base/ok/$name (mirror of https://vault.kseries.invalid/ok/$name)"
expect_cached "$T/c15"
rm -rf "$T/c15"
KSERIES_MIRROR="https://other.invalid=http://127.0.0.1:1 https://vault.kseries.invalid/=$base/" \
  run "$KSERIES" fetch --catalog "$T/published.toml" --cache "$T/c15" "$rel"
expect_rc 0 "fetch through \$KSERIES_MIRROR"
expect_cached "$T/c15"
KSERIES_MIRROR="vault.kseries.invalid=$base" \
  run "$KSERIES" fetch --catalog "$T/published.toml" --cache "$T/c16" "$rel"
expect_rc 2 "a mirror rule that is not two URLs"
expect_err "\$KSERIES_MIRROR 'vault.kseries.invalid=$base': expected PUBLISHED=MIRROR"
[ ! -e "$T/c16" ] || fail "a bad mirror rule created the cache"
