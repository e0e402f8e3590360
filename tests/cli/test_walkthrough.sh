# docs/walkthrough.md runs as written: every command of its ```sh blocks,
# in order, against local stand-ins for what a site has and a test does not:
#   - the AlmaLinux vault: tests/cli/http_server.py on 127.0.0.1, reached
#     through KSERIES_MIRROR (the catalog keeps the published URL);
#   - kernel-4.18.0-553.el8_10.src.rpm: built here with rpmbuild -bs from
#     tests/data/kernel-spec/el8.spec.in, its tarball
#     linux-4.18.0-553.el8_10/ holding Debian 6.12's fs/overlayfs (and
#     fs/internal.h, which overlayfs includes) with RHEL 8.10's Makefiles;
#   - HOME=$T/home, so ~/.cache/kseries and ~/src are the test's; the
#     commands run in a copy of the repository's series/ (v2 applies exactly
#     to the stand-in, so rebase writes nothing and the later steps use v2).
# The substitution table below is the only change made to the commands.
. "$(dirname "$0")/common.sh"
: "${KSERIES_CORPUS_612:?}"
unset KSERIES_CATALOG KSERIES_MIRROR XDG_CACHE_HOME
linux612=${KSERIES_LINUX_612_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
devel=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2> /dev/null | head -n 1)
[ -n "$devel" ] || fail "no Debian linux-headers-6.12.*-amd64 in /usr/src (the kernel-devel stand-in matching the 6.12 overlayfs in the stand-in tarball; install linux-headers-6.12-amd64)"

# Substitution table: walkthrough text -> what this machine has instead.
#   /usr/src/kernels/4.18.0-553.el8_10.x86_64  Debian's linux-headers (kernel-devel)
#   /srv/repos                                 $T/srv/repos (no root needed)
#   verify's --tree ~/src/linux-4.18.0-553.el8_10
#                                              Debian's whole 6.12 tree ($KSERIES_KERNEL_612,
#                                              the kernel612 fixture): the stand-in
#                                              tarball holds fs/overlayfs only
: "${KSERIES_KERNEL_612:?the whole Debian 6.12 tree (the kernel612 fixture)}"
substitute() {
  sed -e "s|/usr/src/kernels/4.18.0-553.el8_10.x86_64|$devel|g" -e "s|/srv/repos|$T/srv/repos|g" \
      -e "/^kseries verify /s|--tree ~/src/linux-4.18.0-553.el8_10|--tree $KSERIES_KERNEL_612|"
}

nvr=4.18.0-553.el8_10
export HOME="$T/home"
mkdir -p "$HOME" "$T/bin" "$T/work"
ln -s "$KSERIES" "$T/bin/kseries"
export PATH="$T/bin:$PATH"
cp -r "$KSERIES_ROOT/series" "$T/work/"

