# kseries build: the rpmbuild backend for real on a small SRPM built here
# (a spec with real %build and %install, switches in RHEL kernel.spec style
# recorded into the package); the remote backends with stand-in clients.
. "$(dirname "$0")/common.sh"

arch=$(uname -m)

# make_srpm NAME BUILD_BODY [KABI_LINE]: an SRPM of a tiny C program whose
# %build runs BUILD_BODY and records the kernel.spec switches it was given.
# With REL='1%{?dist}' DIST=.elN_M its release carries a dist tag, as a
# RHEL kernel's does.
make_srpm() {
  name=$1 body=$2 kabi=${3:-}
  top="$T/src-$name"
  mkdir -p "$top/SOURCES" "$top/SPECS" "$top/tree/linux-$name-1.0"
  printf 'int main(void) { return 0; }\n' > "$top/tree/linux-$name-1.0/hello.c"
  tar -C "$top/tree" -cJf "$top/SOURCES/linux-$name-1.0.tar.xz" "linux-$name-1.0"
  cat > "$top/SPECS/kernel.spec" <<EOF
%define with_baseonly %{?_with_baseonly: 1} %{?!_with_baseonly: 0}
%define with_debug %{?_without_debug: 0} %{?!_without_debug: 1}
%define with_debuginfo %{?_without_debuginfo: 0} %{?!_without_debuginfo: 1}
$kabi
%global debug_package %{nil}
Name: $name
Version: 1.0
Release: ${REL:-1}
Summary: kseries build test package
License: MIT
Source0: linux-$name-1.0.tar.xz
%description
A tiny package whose build records the switches it was given.
%prep
%setup -q -n linux-$name-1.0
%build
$body
gcc -o hello hello.c
echo "baseonly=%{with_baseonly};debug=%{with_debug};debuginfo=%{with_debuginfo};kabichk=%{?with_kabichk}" | tr -d " " > switches
%install
install -D -m755 hello %{buildroot}/usr/bin/$name-hello
install -D -m644 switches %{buildroot}/usr/share/$name/switches
%files
/usr/bin/$name-hello
/usr/share/$name/switches
EOF
  rpmbuild -bs --define "_topdir $top" ${DIST:+--define "dist $DIST"} "$top/SPECS/kernel.spec" \
    > "$T/rpmbuild-bs.log" 2>&1 || { cat "$T/rpmbuild-bs.log"; fail "rpmbuild -bs $name"; }
  echo "$top/SRPMS/$name-1.0-1${DIST:-}.src.rpm"
}

