#!/bin/sh
# The main job of `make demo`: check the seed series v1 against the real
# overlayfs sources of Debian's linux-source-6.1 and 6.12 packages, and show
# the verdicts. Both kernels are much newer than v1's base (4.18.0-147), so
# the patches are expected to fail; the report says where and how.
set -eu
build=${1:-build/default}
root=$(cd "$(dirname "$0")/.." && pwd)
kseries="$build/tools/cli/kseries"
series="$root/series/overlayfs-nfsroot/v1"

for v in 6.1 6.12; do
  tree="$build/corpus/linux-$v"
  "$root/tests/differential/extract-corpus.sh" "/usr/src/linux-source-$v.tar.xz" "$tree"
  echo
  echo "=== kseries check: overlayfs-nfsroot v1 on Debian's linux-source-$v ==="
  "$kseries" check --series "$series" --tree "$tree" || true
done

echo
echo "Both patches were written for 4.18.0-147.5.1.el8_1; on these kernels"
echo "ovl_dentry_revalidate() became ovl_revalidate_real(), and upstream now"
echo "skips -EOPNOTSUPP for xattrs it need not copy (see each patch's header)."
echo "Try: $kseries check --series $series --tree DIR --format json"
