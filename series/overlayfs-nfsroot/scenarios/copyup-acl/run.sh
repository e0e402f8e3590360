# copyup-acl: proves 0002, or that a kernel without it has no symptom
# (docs/formats/scenario.md). Run by busybox sh inside the verify --boot VM
# after its modules are loaded; the harness powers the VM off when this
# returns. Never run it on the host: it mounts, exports and starts NFS daemons.
set -u

. /kseries/lib/nfs-server.sh

# --- the server: a tmpfs exported over NFSv4 on 127.0.0.1 ---
nfs_export_tmpfs
# The seed: writes under subdirectories failed. nfsd on a tmpfs with POSIX
# ACLs hands the client every file with a system.nfs4_acl xattr.
mkdir /export/sub && echo acl >/export/sub/aclfile || die "export content"
nfs_server_start

# --- the client: the NFSv4.2 root read-only, a tmpfs upper, the overlay ---
overlay_on_nfs

# --- the test: three writes that each copy the file up ---
[ "$(cat /merged/sub/aclfile 2>&1)" = acl ] || die "the overlay did not show the exported file"
# Without the ACL xattr on the lower, "no symptom" would prove nothing.
lower=$(/usr/bin/getfattr --absolute-names -m - /lower/sub/aclfile 2>&1 | grep -v '^#' | tr '\n' ' ')
echo "KSERIES-EVIDENCE: lower xattrs: [$lower]"
case "$lower" in *system.nfs4_acl*) ;; *) die "the NFS lower file has no system.nfs4_acl" ;; esac
t=$(touch /merged/sub/aclfile 2>&1) || t="failed: $t"
c=$(chmod 600 /merged/sub/aclfile 2>&1) || c="failed: $c"
a=$( (echo more >>/merged/sub/aclfile) 2>&1) || a="failed: $a"
content=$(cat /merged/sub/aclfile 2>&1 | tr '\n' ' ')
upper=$(/usr/bin/getfattr --absolute-names -m - /upper/u/sub/aclfile 2>&1 | grep -v '^#' | tr '\n' ' ')
echo "KSERIES-EVIDENCE: touch=[$t] chmod=[$c] append=[$a] content=[$content] upper xattrs: [$upper]"

case "$t$c$a" in
*"not supported"* | *"Not supported"*)
    echo "KSERIES-SYMPTOM: yes copy-up failed with EOPNOTSUPP" ;;
*failed:*)
    die "a write failed otherwise: touch=[$t] chmod=[$c] append=[$a]" ;;
*)
    echo "KSERIES-SYMPTOM: no touch, chmod and append copied the file up: [$content]" ;;
esac
