# kseries apply on a version that records a [[skipped]] patch (rebase
# --skip): the tree is patched as the version says (exit 0), and stderr
# warns that the skipped patch's fix is not in the tree, with the
# maintainer's reason - unless its detect rule shows the tree has the fix.
. "$(dirname "$0")/common.sh"

P1=0001-ovl-super.c-let-the-lower-layer-change.patch
P2=0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch
mkdir -p "$T/store/v3"
cp -r "$V1" "$T/store/v1"
cp "$V1/$P2" "$T/store/v3/"
echo "$P2" > "$T/store/v3/series"
cat > "$T/store/v3/version.toml" <<TOML
version = "v3"
parent = "v1"

[[skipped]]
name = "$P1"
reason = "needs a rework for ovl_revalidate_real()"
TOML
printf '[[map]]\nversion = "v3"\n' > "$T/store/index.toml"

make_base_tree "$T/tree"
run "$KSERIES" apply --series "$T/store" --release 4.18.0-147.el8 --tree "$T/tree"
expect_rc 0 "v3 applies"
expect_out "patched 1 files"
expect_err "warning: $T/store/v3 skips $P1: the fix is not in $T/tree and not applied (skipped by the maintainer: needs a rework for ovl_revalidate_real())"
[ "$(grep -c "skips" "$T/err")" = 1 ] || fail "one skipped patch, warned $(grep -c skips "$T/err") times"

# --dry-run says it too: the tree it would make lacks the fix as well.
make_base_tree "$T/dry"
run "$KSERIES" apply --series "$T/store/v3" --tree "$T/dry" --dry-run
expect_rc 0 "dry run"
expect_err "skips $P1: the fix is not in $T/dry"

# A detect rule that holds on the tree: the fix is there, nothing to warn of.
cat >> "$T/store/v3/version.toml" <<'TOML'
[[skipped.detect]]
file = "fs/overlayfs/super.c"
contains = ["/* end of super.c */"]
TOML
make_base_tree "$T/has"
run "$KSERIES" apply --series "$T/store/v3" --tree "$T/has"
expect_rc 0 "v3 applies where the fix is"
! grep -q "skips" "$T/err" || fail "warned although the detect rule holds: $(cat "$T/err")"
