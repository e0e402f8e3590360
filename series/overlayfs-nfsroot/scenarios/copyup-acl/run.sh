# copyup-acl: proves 0002, or that a kernel without it has no symptom
# (docs/formats/scenario.md). Run by busybox sh inside the verify --boot VM
# after its modules are loaded; the harness powers the VM off when this
# returns. Never run it on the host: it mounts, exports and starts NFS daemons.
set -u

# A setup step that fails is no verdict: say why and stop without a
# KSERIES-SYMPTOM line, so kseries reports an error, not a result.
die() {
    echo "KSERIES-EVIDENCE: setup failed: $*"
    exit 1
}

# --- the server: a tmpfs exported over NFSv4 on 127.0.0.1 ---
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up || die "lo up"
mkdir -p /export /lower /upper /merged /run/rpcbind /var/lib/nfs/v4recovery /proc/fs/nfsd
: >/var/lib/nfs/etab
: >/var/lib/nfs/rmtab
grep -q '^_rpc:' /etc/passwd 2>/dev/null ||
    echo '_rpc:x:100:65534::/run/rpcbind:/bin/false' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group
echo '127.0.0.1 localhost' >>/etc/hosts
echo '/export 127.0.0.1(rw,fsid=0,no_subtree_check,no_root_squash,insecure)' >/etc/exports
mount -t tmpfs -o mode=0755 tmpfs /export || die "tmpfs /export"
# The seed: writes under subdirectories failed. nfsd on a tmpfs with POSIX
# ACLs hands the client every file with a system.nfs4_acl xattr.
mkdir /export/sub && echo acl >/export/sub/aclfile || die "export content"
mount -t nfsd nfsd /proc/fs/nfsd || die "mount nfsd"
rpcbind -w || die rpcbind
exportfs -ra || die "exportfs -ra"
rpc.mountd -N 2 -N 3 || die rpc.mountd
rpc.nfsd -p 2049 -N 3 4 || die rpc.nfsd
# NFSv4 refuses opens for the 90 s grace period after nfsd starts.
echo Y >/proc/fs/nfsd/v4_end_grace || die "end the grace period"

# --- the client: the NFSv4.2 root read-only, a tmpfs upper ---
mount -t nfs4 -o ro,vers=4.2,actimeo=0,addr=127.0.0.1 127.0.0.1:/ /lower || die "nfs4 mount"
mount -t tmpfs tmpfs /upper || die "tmpfs /upper"
mkdir /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /merged ||
    die "overlay mount"

# --- the test: three writes that each copy the file up ---
[ "$(cat /merged/sub/aclfile 2>&1)" = acl ] || die "the overlay did not show the exported file"
t=$(touch /merged/sub/aclfile 2>&1) || t="failed: $t"
c=$(chmod 600 /merged/sub/aclfile 2>&1) || c="failed: $c"
a=$( (echo more >>/merged/sub/aclfile) 2>&1) || a="failed: $a"
content=$(cat /merged/sub/aclfile 2>&1 | tr '\n' ' ')
echo "KSERIES-EVIDENCE: touch=[$t] chmod=[$c] append=[$a] content=[$content]"

case "$t$c$a" in
*"not supported"* | *"Not supported"*)
    echo "KSERIES-SYMPTOM: yes copy-up failed with EOPNOTSUPP" ;;
*failed:*)
    die "a write failed otherwise: touch=[$t] chmod=[$c] append=[$a]" ;;
*)
    echo "KSERIES-SYMPTOM: no touch, chmod and append copied the file up: [$content]" ;;
esac
