# nfs-server.sh: the NFSv4 server and the overlay on it that the
# overlayfs-nfsroot scenarios share (docs/formats/scenario.md, `uses`).
# Sourced by a scenario's run.sh inside the verify --boot VM, never on the
# host: it mounts, exports and starts NFS daemons. Only functions: the
# script calls them in order, putting its own files into /export between.
#
# The tools are called by their absolute paths: busybox sh runs its own
# applet for a bare name even when PATH holds the real program.

# A setup step that fails is no verdict: say why and stop without a
# KSERIES-SYMPTOM line, so kseries reports an error, not a result.
die() {
    echo "KSERIES-EVIDENCE: setup failed: $*"
    exit 1
}

# lo up and an empty tmpfs at /export for the script to fill.
nfs_export_tmpfs() {
    ip link set lo up || die "lo up"
    mkdir -p /export /var/lib/nfs/v4recovery /proc/fs/nfsd
    mount -t tmpfs -o mode=0755 tmpfs /export || die "tmpfs /export"
}

# nfsd serving /export as the NFSv4 pseudo-root on 127.0.0.1. NFSv4 only:
# no rpcbind (rpc.mountd still answers the kernel's export upcalls).
nfs_server_start() {
    : >/var/lib/nfs/etab
    : >/var/lib/nfs/rmtab
    echo '127.0.0.1 localhost' >>/etc/hosts
    # A tmpfs has no UUID: fsid=0 names it, and makes it the v4 root "/".
    echo '/export 127.0.0.1(rw,fsid=0,no_subtree_check,no_root_squash,insecure)' >/etc/exports
    mount -t nfsd nfsd /proc/fs/nfsd || die "mount nfsd"
    /usr/sbin/exportfs -ra || die "exportfs -ra"
    /usr/sbin/rpc.mountd -N 2 -N 3 || die rpc.mountd
    # 4 is the thread count, not a version.
    /usr/sbin/rpc.nfsd -p 2049 -N 3 4 || die rpc.nfsd
    # NFSv4 refuses opens for the 90 s grace period after nfsd starts.
    echo Y >/proc/fs/nfsd/v4_end_grace || die "end the grace period"
}

# The export mounted read-only over NFSv4.2 at /lower (busybox mount has no
# mount.nfs to resolve the server: addr= is needed), a tmpfs upper, the
# overlay at /merged. actimeo=0: the client revalidates on every access, so
# a change on the server is seen at once.
overlay_on_nfs() {
    mkdir -p /lower /upper /merged
    mount -t nfs4 -o ro,vers=4.2,actimeo=0,addr=127.0.0.1 127.0.0.1:/ /lower || die "nfs4 mount"
    mount -t tmpfs tmpfs /upper || die "tmpfs /upper"
    mkdir /upper/u /upper/w
    mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /merged ||
        die "overlay mount"
}
