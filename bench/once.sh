#!/usr/bin/env bash
# `ddnsd --once` against ddclient (Debian package) and `node -e 0`, same loopback echo and
# dyndns2 servers, runs interleaved: nothing changed, and one update per run.
#   bash bench/once.sh [RUNS]      (needs: npm run build; apt-get install ddclient time)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
command -v ddclient >/dev/null || { echo "ddclient is missing: apt-get install -y ddclient" >&2; exit 2; }
work=$(mktemp -d)
node bench/servers.mjs > "$work/ports" &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$work"' EXIT
while [ ! -s "$work/ports" ]; do sleep 0.05; done
read -r ECHO DYN < "$work/ports"

for mode in fixed rotate; do
  cat > "$work/ddnsd-$mode.yml" <<YML
state: $work/ddnsd-$mode.state
detect: { ipv4: [ { type: http, url: "http://127.0.0.1:$ECHO/$mode", accept: any } ] }
providers: { p: { type: dyndns2, server: "http://127.0.0.1:$DYN", username: u, password: p } }
records: [ { name: home.example.com, provider: p } ]
YML
  cat > "$work/ddclient-$mode.conf" <<CONF
daemon=0
ssl=no
use=web, web=http://127.0.0.1:$ECHO/$mode
protocol=dyndns2
server=127.0.0.1:$DYN
login=u
password=p
home.example.com
CONF
  chmod 600 "$work/ddclient-$mode.conf" "$work/ddnsd-$mode.yml"
  # prime both states so "fixed" really has nothing to change
  node dist/cli.js --once -c "$work/ddnsd-$mode.yml" >/dev/null 2>&1 || true
  ddclient -daemon=0 -file "$work/ddclient-$mode.conf" -cache "$work/ddclient-$mode.cache" -foreground -quiet >/dev/null 2>&1 || true
done

echo "== nothing changed"
node bench/compare.mjs "$RUNS" \
  "node -e 0=node -e 0" \
  "ddnsd --once=node dist/cli.js --once -c $work/ddnsd-fixed.yml" \
  "ddclient=ddclient -daemon=0 -file $work/ddclient-fixed.conf -cache $work/ddclient-fixed.cache -foreground -quiet"
echo "== one update per run"
node bench/compare.mjs "$RUNS" \
  "node -e 0=node -e 0" \
  "ddnsd --once=node dist/cli.js --once -c $work/ddnsd-rotate.yml --log-level warn" \
  "ddclient=ddclient -daemon=0 -file $work/ddclient-rotate.conf -cache $work/ddclient-rotate.cache -foreground -quiet"
