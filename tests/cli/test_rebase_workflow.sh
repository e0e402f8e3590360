# kseries rebase's workflow around the carrying itself, through the real CLI
# on Debian's real 6.12 and 6.1 overlayfs:
#   - a version that already applies exactly is not copied into a new one
#     (unless --as asks for it);
#   - a source that is not a kernel tree is refused before any work;
#   - a stopped rebase resumes (--continue, --skip, --abort) with --workspace
#     from any directory, though it was started with relative paths;
#   - --skip records the patch as skipped with the maintainer's reason, and
#     every matrix format on the written version says so and fails.
. "$(dirname "$0")/common.sh"

P1=0001-ovl-super.c-let-the-lower-layer-change.patch
S="$T/store"
cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot" "$S"

# --- v2 applies exactly to Debian 6.12: nothing written ------------------------------
before=$(tree_hash "$S")
run "$KSERIES" rebase --series "$S" --from v2 --onto "6.12.0-55.el10=$KSERIES_CORPUS_612" \
  --workspace "$T/ws"
expect_rc 0 "v2 applies exactly"
expect_out "v2 already applies exactly to 6.12.0-55.el10; nothing written"
[ ! -e "$S/v3" ] || fail "a v3 identical to v2 was written"
[ ! -e "$T/ws" ] || fail "a workspace was left"
[ "$(tree_hash "$S")" = "$before" ] || fail "the store changed"
run "$KSERIES" rebase --series "$S" --from v2 --onto "$KSERIES_CORPUS_612" --workspace "$T/ws" \
  --format json
expect_rc 0 "v2 applies exactly (json)"
jq -e '.written == null and (.nothing_written | test("^v2 already applies exactly to "))' \
  "$T/out" > /dev/null || fail "json: $(cat "$T/out")"
[ "$(tree_hash "$S")" = "$before" ] || fail "the store changed (json)"
# --as forces the copy.
run "$KSERIES" rebase --series "$S" --from v2 --onto "$KSERIES_CORPUS_612" --as v3 --workspace "$T/ws"
expect_rc 0 "--as v3"
expect_out "wrote $S/v3"
[ -f "$S/v3/series" ] || fail "--as v3 wrote no v3"
rm -rf "$S/v3"
before=$(tree_hash "$S")

# --- not a kernel tree: refused before any work ------------------------------------------
mkdir "$T/empty"
git init -q "$T/notkernel"
echo "a tool, not a kernel" > "$T/notkernel/README"
(cd "$T/notkernel" && git add README && git -c user.name=t -c user.email=t@example.org commit -qm one &&
  git branch -M master)
for onto in "$T/empty" "$T/notkernel@master"; do
  run "$KSERIES" rebase --series "$S" --from v1 --onto "$onto" --workspace "$T/ws"
  expect_rc 2 "$onto is not a kernel tree"
  expect_err "--onto $onto: not a kernel tree"
  [ ! -e "$T/ws" ] || fail "$onto: a workspace was written"
  [ "$(tree_hash "$S")" = "$before" ] || fail "$onto: the store changed"
done

# --- relative paths, resumed from elsewhere; --skip with a reason --------------------------
W="$T/work"
mkdir -p "$W/in" "$T/elsewhere"
mkdir "$W/in/store"
cp -r "$V1" "$W/in/store/v1"
printf '[[map]]\nversion = "v1"\nfrom = "3.10.0-123.el7"\n' > "$W/in/store/index.toml"
cp -r "$KSERIES_CORPUS_612" "$W/in/tree"
cp -r "$KSERIES_CORPUS_61" "$W/in/tree61"
cd "$W"
run "$KSERIES" rebase --series in/store/ --from v1 --onto in/tree --workspace ws
expect_rc 1 "0001 stops on 6.12"
jq -e --arg w "$W" '.request.store == ($w + "/in/store") and .request.onto == ($w + "/in/tree")' \
  ws/state.json > /dev/null || fail "state.json paths are not absolute: $(jq -c .request ws/state.json)"
