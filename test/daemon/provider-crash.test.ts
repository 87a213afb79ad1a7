// The real cycle inside the daemon, with a provider type whose code throws: its records are
// marked failed in the state file, the other provider's records are updated, and the daemon
// carries on to its next tick.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { providerTypes } from '../../providers/index.js';
import type { Config } from '../../src/config/load.js';
import { runDaemon } from '../../src/daemon.js';
import { createHttpClient } from '../../src/http.js';
import { tempDir } from '../helpers/cli.js';
import { startDyndns2 } from '../helpers/http.js';
import { config, FakeClock, fakeDeps, recordingLogger, settle } from './fakes.js';

providerTypes['explodes'] = {
  entries: {},
  secrets: [],
  load: async () => ({
    create: (name) => ({
      name,
      apply: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'zone')");
      },
    }),
  }),
};
after(() => delete providerTypes['explodes']);

test('one provider throws → daemon cycles → its records failed, the other provider updated, next tick still runs', async () => {
  const tmp = tempDir('ddnsd-crash-');
  const dyn = await startDyndns2({ username: 'me', password: 'pw', hosts: ['ok.example.test'] });
  try {
    const clock = new FakeClock(Date.parse('2026-03-01T00:02:00Z'));
    const f = fakeDeps(clock);
    delete f.deps.cycle; // the real one
    f.deps.createHttp = async () => createHttpClient();
    const cfg: Config = config({
      state: join(tmp.dir, 'state.json'),
      providers: { good: { type: 'dyndns2', server: dyn.url, username: 'me', password: 'pw' }, bad: { type: 'explodes' } },
      records: [
        { name: 'ok.example.test', provider: 'good', ipv4: true, ipv6: false, ttl: 300 },
        { name: 'boom.example.test', provider: 'bad', ipv4: true, ipv6: false, ttl: 300 },
      ],
    });
    const { log, lines } = recordingLogger();
    const done = runDaemon({ config: cfg, reload: async () => cfg, records: [], force: false, ips: {}, log, env: {} }, f.deps);
    for (let i = 0; i < 200 && !lines.some((l) => l.includes('cycle finished (start)')); i++) await new Promise((r) => setTimeout(r, 10));
    const state = JSON.parse(readFileSync(cfg.state, 'utf8'));
    assert.equal(state.records['ok.example.test/ipv4'].result, 'updated');
    assert.equal(state.records['boom.example.test/ipv4'].result, 'failed');
    assert.match(state.records['boom.example.test/ipv4'].message, /unexpected error: Cannot read properties/);
    await clock.advanceTo(Date.parse('2026-03-01T00:05:01Z'));
    for (let i = 0; i < 200 && !lines.some((l) => /cycle finished \(schedule/.test(l)); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(lines.some((l) => /cycle finished \(schedule/.test(l)), lines.join('\n'));
    f.signals.emit('SIGTERM');
    assert.equal(await done, 0);
  } finally {
    await dyn.close();
    tmp.cleanup();
  }
});

test('a promise rejected outside any cycle → daemon → logged, keeps running', async () => {
  const clock = new FakeClock(Date.parse('2026-03-01T00:02:00Z'));
  const f = fakeDeps(clock);
  const { log, lines } = recordingLogger();
  const done = runDaemon({ config: config(), reload: async () => config(), records: [], force: false, ips: {}, log, env: {} }, f.deps);
  await settle();
  f.signals.emit('unhandledRejection', new Error('socket hang up'));
  await clock.advance(5 * 60_000);
  assert.match(lines.join('\n'), /error unexpected error outside a cycle — Error: socket hang up/);
  assert.equal(f.calls.length, 2);
  f.signals.emit('SIGTERM');
  assert.equal(await done, 0);
});
