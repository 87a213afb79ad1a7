// The daemon as a process: real signals, a loopback echo service as its detector and a loopback
// dyndns2 server as its provider.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startDyndns2, startEcho, type TestServer } from '../helpers/http.js';
import { startDaemon, type DaemonChild } from './child.js';

const servers: TestServer[] = [];
const children: DaemonChild[] = [];
const dirs: { cleanup(): void }[] = [];
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.close()));
  for (const d of dirs) d.cleanup();
});

async function setup(override?: Parameters<typeof startDyndns2>[0]['override']) {
  const tmp = tempDir('ddnsd-daemon-');
  dirs.push(tmp);
  const echo = await startEcho(() => ({ body: '203.0.113.7\n' }));
  const dyn = await startDyndns2({ username: 'me', password: 'pw-canary-4711', hosts: ['home.example.test'], override });
  servers.push(echo, dyn);
  const cfg = {
    schedule: '0 0 1 1 *', // once a year: every cycle in these tests is one the test caused
    state: join(tmp.dir, 'state.json'),
    log: { level: 'debug' },
    detect: { ipv4: [{ type: 'http', url: `${echo.url}/`, accept: 'any' }] },
    providers: { home: { type: 'dyndns2', server: dyn.url, username: 'me', password: 'pw-canary-4711' } },
    records: [{ name: 'home.example.test', provider: 'home' }],
  };
  const file = writeConfig(tmp.dir, cfg);
  return { tmp, echo, dyn, cfg, file };
}

function start(file: string) {
  const d = startDaemon(['--config', file]);
  children.push(d);
  return d;
}

test('daemon started → first cycle, SIGUSR1, SIGHUP with a broken config, SIGUSR1, SIGTERM → updates once, keeps the old config, exits 0', async () => {
  const { echo, dyn, file } = await setup();
  const d = start(file);
  assert.ok(await d.waitForLog(/home\.example\.test A 203\.0\.113\.7: updated/), d.log());
  assert.equal(dyn.requests.length, 1);
  assert.equal(echo.requests.length, 1);

  d.kill('SIGUSR1');
  assert.ok(await d.waitForLog(/cycle finished \(SIGUSR1\)/), d.log());
  assert.equal(echo.requests.length, 2, 'SIGUSR1 ran a cycle');
  assert.equal(dyn.requests.length, 1, 'in sync: no second update');

  writeFileSync(file, 'schedule: "*/5 * * * *"\nrecords: [{ name: home.example.test, provider: home, colour: red }]\n');
  d.kill('SIGHUP');
  assert.ok(await d.waitForLog(/config not reloaded — .*records\.0\.colour: unknown key.*still running with the previous config/), d.log());
  d.kill('SIGUSR1');
  assert.ok(await d.waitForLog(/cycle finished \(SIGUSR1\)/, 15_000, 2), d.log());
  assert.equal(echo.requests.length, 3, 'the old config still detects through the echo service');

  const sent = Date.now();
  d.kill('SIGTERM');
  const { code, at } = await d.exited;
  assert.equal(code, 0, d.log());
  assert.ok(at - sent < 5000, `stopped ${at - sent} ms after SIGTERM`);
  assert.doesNotMatch(d.log(), /pw-canary-4711/);
});

test('daemon waiting on a provider that hangs → SIGTERM → request aborted, exit 0 within 5 s, no unconfirmed update in the state', async () => {
  const { dyn, file, cfg } = await setup(() => ({ body: 'good 203.0.113.7', delayMs: 120_000 }));
  const d = start(file);
  for (let i = 0; i < 300 && dyn.requests.length === 0; i++) await sleep(50);
  assert.equal(dyn.requests.length, 1, d.log());
  const sent = Date.now();
  d.kill('SIGTERM');
  const { code, at } = await d.exited;
  assert.equal(code, 0, d.log());
  assert.ok(at - sent < 5000, `stopped ${at - sent} ms after SIGTERM`);
  let state: { records?: Record<string, { result: string | null; address: string | null }> } = {};
  try {
    state = JSON.parse(readFileSync(cfg.state, 'utf8'));
  } catch {
    // no state written at all is fine too
  }
  assert.equal(state.records?.['home.example.test/ipv4'], undefined, 'an aborted request is not an outcome');
});

test('daemon running → ddnsd --once on the same state file → exit 4 (lock held by the daemon)', async () => {
  const { file } = await setup();
  const d = start(file);
  assert.ok(await d.waitForLog(/cycle finished \(start\)/), d.log());
  const once = await runCli(['--once', '--config', file]);
  assert.equal(once.code, 4, once.stderr);
  assert.match(once.stderr, /another ddnsd \(pid \d+\) holds the lock/);
  d.kill('SIGTERM');
  assert.equal((await d.exited).code, 0);
});

test('provider answers badauth → daemon → stops on its own with exit 3 (no restart loop under systemd)', async () => {
  const { dyn, file } = await setup(() => ({ body: 'badauth' }));
  const d = start(file);
  const { code } = await d.exited;
  assert.equal(code, 3, d.log());
  assert.equal(dyn.requests.length, 1);
  assert.match(d.log(), /every record is stopped by its provider/);
});

test('a second daemon on the same state file → started → exit 4, the first keeps running', async () => {
  const { file } = await setup();
  const first = start(file);
  assert.ok(await first.waitForLog(/cycle finished \(start\)/), first.log());
  const second = start(file);
  assert.equal((await second.exited).code, 4, second.log());
  assert.equal(first.child.exitCode, null);
  first.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
});
