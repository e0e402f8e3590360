#!/bin/sh
# A stand-in for the generate_all_configs.sh that RHEL kernel SRPMs ship
# mode 0755 and that %prep runs directly (`VERSION=%{version}
# ./generate_all_configs.sh`): it fails unless it is executable, and writes
# one config per kernel-*.config the way the real one names them.
set -e
[ -n "$VERSION" ] || { echo "generate_all_configs.sh: VERSION is not set" >&2; exit 1; }
for c in kernel-*.config; do
  cp "$c" "kernel-$VERSION-${c#kernel-}"
done
echo "generate_all_configs.sh: configs for $VERSION"