# switches RPM: what the package's build recorded.
switches() { rpm2cpio "$1" | (cd "$T" && rm -rf x && mkdir x && cd x && cpio -id --quiet) && cat "$T"/x/usr/share/*/switches; }

# only_rpms_and_log DIR: nothing half-done (no hidden temporary) left there.
no_temporaries() { [ -z "$(find "$1" -mindepth 1 -name '.*')" ] || { ls -lA "$1" >&2; fail "temporary left in $1"; }; }

kabi_line='%define with_kabichk %{?_without_kabichk: 0} %{?!_without_kabichk: 1}'
ok_srpm=$(make_srpm kstest 'echo building kstest' "$kabi_line")
plain_srpm=$(make_srpm ksplain 'echo building ksplain')
bad_srpm=$(make_srpm ksbad 'echo "hello.c:1: error: the compiler says no"; exit 3')

# --- rpmbuild, default (full) profile: the spec's own defaults --------------
run "$KSERIES" build "$ok_srpm" --backend rpmbuild --arch "$arch" --out "$T/full"
expect_rc 0 "rpmbuild build"
expect_out "package: $T/full/kstest-1.0-1.$arch.rpm"
expect_out "log: $T/full/kstest-1.0-1.rpmbuild.log"
[ "$(rpm -qp --qf '%{NAME} %{ARCH}' "$T/full/kstest-1.0-1.$arch.rpm")" = "kstest $arch" ] ||
  fail "rpm -qp cannot read the built package"
rpm -qpl "$T/full/kstest-1.0-1.$arch.rpm" | grep -qx /usr/bin/kstest-hello || fail "payload missing"
[ "$(switches "$T/full/kstest-1.0-1.$arch.rpm")" = "baseonly=0;debug=1;debuginfo=1;kabichk=1" ] ||
  fail "full profile passed switches: $(switches "$T/full/kstest-1.0-1.$arch.rpm")"
grep -q '^Executing(%build)' "$T/full/kstest-1.0-1.rpmbuild.log" || fail "log lacks %build"
grep -qF -- "--rebuild $ok_srpm --define '_topdir $T/full/.kseries-build-" "$T/full/kstest-1.0-1.rpmbuild.log" ||
  fail "log lacks the command line"
[ "$(ls "$T/full" | wc -l)" -eq 2 ] || { ls -la "$T/full"; fail "unexpected files in --out"; }
no_temporaries "$T/full"

# --- --profile fast: the kernel.spec switches, --without kabichk only when
# the spec has that switch (read from the SRPM's spec).
run "$KSERIES" build "$ok_srpm" --backend rpmbuild --profile fast --out "$T/fast"
expect_rc 0 "fast build"
[ "$(switches "$T/fast/kstest-1.0-1.$arch.rpm")" = "baseonly=1;debug=0;debuginfo=0;kabichk=0" ] ||
  fail "fast profile switches: $(switches "$T/fast/kstest-1.0-1.$arch.rpm")"
grep -qF -- "--with baseonly --without debug --without debuginfo --without kabichk" \
  "$T/fast/kstest-1.0-1.rpmbuild.log" || fail "fast argv not logged"

run "$KSERIES" build "$plain_srpm" --backend rpmbuild --profile fast --out "$T/fast"
expect_rc 0 "fast build, no kabichk switch"
grep -q -- "--without debuginfo$" "$T/fast/ksplain-1.0-1.rpmbuild.log" || fail "ksplain argv"
! grep -q -- "--without kabichk" "$T/fast/ksplain-1.0-1.rpmbuild.log" || fail "--without kabichk passed to a spec without it"

# --- the dist tag: a kernel SRPM's release carries it (1.el9_4 here, like
# 553.el8_10), rpmbuild on this machine defines none; the packages keep the
# SRPM's release because build derives the dist from it, as srpm does.
dist_srpm=$(REL='1%{?dist}' DIST=.el9_4 make_srpm ksdist 'echo building ksdist')
run "$KSERIES" build "$dist_srpm" --backend rpmbuild --out "$T/dist"
expect_rc 0 "build of an SRPM with a dist tag"
expect_out "package: $T/dist/ksdist-1.0-1.el9_4.$arch.rpm"
grep -qF -- "--define 'dist .el9_4'" "$T/dist/ksdist-1.0-1.el9_4.rpmbuild.log" ||
  fail "the derived dist is not on rpmbuild's command line"
# --define wins over the derived dist when rpmspec agrees with the SRPM; a
# dist that does not reproduce the SRPM's release is refused, naming the
# right one, before anything runs.
run "$KSERIES" build "$dist_srpm" --backend rpmbuild --define 'dist .el8' --out "$T/dist2"
expect_rc 2 "a --define dist that contradicts the SRPM"
expect_err "--define 'dist .el9_4'"
[ ! -e "$T/dist2" ] || no_temporaries "$T/dist2"
run "$KSERIES" build "$dist_srpm" --backend koji --koji-target t --define 'dist .el9_4' --out "$T/x"
expect_rc 2 "--define for a remote backend"
expect_err "--define cannot be passed to koji"

# --- a failing %build: exit 1, the stage and its last lines, the log kept,
# no RPM in --out (nor anything half-written).
run "$KSERIES" build "$bad_srpm" --backend rpmbuild --out "$T/bad"
expect_rc 1 "failing %build"
expect_err "build failed in %build (exit code 1)"
expect_err "hello.c:1: error: the compiler says no"
expect_err "error: Bad exit status from"
expect_err "the whole log: $T/bad/ksbad-1.0-1.rpmbuild.log"
grep -q "the compiler says no" "$T/bad/ksbad-1.0-1.rpmbuild.log" || fail "log not kept"
[ -z "$(find "$T/bad" -name '*.rpm')" ] || fail "RPMs in --out after a failed build"
no_temporaries "$T/bad"

# --- bad input and environment: exit 2 -------------------------------------
run "$KSERIES" build "$T/nope.src.rpm" --backend rpmbuild --out "$T/x"
expect_rc 2 "missing SRPM"
expect_err "$T/nope.src.rpm: no such SRPM"
run "$KSERIES" build "$ok_srpm" --backend mock --out "$T/x"
expect_rc 2 "mock without config"
expect_err "--backend mock needs --mock-config CFG"

# --- remote and containerised backends --------------------------------------
# The real koji hub, copr frontend and OBS server cannot be reached from
# here, and mock has no installable Debian 12 package here (and would need a
# Fedora or RHEL chroot), so stand-in clients on PATH
# record their argv (and working directory) and print what the real clients
# print. They prove the exact command lines and the reading of their output;
# they cannot prove that the services accept them.
bin="$T/bin"
mkdir -p "$bin"
cat > "$bin/koji" <<'EOF'
#!/bin/sh
echo "$*" >> "$STANDIN_LOG/koji"
echo "Uploading srpm: $(basename "$4")"
echo "[====================================] 100% 00:00:00  10.00 KiB  12.00 KiB/sec"
echo "Created task: 123456"
echo "Task info: https://koji.example.org/koji/taskinfo?taskID=123456"
case " $* " in *" --nowait "*) exit 0 ;; esac
echo "Watching tasks (this may be safely interrupted)..."
if [ -n "${KOJI_FAIL:-}" ]; then
  echo "123456 build (rhel-8-candidate, kstest-1.0-1.src.rpm): open (x86-64) -> FAILED: BuildError: error building package (arch x86_64), mock exited with status 1"
  echo "  0 free  0 open  0 done  1 failed"
  exit 1
fi
echo "123456 build (rhel-8-candidate, kstest-1.0-1.src.rpm): free -> open (x86-64)"
echo "123456 build (rhel-8-candidate, kstest-1.0-1.src.rpm): open (x86-64) -> closed"
echo "  0 free  0 open  1 done  0 failed"
EOF
cat > "$bin/copr-cli" <<'EOF'
#!/bin/sh
echo "$*" >> "$STANDIN_LOG/copr-cli"
echo "Uploading package kstest-1.0-1.src.rpm"
echo "100% |################################| 10.0 kB  20.0 kB/s eta 0:00:00"
echo "Build was added to kernels:"
echo "  https://copr.example.org/coprs/build/7654321"
echo "Created builds: 7654321"
EOF
# mock: builds for real with rpmbuild into --resultdir, as mock would in its chroot.
cat > "$bin/mock" <<'EOF'
#!/bin/sh
echo "$*" >> "$STANDIN_LOG/mock"
while [ $# -gt 0 ]; do
  case "$1" in --rebuild) srpm=$2; shift ;; --resultdir) res=$2; shift ;; esac
  shift
done
echo "INFO: mock.py version 5.2 starting (python version = 3.11.2, NVR = 5.2-1)..."
echo "Start: rpmbuild $(basename "$srpm")"
mkdir -p "$res"
rpmbuild --rebuild "$srpm" --define "_topdir $res/top" > "$res/build.log" 2>&1 || exit 30
mv "$res"/top/RPMS/*/*.rpm "$res"/
cp "$srpm" "$res"/
rm -rf "$res/top"
echo "Finish: rpmbuild $(basename "$srpm")"
echo "INFO: Results and/or logs in: $res"
EOF
cat > "$bin/osc" <<'EOF'
#!/bin/sh
echo "$(basename "$PWD") | $*" >> "$STANDIN_LOG/osc"
[ "$1" = -A ] && shift 2
case "$1" in
  checkout) mkdir -p "$2/.osc"; echo "A    $2" ;;
  importsrcpkg) mkdir -p "$3" && (cd "$3" && rpm2cpio "$4" | cpio -id --quiet) ;;
  addremove) for f in *; do echo "A    $f"; done ;;
  commit) for f in *; do echo "Sending    $f"; done
          echo "Transmitting file data .."; echo "Committed revision 7." ;;
  results) echo "rhel_8               x86_64     succeeded" ;;
