# verify --boot from RHEL-shaped packages: Debian's 6.12 kernel files
# wrapped here, with the real rpmbuild, into kernel-core (the image at
# /lib/modules/KVER/vmlinuz, modules.order and modules.builtin* but no
# modules.dep, as RHEL ships it, and the core modules), kernel-modules
# (the rest of what the scenario loads) and kernel-devel
# (/usr/src/kernels/KVER, Debian's headers with their links resolved, and
# the /lib/modules/KVER/build link). kseries unpacks them, writes
# modules.dep with depmod -b, and runs the same proof as from paths.
# (Debian's headers Makefile includes the -common headers by absolute
# path; a RHEL kernel-devel is whole. The module build reads them there.)
. "$KSERIES_ROOT/tests/boot/common.sh"
copy_store
rm -rf "$T/store/scenarios/copyup-acl" # one scenario: each boot costs CI time

# The files of the modules estale loads, as modules.dep names them.
mods=""
for m in sunrpc grace lockd nfs_acl auth_rpcgss nfsd netfs nfs dns_resolver nfsv4 overlay; do
    f=$(sed -n "s|^\(kernel/.*/$m\.ko[^:]*\):.*|\1|p" "$MODS/modules.dep")
    [ -n "$f" ] || fail "no $m in $MODS/modules.dep"
    mods="$mods $f"
done

# build_rpm NAME INSTALL FILES: a package whose %install runs INSTALL.
build_rpm() {
    cat > "$T/$1.spec" <<SPEC
Name: $1
Version: 6.12.117
Release: 1
Summary: Debian's kernel files shaped like RHEL's $1
License: GPL-2.0-only
AutoReqProv: no
%define debug_package %{nil}
%define __os_install_post %{nil}
%define _build_id_links none
%define _binary_payload w0.ufdio
%description
Debian's kernel files in RHEL's layout.
%install
$2
%files
$3
SPEC
    rpmbuild -bb --quiet --define "_topdir $T/rpmbuild" "$T/$1.spec" > "$T/rpmbuild.log" 2>&1 ||
        { cat "$T/rpmbuild.log" >&2; fail "rpmbuild $1"; }
    ls "$T"/rpmbuild/RPMS/*/"$1"-6.12.117-1.*.rpm
}
B='%{buildroot}'
L="/lib/modules/$KVER"
core_install="mkdir -p $B$L && cp /boot/vmlinuz-$KVER $B$L/vmlinuz
cp $MODS/modules.order $MODS/modules.builtin $MODS/modules.builtin.modinfo $B$L/"
mod_install="mkdir -p $B$L"
for f in $mods; do
    case $f in
    */net/sunrpc/* | */fs/lockd/* | */fs/nfs_common/* | */net/dns_resolver/*)
        core_install="$core_install
install -D -m 0644 $MODS/$f $B$L/$f" ;;
    *) mod_install="$mod_install
install -D -m 0644 $MODS/$f $B$L/$f" ;;
    esac
done
core=$(build_rpm kernel-core "$core_install" "$L/vmlinuz
$L/modules.*
$L/kernel")
modules=$(build_rpm kernel-modules "$mod_install" "$L/kernel")
devel=$(build_rpm kernel-devel "mkdir -p $B/usr/src/kernels $B$L
cp -rL $HDR $B/usr/src/kernels/$KVER
ln -s /usr/src/kernels/$KVER $B$L/build" "/usr/src/kernels/$KVER
$L/build")

run "$KSERIES" verify --boot --series "$T/store" --tree "$SRC" --accel tcg \
    --kernel-rpm "$core" --kernel-rpm "$modules" --kernel-rpm "$devel"
expect_rc 0 "v2 proved on $KVER from its packages"
rec="$T/store/proofs/v2/$KVER"
[ "$(verdict_of estale "$rec/proof.json")" = proved ] || fail "estale: $(cat "$rec/proof.json")"
grep -q 'Stale file handle' "$rec/estale.stock.log" || fail "stock estale log: no ESTALE"
# The packages were unpacked into the work directory, which is gone.
! ls -d "${TMPDIR:-/tmp}"/kseries-boot-* 2>/dev/null | grep -q . ||
    echo "note: other kseries-boot work directories exist (another run?)" >&2
