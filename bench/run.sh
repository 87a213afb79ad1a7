#!/usr/bin/env bash
# Every benchmark, one after another (each prints ratios against the tool a user would pick
# instead). Needs the Debian packages: bind9 bind9-utils bind9-dnsutils ddclient hyperfine time
# miniupnpc (sudo apt-get install -y ...). Each script can also be run alone.
set -euo pipefail
cd "$(dirname "$0")"
for b in once.sh rfc2136.sh detect-net.sh daemon-idle.sh; do
  [ -f "$b" ] || continue
  echo "### $b"
  bash "$b"
done
echo "### address-event (root: uses a network namespace)"
node ../build/bench/address-event.js
