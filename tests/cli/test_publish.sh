# kseries publish: RPMs built here with rpmbuild -bb go into a repository
# that the real createrepo_c indexes and the real dnf reads.
. "$(dirname "$0")/common.sh"

REPO="$T/repo"

# make_rpm NAME VERSION [DESCRIPTION]: a tiny noarch RPM; prints its path.
make_rpm() {
  top="$T/rpm-$1-$2-$(date +%s%N)"
  mkdir -p "$top/SPECS"
  cat > "$top/SPECS/$1.spec" <<EOF
Name: $1
Version: $2
Release: 1
Summary: kseries publish test package
License: MIT
BuildArch: noarch
%description
${3:-A package for the publish test.}
%install
mkdir -p %{buildroot}/usr/share/$1
echo "$1 $2 ${3:-}" > %{buildroot}/usr/share/$1/version
%files
/usr/share/$1/version
EOF
  rpmbuild -bb --define "_topdir $top" "$top/SPECS/$1.spec" > "$T/rpmbuild.log" 2>&1 ||
    { cat "$T/rpmbuild.log"; fail "rpmbuild -bb $1"; }
  echo "$top/RPMS/noarch/$1-$2-1.noarch.rpm"
}

# dnf_available: what the real dnf (4.14) sees in the repository, "name
# version" per line; a fresh cache each time, so nothing stale is shown.
dnf_available() {
  cache=$(mktemp -d "$T/cache.XXXXXX")
  dnf -q --installroot "$T/root" --setopt=reposdir=/dev/null --setopt=cachedir="$cache" \
    --releasever=1 --repofrompath=ks,"$REPO" --repo=ks list --available 2>"$T/dnf.err" |
    awk 'NR > 1 { sub(/\.noarch$/, "", $1); print $1, $2 }' | sort
}

a=$(make_rpm ksa 1.0)
b=$(make_rpm ksb 2.0)

run "$KSERIES" publish --repo "$REPO" "$a"
expect_rc 0 "first publish"
expect_out "added: $REPO/Packages/ksa-1.0-1.noarch.rpm (from $a)"
[ "$(dnf_available)" = "ksa 1.0-1" ] || { cat "$T/dnf.err"; fail "dnf sees: $(dnf_available)"; }

# Incremental: createrepo_c --update keeps ksa and adds ksb.
run "$KSERIES" publish --repo "$REPO" "$b" "$a"
expect_rc 0 "second publish"
expect_out "added: $REPO/Packages/ksb-2.0-1.noarch.rpm"
expect_out "unchanged: $REPO/Packages/ksa-1.0-1.noarch.rpm"
[ "$(dnf_available | tr '\n' ' ')" = "ksa 1.0-1 ksb 2.0-1 " ] || fail "dnf sees: $(dnf_available)"

# A published N-V-R must not change: the same name with other content is
# refused, nothing touched; --replace allows it.
a2=$(make_rpm ksa 1.0 "Rebuilt with other content.")
cmp -s "$a" "$a2" && fail "the rebuilt ksa should differ"
before=$(tree_hash "$REPO")
run "$KSERIES" publish --repo "$REPO" "$a2"
expect_rc 2 "changed N-V-R"
expect_err "$REPO/Packages/ksa-1.0-1.noarch.rpm is already published with different content than $a2"
[ "$(tree_hash "$REPO")" = "$before" ] || fail "the repository changed after a refusal"
run "$KSERIES" publish --repo "$REPO" --replace "$a2"
expect_rc 0 "--replace"
expect_out "replaced: $REPO/Packages/ksa-1.0-1.noarch.rpm"
cmp -s "$a2" "$REPO/Packages/ksa-1.0-1.noarch.rpm" || fail "not replaced"

# Not an RPM (plain text; the head of a real RPM): exit 2 naming it, and
# nothing copied, not even the good RPM given with it.
c=$(make_rpm ksc 3.0)
echo "ksa-1.0-1.noarch" > "$T/manifest.rpm"
head -c 2000 "$c" > "$T/truncated.rpm"
before=$(tree_hash "$REPO")
for bad in "$T/manifest.rpm" "$T/truncated.rpm"; do
  run "$KSERIES" publish --repo "$REPO" "$c" "$bad"
  expect_rc 2 "bad input $bad"
  expect_err "kseries: error: $bad: not an intact RPM package"
  [ "$(tree_hash "$REPO")" = "$before" ] || fail "the repository changed after $bad"
done
run "$KSERIES" publish --repo "$REPO" "$T/missing.rpm"
expect_rc 2 "missing input"
expect_err "$T/missing.rpm: no such file"

# Concurrent publishes take turns on the repository's lock: while another
# holder (flock(1) here) has it, both wait and copy nothing; once it is
# released both land, and the metadata holds both.
d=$(make_rpm ksd 4.0)
e=$(make_rpm kse 5.0)
# (The publishes get `9>&-`: sharing the holder's descriptor would share its lock.)
exec 9>"$REPO/.kseries-publish.lock"
flock 9
"$KSERIES" publish --repo "$REPO" "$c" "$d" > "$T/p1" 2>&1 9>&- & p1=$!
"$KSERIES" publish --repo "$REPO" "$e" > "$T/p2" 2>&1 9>&- & p2=$!
until grep -q "waiting for another publish to $REPO" "$T/p1" && grep -q "waiting" "$T/p2"; do
  sleep 0.1
done
[ -z "$(ls "$REPO/Packages" | grep -E 'ks[cde]')" ] || fail "copied while the lock was held"
exec 9>&-
wait "$p1" || { cat "$T/p1"; fail "concurrent publish 1"; }
wait "$p2" || { cat "$T/p2"; fail "concurrent publish 2"; }
[ "$(dnf_available | tr '\n' ' ')" = "ksa 1.0-1 ksb 2.0-1 ksc 3.0-1 ksd 4.0-1 kse 5.0-1 " ] ||
  fail "dnf sees: $(dnf_available)"
[ -z "$(find "$REPO/Packages" -name '.*')" ] || fail "temporary left in Packages"

# createrepo_c missing: exit 2 naming it and its packages.
mkdir -p "$T/nobin"
run env PATH="$T/nobin" "$KSERIES" publish --repo "$REPO" "$a"
expect_rc 2 "no createrepo_c"
expect_err "createrepo_c, which is not on PATH (install the Debian package createrepo-c, Fedora package createrepo_c)"
