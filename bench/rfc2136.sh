#!/usr/bin/env bash
# ddnsd rfc2136 vs nsupdate against one real named. Needs bind9, bind9-utils, bind9-dnsutils, time.
# Env: BENCH_ROUNDS (one-update runs, default 10), BENCH_BULK_ROUNDS (200-record runs, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
exec node build/bench/rfc2136.js
