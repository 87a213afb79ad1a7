// Benchmark: ddnsd's rfc2136 provider vs BIND's `nsupdate -k`, against the same real named.
//   1. one update: `ddnsd --once --ip ADDR` vs nsupdate (delete RRset + add), interleaved runs;
//      wall time and peak RSS (/usr/bin/time -v).
//   2. 200 records in one `ddnsd --once` vs one nsupdate process sending the same 200
//      transactions one by one; updates per second; on a first run (no state) and after the
//      address changed (state present: ddnsd sends them in a few messages, one per 64 records).
// Both over loopback, then through a UDP+TCP relay that adds BENCH_DELAY_MS (default 5) each way:
// over loopback Node's start-up dominates; with a real round trip, round trips show.
// Run: `bash bench/rfc2136.sh` (builds first). Prints medians and ratios (ddnsd / nsupdate).
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startBind, ZONE } from '../test/rfc2136/bind.js';
import { CLI } from '../test/helpers/cli.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const BULK = 200;
const BULK_ROUNDS = Number(process.env['BENCH_BULK_ROUNDS'] ?? 3);
const DELAY_MS = Number(process.env['BENCH_DELAY_MS'] ?? 5);

interface Run {
  wallMs: number;
  rssKb: number;
}


/** Run a command under /usr/bin/time -v (asynchronously: the delay proxy lives in this process). */
function timedCapture(cmd: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Wall time measured here (GNU time prints it in 10 ms steps); peak RSS from GNU time.
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-v', cmd, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin!.end(input ?? '');
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} failed (${code}): ${err.slice(-2000)}`));
      const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? 0);
      resolve({ wallMs: performance.now() - started, rssKb });
    });
  });
}

/** A relay on 127.0.0.1 (UDP and TCP, one port) that delays every message by `delayMs` each
 * way: a server that is 2 × delayMs of round trip away, for both clients alike. Over TCP the
 * client's first bytes also wait one round trip, as behind a real handshake. */
async function delayProxy(target: number, delayMs: number): Promise<{ port: number; close(): void }> {
  const port = await freePort();
  const front = dgram.createSocket('udp4');
  const backs = new Map<string, dgram.Socket>();
  front.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let back = backs.get(key);
    if (!back) {
      const b = dgram.createSocket('udp4');
      b.on('message', (answer) => setTimeout(() => front.send(answer, from.port, from.address), delayMs));
      b.bind(0, '127.0.0.1');
      backs.set(key, b);
      back = b;
    }
    const b = back;
    setTimeout(() => b.send(msg, target, '127.0.0.1'), delayMs);
  });
  await new Promise<void>((r) => front.bind(port, '127.0.0.1', () => r()));
  const tcp = net.createServer((client) => {
    const server = net.connect(target, '127.0.0.1');
    const opened = Date.now() + 2 * delayMs;
    client.on('data', (d) => setTimeout(() => server.write(d), Math.max(delayMs, opened - Date.now())));
    server.on('data', (d) => setTimeout(() => client.write(d), delayMs));
    client.on('end', () => setTimeout(() => server.end(), delayMs));
    server.on('end', () => setTimeout(() => client.end(), delayMs));
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => tcp.listen(port, '127.0.0.1', () => r()));
  return {
    port,
    close() {
      front.close();
      tcp.close();
      for (const b of backs.values()) b.close();
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bind = await startBind();
try {
  await run(bind.port, 'loopback');
  const proxy = await delayProxy(bind.port, DELAY_MS);
  try {
    await run(proxy.port, `${2 * DELAY_MS} ms round trip (delay relay)`);
  } finally {
    proxy.close();
  }
} finally {
  await bind.stop();
}

async function run(port: number, label: string): Promise<void> {
  const server = `127.0.0.1:${port}`;
  const tag = label.startsWith('loop') ? 'l' : 'd';
  const keyFile = bind.keyFiles['hmac-sha256'];
  const dir = bind.dir;
  const state = join(dir, `bench-state-${tag}.json`);
  const one = join(dir, `one-${tag}.json`);
  writeFileSync(
    one,
    JSON.stringify({
      state,
      providers: { home: { type: 'rfc2136', server, zone: ZONE, key_file: keyFile } },
      records: [{ name: `one-${tag}.${ZONE}`, provider: 'home' }],
    }),
  );
  const nsScript = (lines: string[]) => `server 127.0.0.1 ${port}\nzone ${ZONE}\n${lines.join('\n')}\n`;

  // 1. one update each, interleaved; the address alternates so every run really writes.
  const d: Run[] = [];
  const n: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const addr = `198.51.100.${(i % 200) + 1}`;
    d.push(await timedCapture(process.execPath, [CLI, '--once', '-c', one, '--ip', addr]));
    n.push(await timedCapture('nsupdate', ['-k', keyFile], nsScript([`update delete nsu-${tag}.${ZONE} A`, `update add nsu-${tag}.${ZONE} 300 A ${addr}`, 'send'])));
  }
  if (bind.dig(`one-${tag}.${ZONE}`, 'A')[0] !== `198.51.100.${((ROUNDS - 1) % 200) + 1}`) throw new Error('ddnsd did not update');

  // 2. 200 records in one run. (a) first run: new names and no state, each round; (b) the
  // address changed since the last run (state present): same names, a new address each round.
  // nsupdate sends the same 200 delete+add transactions in both.
  const bulkConfig = (r: string, names: string[]) => {
    const file = join(dir, `bulk-${tag}${r}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        state: join(dir, `bulk-state-${tag}${r}.json`),
        providers: { home: { type: 'rfc2136', server, zone: ZONE, key_file: keyFile } },
        records: names.map((name) => ({ name, provider: 'home' })),
      }),
    );
    return file;
  };
  const bulkNames = (r: string) => Array.from({ length: BULK }, (_, i) => `bulk-${tag}${r}-${i}.${ZONE}`);
  const nsBulk = (names: string[], addr: string) =>
    nsScript(names.flatMap((name) => [`update delete nsu-${name} A`, `update add nsu-${name} 300 A ${addr}`, 'send']));
  const fb: Run[] = [];
  const nfb: Run[] = [];
  for (let r = 0; r < BULK_ROUNDS; r++) {
    const names = bulkNames(`f${r}`);
    fb.push(await timedCapture(process.execPath, [CLI, '--once', '-c', bulkConfig(`f${r}`, names), '--ip', '203.0.113.1']));
    nfb.push(await timedCapture('nsupdate', ['-k', keyFile], nsBulk(names, '203.0.113.1')));
  }
  const names = bulkNames('c');
  const changed = bulkConfig('c', names);
  await timedCapture(process.execPath, [CLI, '--once', '-c', changed, '--ip', '203.0.113.100']);
  const db: Run[] = [];
  const nb: Run[] = [];
  for (let r = 0; r < BULK_ROUNDS; r++) {
    const addr = `203.0.113.${r + 1}`;
    db.push(await timedCapture(process.execPath, [CLI, '--once', '-c', changed, '--ip', addr]));
    nb.push(await timedCapture('nsupdate', ['-k', keyFile], nsBulk(names, addr)));
  }
  if (bind.dig(names[BULK - 1]!, 'A')[0] !== `203.0.113.${BULK_ROUNDS}`) throw new Error('ddnsd bulk did not update');

  const fmt = (x: number) => x.toFixed(0);
  const dw = median(d.map((x) => x.wallMs));
  const nw = median(n.map((x) => x.wallMs));
  const dr = median(d.map((x) => x.rssKb));
  const nr = median(n.map((x) => x.rssKb));
  const bulkLine = (what: string, d: Run[], n: Run[]) => {
    const dups = (BULK * 1000) / median(d.map((x) => x.wallMs));
    const nups = (BULK * 1000) / median(n.map((x) => x.wallMs));
    console.log(`${BULK} records, ${what} (${BULK_ROUNDS} interleaved runs): ddnsd ${fmt(dups)} updates/s | nsupdate ${fmt(nups)} updates/s`);
    console.log(`             ratio ddnsd/nsupdate updates/s: ${(dups / nups).toFixed(2)}x (target >= 1.00)`);
  };
  console.log(`\nrfc2136 vs nsupdate, named over ${label}, hmac-sha256, medians`);
  console.log(`one update   (${ROUNDS} interleaved runs): ddnsd ${fmt(dw)} ms, ${fmt(dr / 1024)} MiB | nsupdate ${fmt(nw)} ms, ${fmt(nr / 1024)} MiB`);
  console.log(`             ratio ddnsd/nsupdate: wall ${(dw / nw).toFixed(2)}x, peak RSS ${(dr / nr).toFixed(2)}x`);
  bulkLine('first run (no state)', fb, nfb);
  bulkLine('address changed', db, nb);
}
