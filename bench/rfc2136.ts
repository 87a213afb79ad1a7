// Benchmark: ddnsd's rfc2136 provider vs BIND's `nsupdate -k`, against the same real named.
//   1. one update: `ddnsd --once --ip ADDR` vs nsupdate (delete RRset + add), interleaved runs;
//      wall time and peak RSS (/usr/bin/time -v).
//   2. 200 records in one `ddnsd --once` vs one nsupdate process sending the same 200
//      transactions one by one; updates per second.
// Run: `bash bench/rfc2136.sh` (builds first). Prints medians and ratios (ddnsd / nsupdate).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBind, ZONE } from '../test/rfc2136/bind.js';
import { CLI } from '../test/helpers/cli.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const BULK = 200;
const BULK_ROUNDS = Number(process.env['BENCH_BULK_ROUNDS'] ?? 3);

interface Run {
  wallMs: number;
  rssKb: number;
}

let lastRss = 0;

function timedCapture(cmd: string, args: string[], input?: string): Run {
  try {
    const out = execFileSync('/bin/sh', ['-c', `/usr/bin/time -v "$@" 2>&1 >/dev/null`, 'sh', cmd, ...args], { input, encoding: 'utf8' });
    lastRss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(out)?.[1] ?? 0);
    const m = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(out)!;
    const wallMs = ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
    return { wallMs, rssKb: lastRss };
  } catch (e) {
    throw new Error(`${cmd} failed: ${(e as { stdout?: string }).stdout ?? e}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bind = await startBind();
try {
  const keyFile = bind.keyFiles['hmac-sha256'];
  const dir = bind.dir;
  const state = join(dir, 'bench-state.json');
  const one = join(dir, 'one.json');
  writeFileSync(
    one,
    JSON.stringify({
      state,
      providers: { home: { type: 'rfc2136', server: bind.server, zone: ZONE, key_file: keyFile } },
      records: [{ name: `one.${ZONE}`, provider: 'home' }],
    }),
  );
  const nsScript = (lines: string[]) => `server 127.0.0.1 ${bind.port}\nzone ${ZONE}\n${lines.join('\n')}\n`;

  // 1. one update each, interleaved; the address alternates so every run really writes.
  const d: Run[] = [];
  const n: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const addr = `198.51.100.${(i % 200) + 1}`;
    d.push(timedCapture(process.execPath, [CLI, '--once', '-c', one, '--ip', addr]));
    n.push(timedCapture('nsupdate', ['-k', keyFile], nsScript([`update delete nsu.${ZONE} A`, `update add nsu.${ZONE} 300 A ${addr}`, 'send'])));
  }
  if (bind.dig(`one.${ZONE}`, 'A')[0] !== `198.51.100.${((ROUNDS - 1) % 200) + 1}`) throw new Error('ddnsd did not update');

  // 2. 200 records, interleaved rounds, each round with fresh addresses.
  const bulk = join(dir, 'bulk.json');
  const bulkState = join(dir, 'bulk-state.json');
  const names = Array.from({ length: BULK }, (_, i) => `bulk${i}.${ZONE}`);
  writeFileSync(
    bulk,
    JSON.stringify({
      state: bulkState,
      providers: { home: { type: 'rfc2136', server: bind.server, zone: ZONE, key_file: keyFile } },
      records: names.map((name) => ({ name, provider: 'home' })),
    }),
  );
  const db: Run[] = [];
  const nb: Run[] = [];
  for (let r = 0; r < BULK_ROUNDS; r++) {
    const addr = `203.0.113.${r + 1}`;
    db.push(timedCapture(process.execPath, [CLI, '--once', '-c', bulk, '--ip', addr]));
    const lines = names.flatMap((name) => [`update delete nsu-${name} A`, `update add nsu-${name} 300 A ${addr}`, 'send']);
    nb.push(timedCapture('nsupdate', ['-k', keyFile], nsScript(lines)));
  }
  if (bind.dig(names[BULK - 1]!, 'A')[0] !== `203.0.113.${BULK_ROUNDS}`) throw new Error('ddnsd bulk did not update');

  const fmt = (x: number) => x.toFixed(0);
  const dw = median(d.map((x) => x.wallMs));
  const nw = median(n.map((x) => x.wallMs));
  const dr = median(d.map((x) => x.rssKb));
  const nr = median(n.map((x) => x.rssKb));
  const dbw = median(db.map((x) => x.wallMs));
  const nbw = median(nb.map((x) => x.wallMs));
  const dups = (BULK * 1000) / dbw;
  const nups = (BULK * 1000) / nbw;
  console.log(`rfc2136 bench against named ${bind.server} (hmac-sha256), medians`);
  console.log(`one update   (${ROUNDS} interleaved runs): ddnsd ${fmt(dw)} ms, ${fmt(dr / 1024)} MiB | nsupdate ${fmt(nw)} ms, ${fmt(nr / 1024)} MiB`);
  console.log(`             ratio ddnsd/nsupdate: wall ${(dw / nw).toFixed(2)}x, peak RSS ${(dr / nr).toFixed(2)}x`);
  console.log(`${BULK} records (${BULK_ROUNDS} interleaved runs): ddnsd ${fmt(dbw)} ms = ${fmt(dups)} updates/s | nsupdate ${fmt(nbw)} ms = ${fmt(nups)} updates/s`);
  console.log(`             ratio ddnsd/nsupdate updates/s: ${(dups / nups).toFixed(2)}x (target >= 1.00)`);
} finally {
  await bind.stop();
}
