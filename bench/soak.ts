// Soak: the daemon with the real cycle, real HTTP client and state file, driven by a fake clock
// one `schedule` tick at a time for many cycles (default 10 000 ≈ 35 days at */5). The echo
// service moves the address every 50 cycles, so updates, in-sync cycles and max_age resends all
// happen. Prints heap and RSS after GC at checkpoints; fails if the heap keeps growing.
//   npm run soak            (SOAK_CYCLES=50000 npm run soak for a longer run; about 7 ms a cycle)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { runCycle } from '../src/cycle.js';
import { runDaemon } from '../src/daemon.js';
import { createHttpClient } from '../src/http.js';
import { createLogger } from '../src/log.js';
import { config, FakeClock, fakeDeps } from '../test/daemon/fakes.js';
import { startDyndns2, startEcho } from '../test/helpers/http.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run soak does)');
const cycles = Number(process.env['SOAK_CYCLES'] ?? 10_000);
const warmup = Math.min(2000, Math.floor(cycles / 5)); // V8 is still compiling hot code before this
const dir = mkdtempSync(join(tmpdir(), 'ddnsd-soak-'));

let n = 0;
const echo = await startEcho(() => ({ body: `198.51.100.${1 + (Math.floor(n / 50) % 200)}\n` }));
const dyn = await startDyndns2({ username: 'me', password: 'pw', hosts: ['a.example.test', 'b.example.test'] });

const clock = new FakeClock(Date.parse('2026-01-01T00:00:30Z'));
const f = fakeDeps(clock);
let finished: () => void = () => {};
f.deps.createHttp = async () => createHttpClient();
f.deps.cycle = async (cfg, opts, ctx) => {
  try {
    return await runCycle(cfg, opts, ctx);
  } finally {
    n++;
    finished();
  }
};
const cfg = config({
  schedule: '* * * * *',
  state: join(dir, 'state.json'),
  maxAgeMs: 3 * 86_400_000,
  log: { level: 'warn', format: 'text' },
  detect: { ipv4: [{ type: 'http', url: `${echo.url}/`, timeout: 5000, accept: 'any' }], ipv6: [], agree: 1 },
  providers: { d: { type: 'dyndns2', server: dyn.url, username: 'me', password: 'pw' } },
  records: [
    { name: 'a.example.test', provider: 'd', ipv4: true, ipv6: false, ttl: 300 },
    { name: 'b.example.test', provider: 'd', ipv4: true, ipv6: false, ttl: 300 },
  ],
});
const log = createLogger({ level: 'warn', format: 'text', journal: false });
const daemon = runDaemon({ config: cfg, reload: async () => cfg, records: [], force: false, ips: {}, log, env: {} }, f.deps);

const next = () => new Promise<void>((resolve) => (finished = resolve));
await next(); // the cycle at start
const rows: { cycle: number; heap: number; rss: number }[] = [];
const started = Date.now();
let updates = 0;
for (let i = 1; i <= cycles; i++) {
  const done = next();
  await clock.advanceTo((Math.floor(clock.t / 60_000) + 1) * 60_000);
  await done;
  updates += dyn.requests.length;
  dyn.requests.length = 0; // the test servers record every request; the daemon must not
  echo.requests.length = 0;
  if (i % Math.max(1, Math.floor(cycles / 10)) === 0 || i === warmup) {
    gc();
    // SOAK_SNAP=1: heap snapshots after warm-up and at the end, to diff in DevTools.
    if (process.env['SOAK_SNAP'] && (i === warmup || i === cycles)) writeHeapSnapshot(join(tmpdir(), `ddnsd-soak-${i}.heapsnapshot`));
    const m = process.memoryUsage();
    rows.push({ cycle: i, heap: m.heapUsed, rss: m.rss });
    console.log(`cycle ${String(i).padStart(6)}  heap ${(m.heapUsed / 1e6).toFixed(2)} MB  rss ${(m.rss / 1e6).toFixed(1)} MB`);
  }
}
f.signals.emit('SIGTERM');
assert.equal(await daemon, 0);
await Promise.all([echo.close(), dyn.close()]);
rmSync(dir, { recursive: true, force: true });

const base = rows.find((r) => r.cycle >= warmup)!;
const last = rows[rows.length - 1]!;
const perCycle = (last.heap - base.heap) / Math.max(1, last.cycle - base.cycle);
console.log(
  `${cycles} cycles in ${((Date.now() - started) / 1000).toFixed(1)} s; ${updates} updates sent; heap after warm-up ${(base.heap / 1e6).toFixed(2)} → ${(last.heap / 1e6).toFixed(2)} MB (${perCycle.toFixed(1)} bytes/cycle, ${((perCycle * 288 * 365) / 1e6).toFixed(2)} MB/year at */5)`,
);
assert.ok(perCycle < 100, `heap grows ${perCycle.toFixed(1)} bytes per cycle`);