cd "$T/elsewhere"
run "$KSERIES" rebase --continue --workspace "$W/ws"
expect_rc 2 "--continue from elsewhere, markers left"
expect_err "still holds a conflict marker"
! grep -q "not a series store" "$T/err" || fail "--continue lost the store: $(cat "$T/err")"
run "$KSERIES" rebase --abort --workspace "$W/ws"
expect_rc 0 "--abort from elsewhere"
[ ! -e "$W/ws" ] || fail "--abort left the workspace"

cd "$W"
run "$KSERIES" rebase --series in/store/ --from v1 --onto in/tree61 --workspace ws
expect_rc 1 "0001 stops on 6.1"
grep -qF -- "kseries rebase --skip --reason TEXT --workspace ws" ws/SUMMARY ||
  fail "SUMMARY does not offer --skip --reason: $(cat ws/SUMMARY)"
cd "$T/elsewhere"
run "$KSERIES" rebase --skip --reason "needs a rework for ovl_revalidate_real()" --workspace "$W/ws"
expect_rc 0 "--skip from elsewhere"
[ ! -e "$W/ws" ] || fail "--skip left the workspace"
toml="$W/in/store/v2/version.toml"
[ -f "$toml" ] || fail "--skip wrote no v2"
grep -A2 '^\[\[skipped\]\]$' "$toml" | grep -qx "name = \"$P1\"" || fail "0001 not [[skipped]]: $(cat "$toml")"
grep -qx 'reason = "needs a rework for ovl_revalidate_real()"' "$toml" || fail "no reason: $(cat "$toml")"
! grep -A1 '^\[\[dropped\]\]$' "$toml" | grep -q "$P1" || fail "0001 recorded as dropped: $(cat "$toml")"

# Every report on the written version: 0001 is missing, not covered.
for fmt in text md json html junit; do
  run "$KSERIES" matrix --series "$W/in/store/v2" --tree "6.1.0-1.el9=$W/in/tree61" --format "$fmt"
  expect_rc 1 "matrix $fmt of a version with a skipped patch"
  reason="needs a rework for ovl_revalidate_real()"
  [ "$fmt" != md ] || reason='needs a rework for ovl\_revalidate\_real()' # Markdown-escaped
  expect_out "skipped by the maintainer: $reason"
  expect_no_out "1 of 1 releases covered"
done
run "$KSERIES" matrix --series "$W/in/store/v2" --tree "6.1.0-1.el9=$W/in/tree61" --format json
jq -e --arg p "$P1" '.releases[0].cells[] | select(.patch == $p) | .outcome == "fails" and .accepted == false' \
  "$T/out" > /dev/null || fail "matrix json: $(cat "$T/out")"
for fmt in text json; do
  run "$KSERIES" check --series "$W/in/store/v2" --tree "$W/in/tree61" --format "$fmt"
  expect_rc 1 "check $fmt of a version with a skipped patch"
  expect_out "skipped by the maintainer: needs a rework for ovl_revalidate_real()"
done
jq -e --arg p "$P1" '.ok == false and .skipped[0].name == $p' "$T/out" > /dev/null ||
  fail "check json: $(cat "$T/out")"

# A second skip with no --reason: a default reason naming the target; the
# first skip's record is kept in the version made from v2.
cd "$W"
run "$KSERIES" rebase --series in/store/ --from v1 --onto in/tree --workspace ws --as v3
expect_rc 1 "0001 stops on 6.12"
run "$KSERIES" rebase --skip --workspace ws
expect_rc 0 "--skip without --reason"
grep -qx "reason = \"no reason given (rebase onto $W/in/tree)\"" in/store/v3/version.toml ||
  fail "no default reason: $(cat in/store/v3/version.toml)"
run "$KSERIES" check --series in/store/v3 --tree in/tree
expect_rc 1 "check of v3 on 6.12"
expect_out "skipped by the maintainer: no reason given"

# --reason belongs to --skip.
run "$KSERIES" rebase --continue --reason "x" --workspace "$W/ws"
expect_rc 2 "--reason without --skip"
echo "rebase workflow: nothing to write, not a kernel, resumed from elsewhere, skipped reported"
