#!/usr/bin/env bash
# Idle cost of `ddnsd run`: RSS and CPU time after IDLE_SECONDS (default 60) with nothing to do
# between cycles, against an idle `node` that has http, dgram and crypto loaded (the floor any
# Node daemon pays) and against ddclient's daemon (Debian `ddclient`, if installed). The three
# run side by side, against one loopback server that plays both the IP echo service and the
# dyndns2 provider, so each does its first update and then idles.
#   bash bench/daemon-idle.sh          (after npm run build)
# DDNSD_RUN overrides how the daemon is started (default: node dist/cli.js run).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${IDLE_SECONDS:-60}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# One loopback server: /nic/update answers like a dyndns2 provider, anything else like an echo.
port_file=$work/port
python3 - "$port_file" >/dev/null 2>&1 <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"good 203.0.113.7\n" if self.path.startswith("/nic/update") else b"203.0.113.7\n"
        self.send_response(200); self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
pids+=($!)
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
port=$(cat "$port_file")

cat > "$work/config.yml" <<YML
schedule: "*/5 * * * *"
state: $work/state.json
detect:
  ipv4: [{ type: http, url: "http://127.0.0.1:$port/", accept: any }]
providers:
  home: { type: dyndns2, server: "http://127.0.0.1:$port", username: me, password: pw }
records:
  - { name: home.example.test, provider: home }
YML
read -r -a ddnsd_run <<<"${DDNSD_RUN:-node dist/cli.js run}"
"${ddnsd_run[@]}" --config "$work/config.yml" 2>"$work/ddnsd.log" &
ddnsd_pid=$!
pids+=("$ddnsd_pid")

node -e "require('node:http'); require('node:dgram'); require('node:crypto'); setInterval(() => {}, 2 ** 30);" &
node_pid=$!
pids+=("$node_pid")

ddclient_pid=
if command -v ddclient >/dev/null; then
  cat > "$work/ddclient.conf" <<CONF
daemon=300
ssl=no
cache=$work/ddclient.cache
usev4=webv4, webv4=http://127.0.0.1:$port/
protocol=dyndns2, server=127.0.0.1:$port, login=me, password=pw home.example.test
CONF
  chmod 600 "$work/ddclient.conf"
  ddclient -foreground -file "$work/ddclient.conf" -cache "$work/ddclient.cache" >"$work/ddclient.log" 2>&1 &
  ddclient_pid=$!
  pids+=("$ddclient_pid")
fi

# CPU time (user+system, clock ticks) and RSS (kB) of a process.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# USS: memory only this process holds (private pages); RSS also counts the node binary's and
# libraries' pages that every node process shares.
uss() { awk '/^Private_(Clean|Dirty)/ {k += $2} END {print k}' "/proc/$1/smaps_rollup"; }
hz=$(getconf CLK_TCK)

sleep 10 # start-up and the first cycle are not idle time
declare -A t0
for p in "$ddnsd_pid" "$node_pid" $ddclient_pid; do
  kill -0 "$p" 2>/dev/null || { echo "process $p died; its log:"; cat "$work"/*.log; exit 1; }
  t0[$p]=$(ticks "$p")
done
sleep $((secs - 10))
printf '%-28s %9s %9s %22s\n' "after ${secs}s idle" "RSS (MB)" "USS (MB)" "CPU last $((secs - 10))s (ms)"
report() { # name pid var
  local r u c
  r=$(rss "$2"); u=$(uss "$2"); c=$(( ($(ticks "$2") - t0[$2]) * 1000 / hz ))
  printf '%-28s %9.1f %9.1f %22d\n' "$1" "$(echo "$r / 1024" | bc -l)" "$(echo "$u / 1024" | bc -l)" "$c"
  eval "rss_$3=$r uss_$3=$u cpu_$3=$c"
}
report "ddnsd run" "$ddnsd_pid" ddnsd
report "node + http/dgram/crypto" "$node_pid" node
[ -n "$ddclient_pid" ] && report "ddclient -daemon 300" "$ddclient_pid" ddclient
printf 'ratio ddnsd / idle node: RSS %.2fx, USS %.2fx (target ≤ 1.2x)\n' "$(echo "$rss_ddnsd / $rss_node" | bc -l)" "$(echo "$uss_ddnsd / $uss_node" | bc -l)"
[ -n "$ddclient_pid" ] && printf 'ratio ddnsd / ddclient:  RSS %.2fx, USS %.2fx\n' "$(echo "$rss_ddnsd / $rss_ddclient" | bc -l)" "$(echo "$uss_ddnsd / $uss_ddclient" | bc -l)"
grep -q 'updated' "$work/ddnsd.log" || { echo "ddnsd did not do its first update; its log:"; cat "$work/ddnsd.log"; exit 1; }
