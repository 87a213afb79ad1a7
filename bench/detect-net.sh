#!/usr/bin/env bash
# Time `ddnsd detect` with the dns and upnp detectors against what a user would run instead:
# `dig` at the same loopback BIND, and miniupnpc's `upnpc -s` against the same miniupnpd
# (inside throwaway network namespaces). hyperfine runs each pair and prints the ratio.
# Needs root (namespaces), bind9, bind9-dnsutils, miniupnpd, miniupnpc, hyperfine.
# Usage: npm run build && bash bench/detect-net.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-15}
CLI="$PWD/dist/cli.js"
DIR=$(mktemp -d /tmp/ddnsd-bench-XXXXXX)
TAG="ddb$$"
PORT=$((20000 + RANDOM % 20000))
NAMED_PID=""

cleanup() {
  [ -n "$NAMED_PID" ] && kill "$NAMED_PID" 2>/dev/null || true
  [ -f "$DIR/miniupnpd.pid" ] && kill "$(cat "$DIR/miniupnpd.pid")" 2>/dev/null || true
  for ns in lan igd isp; do ip netns del "$TAG-$ns" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

# --- a loopback BIND with myip.example.test A -------------------------------------------
cat > "$DIR/zone" <<ZONE
\$TTL 60
@ SOA ns.example.test. admin.example.test. 1 3600 600 86400 60
@ NS ns
ns A 127.0.0.1
myip A 11.22.33.44
ZONE
cat > "$DIR/named.conf" <<CONF
options { directory "$DIR"; pid-file "$DIR/named.pid"; session-keyfile "$DIR/session.key";
  managed-keys-directory "$DIR"; listen-on port $PORT { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; notify no; dnssec-validation no; allow-transfer { none; }; };
controls { };
zone "example.test" { type primary; file "zone"; };
CONF
named -g -c "$DIR/named.conf" >"$DIR/named.log" 2>&1 &
NAMED_PID=$!
for _ in $(seq 100); do dig +short +time=1 +tries=1 -p "$PORT" @127.0.0.1 example.test SOA >/dev/null 2>&1 && break; sleep 0.05; done

config() { # $1 = detect stanza (JSON)
  printf '{"state":"%s/state.json","detect":{"ipv4":[%s]},"providers":{"p":{"type":"dyndns2","server":"http://127.0.0.1:9","username":"u","password":"p"}},"records":[{"name":"home.example.com","provider":"p"}]}\n' "$DIR" "$1"
}
config '{"type":"static","address":"11.22.33.44"}' > "$DIR/static.json"
config "{\"type\":\"dns\",\"server\":\"127.0.0.1:$PORT\",\"name\":\"myip.example.test\"}" > "$DIR/dns.json"
config '{"type":"upnp"}' > "$DIR/upnp.json"
config '{"type":"upnp","location":"http://192.168.77.1:5000/rootDesc.xml"}' > "$DIR/upnp-location.json"
chmod 600 "$DIR"/*.json

echo "== dns: ddnsd detect vs dig (same loopback BIND); static = ddnsd's start-up cost alone"
hyperfine -N --style basic --runs "$RUNS" --warmup 2 \
  -n dig "dig +short +time=1 +tries=1 -p $PORT @127.0.0.1 myip.example.test A" \
  -n "ddnsd detect (static)" "node $CLI detect -c $DIR/static.json" \
  -n "ddnsd detect (dns)" "node $CLI detect -c $DIR/dns.json"

# --- lan ↔ igd (miniupnpd) ↔ isp ---------------------------------------------------------
for ns in lan igd isp; do ip netns add "$TAG-$ns"; ip -n "$TAG-$ns" link set lo up; done
ip link add veth-lan netns "$TAG-lan" type veth peer name veth-gw netns "$TAG-igd"
ip link add wan0 netns "$TAG-igd" type veth peer name isp0 netns "$TAG-isp"
ip -n "$TAG-lan" addr add 192.168.77.2/24 dev veth-lan
ip -n "$TAG-igd" addr add 192.168.77.1/24 dev veth-gw
ip -n "$TAG-igd" addr add 11.22.33.44/24 dev wan0
ip -n "$TAG-isp" addr add 11.22.33.1/24 dev isp0
ip -n "$TAG-lan" link set veth-lan up; ip -n "$TAG-igd" link set veth-gw up
ip -n "$TAG-igd" link set wan0 up; ip -n "$TAG-isp" link set isp0 up
ip -n "$TAG-igd" route add default via 11.22.33.1
ip -n "$TAG-lan" route add default via 192.168.77.1
cat > "$DIR/miniupnpd.conf" <<CONF
ext_ifname=wan0
listening_ip=veth-gw
http_port=5000
enable_upnp=yes
enable_natpmp=no
secure_mode=yes
uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b
allow 1024-65535 192.168.77.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
ip netns exec "$TAG-igd" miniupnpd -d -f "$DIR/miniupnpd.conf" -P "$DIR/miniupnpd.pid" >"$DIR/miniupnpd.log" 2>&1 &
for _ in $(seq 100); do grep -q 'HTTP listening' "$DIR/miniupnpd.log" 2>/dev/null && break; sleep 0.05; done

IN_LAN="ip netns exec $TAG-lan"
echo "== upnp with SSDP discovery: ddnsd detect vs upnpc -s (miniupnpc, its default 2 s discovery)"
hyperfine -N --style basic --runs "$RUNS" --warmup 1 \
  -n "upnpc -s" "$IN_LAN upnpc -s" \
  -n "ddnsd detect (upnp)" "$IN_LAN node $CLI detect -c $DIR/upnp.json"
echo "== upnp with a known description URL: ddnsd detect (location) vs upnpc -u URL -s"
hyperfine -N --style basic --runs "$RUNS" --warmup 1 \
  -n "upnpc -u URL -s" "$IN_LAN upnpc -u http://192.168.77.1:5000/rootDesc.xml -s" \
  -n "ddnsd detect (static, in lan)" "$IN_LAN node $CLI detect -c $DIR/static.json" \
  -n "ddnsd detect (upnp location)" "$IN_LAN node $CLI detect -c $DIR/upnp-location.json"
