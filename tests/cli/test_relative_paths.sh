# Every path option of every command, given relative to the caller's
# directory: the shell stands in a work directory that is neither the
# repository nor any input's directory, and every input and output is named
# relative to it (store names with a trailing slash, as tab completion
# writes them). Each command must do exactly what it does with absolute
# paths. (srpm: tests/cli/test_srpm*.sh; kmod and verify: tests/kbuild/.)
. "$(dirname "$0")/common.sh"

W="$T/work"
mkdir -p "$W/in" "$W/reports"
cp -r "$KSERIES_ROOT/series/overlayfs-nfsroot" "$W/in/store"
cp -r "$KSERIES_CORPUS_612" "$W/in/tree"
cd "$W"
K="$KSERIES"
REL=6.12.0-55.el10

# --- check and apply --------------------------------------------------------
run "$K" check --series in/store/ --tree in/tree --release "$REL"
expect_rc 0 "check with relative --series and --tree"
expect_out "applies"

cp -r in/tree in/apply-tree
run "$K" apply --series in/store/ --tree in/apply-tree --release "$REL"
expect_rc 0 "apply with relative paths"
! cmp -s in/tree/fs/overlayfs/super.c in/apply-tree/fs/overlayfs/super.c ||
  fail "apply did not patch in/apply-tree"

# --- matrix: a directory, a git repository, a tarball, --output -----------------
git init -q in/git
cp -r in/tree/. in/git/
(cd in/git && git add -A && git -c user.name=t -c user.email=t@example.org commit -qm base &&
  git tag "kernel-$REL")
tar -C in -cJf in/linux.tar.xz tree
run "$K" matrix --series in/store/ --tree "$REL=in/tree" --git in/git --refs 'kernel-*' \
  --tarball in/linux.tar.xz --format json --output reports/matrix.json
expect_rc 0 "matrix with relative --tree, --git, --tarball and --output"
[ "$(jq '.releases | length' reports/matrix.json)" -eq 3 ] || fail "matrix: not 3 rows: $(cat reports/matrix.json)"
[ -z "$(find reports -name '.*')" ] || fail "matrix left a temporary in reports/"

# --- rebase: --series, --onto and --workspace relative ------------------------
# v2 applies exactly to the tree: nothing is written ...
run "$K" rebase --series in/store/ --from v2 --onto in/tree --workspace ws
expect_rc 0 "rebase with relative paths"
expect_out "v2 already applies exactly to"
expect_out "nothing written"
[ ! -e in/store/v3 ] || fail "rebase wrote a v3 identical to v2"
# ... unless --as asks for the copy.
run "$K" rebase --series in/store/ --from v2 --onto in/tree --workspace ws --as v3
expect_rc 0 "rebase --as v3 with relative paths"
[ -f in/store/v3/series ] || fail "rebase wrote no in/store/v3: $(ls in/store)"
[ ! -e ws ] || fail "a finished rebase left its workspace"
# The new version's series file names the series as index.toml does.
head -1 in/store/v3/series | grep -q "^# overlayfs-nfsroot v3" ||
  fail "v3's series names the series as: $(head -1 in/store/v3/series)"

# The store's name, not its directory's, names the series.
mv in/store in/renamed-store
run "$K" rebase --series in/renamed-store/ --from v2 --onto in/tree --workspace ws --as v4
expect_rc 0 "rebase from a renamed store directory"
head -1 in/renamed-store/v4/series | grep -q "^# overlayfs-nfsroot v4" ||
  fail "v4's series names the series as: $(head -1 in/renamed-store/v4/series)"

# --- refresh ----------------------------------------------------------------------
P2=0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch
mkdir -p in/quilt
cp "$V1/$P2" in/quilt/ && echo "$P2" > in/quilt/series
make_base_tree in/base
cp -r in/base in/edited
(cd in/edited && patch -s -p1 < "$V1/$P2")
sed -i 's/^\(.*EOPNOTSUPP.*\)$/\1 \/* edited *\//' in/edited/fs/overlayfs/copy_up.c
run "$K" refresh --series in/quilt --patch "$P2" --tree in/edited --base in/base
expect_rc 0 "refresh with relative paths"
grep -q 'edited' "in/quilt/$P2" || fail "refresh did not rewrite in/quilt/$P2"

# --- build and publish: an SRPM, --out and --repo relative --------------------
mkdir -p in/rpm/SOURCES in/rpm/SPECS in/rpm/tree/ksrel-1.0
printf 'int main(void) { return 0; }\n' > in/rpm/tree/ksrel-1.0/hello.c
tar -C in/rpm/tree -cJf in/rpm/SOURCES/ksrel-1.0.tar.xz ksrel-1.0
cat > in/rpm/SPECS/ksrel.spec <<'EOF'
%global debug_package %{nil}
Name: ksrel
Version: 1.0
Release: 1
Summary: relative paths test package
License: MIT
Source0: ksrel-1.0.tar.xz
%description
A tiny package.
%prep
%setup -q
%build
gcc -o hello hello.c
%install
install -D -m755 hello %{buildroot}/usr/bin/ksrel-hello
%files
/usr/bin/ksrel-hello
EOF
rpmbuild -bs --define "_topdir $W/in/rpm" in/rpm/SPECS/ksrel.spec > "$T/bs.log" 2>&1 ||
  { cat "$T/bs.log" >&2; fail "rpmbuild -bs"; }
run "$K" build in/rpm/SRPMS/ksrel-1.0-1.src.rpm --backend rpmbuild --out rpms
expect_rc 0 "build with a relative SRPM and --out"
ls rpms/ksrel-1.0-1.*.rpm > /dev/null 2>&1 || fail "build put no RPM into rpms/: $(ls -A rpms)"

run "$K" publish --repo repo rpms/ksrel-1.0-1.*.rpm
expect_rc 0 "publish with a relative --repo and RPM"
[ -f repo/repodata/repomd.xml ] || fail "publish made no repo/repodata"
ls repo/Packages/ksrel-1.0-1.*.rpm > /dev/null 2>&1 || fail "publish copied no RPM into repo/Packages/"

# --- fetch: --catalog and --cache relative, from a server on 127.0.0.1 ------
mkdir www
cp in/rpm/SRPMS/ksrel-1.0-1.src.rpm www/
start_http_server "$W/www"
printf 'lineage = "RHEL 8"\n\n[[release]]\nname = "4.18.0-1.el8"\nminor = "8.0"\n' > in/cat.toml
printf 'srpm = "kernel-4.18.0-1.el8.src.rpm"\nurl = "%s/ok/ksrel-1.0-1.src.rpm"\n' \
  "$base" >> in/cat.toml
printf 'policy = "kernel-spec"\n' >> in/cat.toml
run "$K" fetch --catalog in/cat.toml --cache cache 4.18.0-1.el8
expect_rc 0 "fetch with a relative --catalog and --cache"
cmp -s cache/kernel-4.18.0-1.el8.src.rpm www/ksrel-1.0-1.src.rpm ||
  fail "fetch did not put the SRPM into cache/: $(find cache)"

echo "relative paths: check, apply, matrix, rebase, refresh, build, publish, fetch"
