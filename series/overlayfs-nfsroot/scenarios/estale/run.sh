# estale: proves 0001 (docs/formats/scenario.md). Run by busybox sh inside
# the verify --boot VM after its modules are loaded; the harness powers the
# VM off when this returns. Never run it on the host: it mounts, exports
# and starts NFS daemons.
set -u

. /kseries/lib/nfs-server.sh

# --- the server: a tmpfs exported over NFSv4 on 127.0.0.1 ---
nfs_export_tmpfs
echo old >/export/file || die "export content"
mkdir /export/dir && echo a >/export/dir/a || die "export content"
nfs_server_start

# --- the client: the NFSv4.2 root read-only, a tmpfs upper, the overlay ---
overlay_on_nfs

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