# The stand-in SRPM, in RHEL 8's real spec layout (pkgrelease 553.el8_10,
# specrelease 553%{?dist}), with its helper sources at their real modes and
# the scripts/checkpatch.pl its %prep makes executable.
top="$T/rpmbuild"
mkdir -p "$top/SOURCES" "$top/SPECS" "$top/tar/linux-$nvr/fs" "$top/tar/linux-$nvr/scripts"
cp -r "$KSERIES_CORPUS_612/fs/overlayfs" "$top/tar/linux-$nvr/fs/"
tar -xJf "$linux612" -C "$top/tar" --wildcards '*/fs/internal.h'
mv "$top"/tar/linux-source-6.12/fs/internal.h "$top/tar/linux-$nvr/fs/"
rm -rf "$top/tar/linux-source-6.12"
printf 'VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\nEXTRAVERSION =\n' > "$top/tar/linux-$nvr/Makefile"
printf 'RHEL_MAJOR = 8\nRHEL_MINOR = 10\nRHEL_RELEASE = 553\n' > "$top/tar/linux-$nvr/Makefile.rhelver"
printf '#!/usr/bin/perl\n' > "$top/tar/linux-$nvr/scripts/checkpatch.pl"
tar -C "$top/tar" -cJf "$top/SOURCES/linux-$nvr.tar.xz" "linux-$nvr"
: > "$top/SOURCES/linux-kernel-test.patch"
cp -p "$KSERIES_ROOT"/tests/data/kernel-spec/sources/* "$top/SOURCES/"
sed -e "s/@PKGRELEASE@/553.el8_10/g; s/@DISTRO_BUILD@/553/g; s/@PATCH_COMMAND@/patch -p1 -F1 -s/" \
  "$KSERIES_ROOT/tests/data/kernel-spec/el8.spec.in" > "$top/SPECS/kernel.spec"
rpmbuild -bs --define "_topdir $top" --define "dist .el8_10" "$top/SPECS/kernel.spec" \
  > "$T/rpmbuild.log" 2>&1 || { cat "$T/rpmbuild.log" >&2; fail "rpmbuild -bs of the stand-in"; }
mkdir "$T/www"
cp "$top/SRPMS/kernel-$nvr.src.rpm" "$T/www/" || { ls "$top/SRPMS" >&2; fail "no kernel-$nvr.src.rpm"; }

start_http_server "$T/www"
export KSERIES_MIRROR="https://vault.almalinux.org/8.10/BaseOS/Source/Packages=$base/ok"

# The commands of the ```sh blocks, one file each: lines joined at a
# trailing backslash, a here-document kept with its command.
mkdir "$T/steps"
python3 - "$KSERIES_ROOT/docs/walkthrough.md" "$T/steps" <<'PY'
import re, sys
doc, out = sys.argv[1:]
steps, block, cur, heredoc = [], False, "", None
for line in open(doc, encoding="utf-8"):
    line = line.rstrip("\n")
    if not block:
        block = line == "```sh"
        continue
    if heredoc is None and line == "```":
        block = False
        continue
    cur += line + "\n"
    if heredoc is not None:
        if line == heredoc:
            heredoc = None
            steps.append(cur)
            cur = ""
        continue
    m = re.search(r"<<-?'?(\w+)'?", line)
    if m:
        heredoc = m.group(1)
    elif line.endswith("\\"):
        continue
    elif cur.strip():
        steps.append(cur)
        cur = ""
    else:
        cur = ""
for i, s in enumerate(steps, 1):
    open(f"{out}/{i:02d}.sh", "w").write(s)
PY
n=$(ls "$T/steps" | wc -l)
[ "$n" -ge 12 ] || fail "only $n commands found in docs/walkthrough.md"

# Each step: exit 0, or 1 for matrix (a cell that is not "applies", here
# the releases not fetched, is exit 1 by design). A failing step is
# reported and the later ones still run, so one run shows every problem.
failed=0
cd "$T/work"
for f in "$T"/steps/*.sh; do
  cmd=$(substitute < "$f")
  printf '$ %s\n' "$cmd"
  set +e
  sh -c "$cmd" > "$T/step.out" 2> "$T/step.err"
  rc=$?
  set -e
  cp "$T/step.out" "${f%.sh}.out"
  ok=0
  case $cmd in
    "kseries matrix"*) [ "$rc" -le 1 ] && ok=1 ;;
    *) [ "$rc" -eq 0 ] && ok=1 ;;
  esac
  if [ "$ok" -ne 1 ]; then
    echo "FAIL: exit $rc: $(head -n 1 "$f")" >&2
    tail -n 20 "$T/step.out" "$T/step.err" >&2
    failed=$((failed + 1))
  fi
done

# What the steps made, checked where a step's exit code says too little;
# every check runs, so one run shows every problem.
check() { # check MESSAGE COMMAND...
  msg=$1
  shift
  "$@" > /dev/null 2>&1 || { echo "FAIL: $msg" >&2; failed=$((failed + 1)); }
}
cache="$HOME/.cache/kseries/srpms"
check "fetch cached no kernel-$nvr.src.rpm" test -f "$cache/kernel-$nvr.src.rpm"
check "the SRPM was not fetched through the mirror" grep -q "GET /ok/kernel-$nvr.src.rpm" "$T/http.log"
json=$(grep -l -- '--format json' "$T"/steps/*.sh | head -n 1)
check "matrix --srpm: not one row of $nvr, judged by its own kernel.spec, every cell applying" \
  jq -e '.releases | length == 1 and (.[0] | .release == "4.18.0-553.el8_10" and
         .policy_origin == "the source'"'"'s own kernel.spec" and (.cells | all(.accepted)))' \
  "${json%.sh}.out"
rebase_out="$T/steps/$(basename "$(grep -l '^kseries rebase' "$T"/steps/*.sh)" .sh).out"
check "rebase did not say that v2 already applies exactly" \
  grep -q "^v2 already applies exactly to $nvr; nothing written" "$rebase_out"
check "rebase wrote a v3 though v2 applies exactly" test ! -e series/overlayfs-nfsroot/v3
check "verify did not compile v2" grep -q "v2" "$T/steps/$(basename "$(grep -l '^kseries verify' "$T"/steps/*.sh)" .sh).out"
check "srpm made no patched SRPM" test -f srpms/kernel-$nvr.ovl1.src.rpm
check "build made no kernel RPM in rpms/ (it holds: $(ls rpms 2> /dev/null | tr "\n" " "))" sh -c "ls rpms/kernel-$nvr.ovl1.*.rpm"
check "kmod made no kmod RPM of v2 in rpms/" sh -c "ls rpms/kmod-overlayfs-nfsroot-2-*.rpm"
check "publish made no repository" test -f "$T/srv/repos/overlayfs-nfsroot/repodata/repomd.xml"
check "publish did not add the kmod RPM" sh -c "ls '$T'/srv/repos/overlayfs-nfsroot/Packages/kmod-overlayfs-nfsroot-*.rpm"
check "matrix.html is no HTML page" grep -q '<html' matrix.html
check "matrix.xml is no JUnit file" grep -q '<testsuite' matrix.xml
[ "$failed" -eq 0 ] || fail "$failed walkthrough commands or checks failed (of $n commands)"
echo "ok: $n commands"