esac
EOF
chmod +x "$bin"/*
export STANDIN_LOG="$T/calls"
mkdir -p "$STANDIN_LOG"

PATH="$bin:$PATH" run "$KSERIES" build "$ok_srpm" --backend koji --koji-target rhel-8-candidate --scratch --out "$T/koji"
expect_rc 0 "koji"
[ "$(cat "$T/calls/koji")" = "build --scratch rhel-8-candidate $ok_srpm" ] || fail "koji argv: $(cat "$T/calls/koji")"
expect_out "koji task: 123456"
expect_out "url: https://koji.example.org/koji/taskinfo?taskID=123456"
expect_out "log: $T/koji/kstest-1.0-1.koji.log"

rm "$T/calls/koji"
PATH="$bin:$PATH" run "$KSERIES" build "$ok_srpm" --backend koji --koji-target rhel-8-candidate --no-wait --out "$T/koji"
expect_rc 0 "koji --no-wait"
[ "$(cat "$T/calls/koji")" = "build --nowait rhel-8-candidate $ok_srpm" ] || fail "koji --nowait argv"
expect_err "build submitted (not waiting)"

KOJI_FAIL=1 PATH="$bin:$PATH" run "$KSERIES" build "$ok_srpm" --backend koji --koji-target rhel-8-candidate --out "$T/koji"
expect_rc 1 "koji task failed"
expect_err "build failed in koji build (exit code 1)"
expect_err "BuildError: error building package"
expect_out "koji task: 123456"

PATH="$bin:$PATH" run "$KSERIES" build "$ok_srpm" --backend copr --copr-project me/kernels --chroot epel-8-x86_64 --no-wait --out "$T/copr"
expect_rc 0 "copr"
[ "$(cat "$T/calls/copr-cli")" = "build --chroot epel-8-x86_64 --nowait me/kernels $ok_srpm" ] ||
  fail "copr argv: $(cat "$T/calls/copr-cli")"
expect_out "copr build: 7654321"
expect_out "url: https://copr.example.org/coprs/build/7654321"

PATH="$bin:$PATH" run "$KSERIES" build "$ok_srpm" --backend mock --mock-config rhel-8-x86_64 --arch "$arch" --profile fast --out "$T/mock"
expect_rc 0 "mock"
sed 's/--resultdir [^ ]*\/\.kseries-build-[^ ]*\/result /--resultdir R /' "$T/calls/mock" | grep -qxF -- \
  "-r rhel-8-x86_64 --rebuild $ok_srpm --resultdir R --target $arch --with baseonly --without debug --without debuginfo --without kabichk" ||
  fail "mock argv: $(cat "$T/calls/mock")"
expect_out "package: $T/mock/kstest-1.0-1.$arch.rpm"
expect_out "package: $T/mock/kstest-1.0-1.src.rpm"
rpm -qp "$T/mock/kstest-1.0-1.$arch.rpm" > /dev/null || fail "mock's RPM unreadable"
no_temporaries "$T/mock"

PATH="$bin:$PATH" run "$KSERIES" build "$ok_srpm" --backend obs --obs-project home:me --apiurl https://api.example.org --out "$T/obs"
expect_rc 0 "obs"
cat > "$T/expected-osc" <<EOF
.kseries-build-* | -A https://api.example.org checkout home:me
home:me | -A https://api.example.org importsrcpkg --name kstest $ok_srpm
kstest | -A https://api.example.org addremove
kstest | -A https://api.example.org commit -m kseries build of kstest-1.0-1.src.rpm
.kseries-build-* | -A https://api.example.org results --watch home:me kstest
EOF
sed 's/^\.kseries-build-[^ ]* /.kseries-build-* /' "$T/calls/osc" | diff -u "$T/expected-osc" - || fail "osc steps"
expect_out "obs revision: 7"
expect_out "url: https://api.example.org/build/home:me/_result?package=kstest"
grep -q "succeeded" "$T/obs/kstest-1.0-1.obs.log" || fail "osc results not logged"
no_temporaries "$T/obs"

# Remote build systems take their options from their own configuration.
PATH="$bin:$PATH" run "$KSERIES" build "$ok_srpm" --backend copr --copr-project me/kernels --profile fast --out "$T/copr"
expect_rc 2 "fast profile to copr"
expect_err "--profile fast cannot be passed to copr"

# A missing client: exit 2, naming it and where it comes from.
mkdir -p "$T/nobin"
for tool in rpm rpmbuild; do ln -s "$(command -v $tool)" "$T/nobin/$tool"; done
PATH="$T/nobin" run "$KSERIES" build "$ok_srpm" --backend koji --koji-target t --out "$T/none"
expect_rc 2 "koji missing"
expect_err "--backend koji runs koji, which is not on PATH (install the Fedora package koji)"
PATH="$T/nobin" run "$KSERIES" build "$ok_srpm" --backend copr --copr-project me/k --out "$T/none"
expect_rc 2 "copr-cli missing"
expect_err "copr-cli, which is not on PATH"
PATH="$T/nobin" run "$KSERIES" build "$ok_srpm" --backend obs --obs-project p --out "$T/none"
expect_rc 2 "osc missing"
expect_err "osc, which is not on PATH (install the Debian and Fedora package osc)"
[ ! -e "$T/none" ] || fail "--out created although nothing could run"
