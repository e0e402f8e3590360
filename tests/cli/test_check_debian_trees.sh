# kseries check reports, for v1 against Debian's real 6.1 and 6.12 trees,
# exactly what `patch --dry-run` reports for each hunk, at fuzz 0, 1 and 2.
. "$(dirname "$0")/common.sh"

for corpus in "$KSERIES_CORPUS_61" "$KSERIES_CORPUS_612"; do
  for fuzz in 0 1 2; do
    # What GNU patch says, hunk by hunk: "<file> #<n> <verdict> <line>".
    : > "$T/gnu"
    for p in "$V1"/0*.patch; do
      (cd "$corpus" && patch -p1 -F"$fuzz" --dry-run < "$p" || true) > "$T/gnu.raw"
      file=$(sed -n 's/^checking file //p' "$T/gnu.raw")
      sed -n 's/^Hunk #\([0-9]*\) \(succeeded\|FAILED\) at \([0-9]*\).*/\1 \2 \3/p' "$T/gnu.raw" |
        while read -r n verdict line; do echo "$file #$n $verdict $line"; done >> "$T/gnu"
    done
    [ -s "$T/gnu" ] || fail "patch reported no hunks for $corpus"

    # What kseries says, from its JSON.
    run "$KSERIES" check --series "$V1" --tree "$corpus" --fuzz "$fuzz" --format json
    expect_rc 1 "v1 does not apply to $corpus"
    awk '
      /"closest":/ { in_closest = 1 }
      in_closest   { if (/}/) in_closest = 0; next }
      /"path":/    { gsub(/[",]/, "", $2); file = $2 }
      /"number":/  { gsub(/,/, "", $2); n = $2 }
      /"status": "(applied|failed)"/ { v = ($2 ~ /failed/) ? "FAILED" : "succeeded" }
      /"line":/    { gsub(/,/, "", $2); print file " #" n " " v " " $2 }
    ' "$T/out" > "$T/ours"
    if ! diff -u "$T/gnu" "$T/ours"; then
      fail "kseries and patch --dry-run disagree on $corpus at fuzz $fuzz"
    fi
  done
done

# The text report names each hunk and the verdict under every policy.
run "$KSERIES" check --series "$V1" --tree "$KSERIES_CORPUS_612"
expect_rc 1 "v1 fails on 6.12"
expect_out "fs/overlayfs/super.c"
expect_out "FAILED"
expect_out "kernel.spec fails"
expect_out "0 of 2 patches apply under kernel.spec"
