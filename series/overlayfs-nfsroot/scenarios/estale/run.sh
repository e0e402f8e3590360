# estale: proves 0001 (docs/formats/scenario.md). Run by busybox sh inside
# the verify --boot VM after its modules are loaded; the harness powers the
# VM off when this returns. Never run it on the host: it mounts, exports
# and starts NFS daemons.
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
echo old >/export/file
mkdir /export/dir && echo a >/export/dir/a || die "export content"
mount -t nfsd nfsd /proc/fs/nfsd || die "mount nfsd"
rpcbind -w || die rpcbind
exportfs -ra || die "exportfs -ra"
rpc.mountd -N 2 -N 3 || die rpc.mountd
rpc.nfsd -p 2049 -N 3 4 || die rpc.nfsd
# NFSv4 refuses opens for the 90 s grace period after nfsd starts.
echo Y >/proc/fs/nfsd/v4_end_grace || die "end the grace period"

# --- the client: the NFSv4.2 root read-only, a tmpfs upper ---
# actimeo=0: the client revalidates on every access, so the change is seen
# at once (with the default acregmin=2 the same happens after 3 s).
mount -t nfs4 -o ro,vers=4.2,actimeo=0,addr=127.0.0.1 127.0.0.1:/ /lower || die "nfs4 mount"
mount -t tmpfs tmpfs /upper || die "tmpfs /upper"
mkdir /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /merged ||
    die "overlay mount"

# --- the test: read through the overlay, change the lower, read again ---
f0=$(cat /merged/file 2>&1)
d0=$(ls /merged/dir 2>&1 | tr '\n' ' ')
echo "KSERIES-EVIDENCE: before: file=[$f0] dir=[$d0]"
[ "$f0" = old ] || die "the overlay did not show the exported file: $f0"

# How an operator updates a live shared root: write beside, rename over;
# a directory removed and made again.
echo new >/export/.file.tmp && mv /export/.file.tmp /export/file || die "replace the file"
rm -rf /export/dir && mkdir /export/dir && echo b >/export/dir/b || die "recreate the dir"

stale=no
# Twice: the stock module keeps failing, not only on the first access.
for round in 1 2; do
    f=$(cat /merged/file 2>&1)
    d=$(ls /merged/dir 2>&1 | tr '\n' ' ')
    echo "KSERIES-EVIDENCE: after, access $round: file=[$f] dir=[$d]"
    case "$f$d" in *"Stale file handle"*) stale=yes ;; esac
done

if [ "$stale" = yes ]; then
    echo "KSERIES-SYMPTOM: yes Stale file handle through the overlay after the lower changed"
else
    echo "KSERIES-SYMPTOM: no file=[$f] dir=[$d]"
fi
