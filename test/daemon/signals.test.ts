import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../src/config/load.js';
import { configError } from '../../src/errors.js';
import { runDaemon, STOP_GRACE_MS } from '../../src/daemon.js';
import { config, FakeClock, fakeDeps, recordingLogger, settle } from './fakes.js';

const T0 = Date.parse('2026-03-01T00:02:00Z');
const iso = (t: number) => new Date(t).toISOString().slice(11, 19);

function start(clock: FakeClock, f: ReturnType<typeof fakeDeps>, reload: () => Promise<Config>) {
  const { log, lines } = recordingLogger();
  const done = runDaemon({ config: config(), reload, records: [], force: false, ips: {}, log, env: {} }, f.deps);
  return { done, lines };
}

test('SIGHUP with an invalid new config → reload fails → error logged, old schedule and config keep running', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const d = start(clock, f, async () => {
    throw configError('CONFIG_INVALID', '/etc/ddnsd/config.yml: records[0].provdier: unknown key');
  });
  await clock.advance(1000);
  f.signals.emit('SIGHUP');
  await settle();
  await clock.advance(4 * 60_000);
  assert.match(d.lines.join('\n'), /error config not reloaded — \/etc\/ddnsd\/config.yml: records\[0\]\.provdier: unknown key; still running with the previous config \(fix it, then send SIGHUP again\)/);
  assert.deepEqual(f.calls.map((c) => iso(c.at)), ['00:02:00', '00:05:00']);
  assert.equal(f.calls[1]!.cfg.schedule, '*/5 * * * *');
  f.signals.emit('SIGTERM');
  assert.equal(await d.done, 0);
});

test('SIGHUP with a bad schedule → reload refused → old schedule keeps running', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const d = start(clock, f, async () => config({ schedule: 'every five minutes' }));
  await clock.advance(1000);
  f.signals.emit('SIGHUP');
  await clock.advance(4 * 60_000);
  assert.match(d.lines.join('\n'), /error config not reloaded — .*schedule: "every five minutes" is not a cron expression/);
  assert.equal(f.calls.length, 2);
  f.signals.emit('SIGTERM');
  await d.done;
});

test('SIGHUP with a new schedule and state file → reload → new ticks, lock moves to the new state file', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const d = start(clock, f, async () => config({ schedule: '0 * * * *', state: '/nonexistent/other.json' }));
  await clock.advance(1000);
  f.signals.emit('SIGHUP');
  await clock.advanceTo(Date.parse('2026-03-01T01:00:30Z'));
  assert.deepEqual(f.calls.map((c) => iso(c.at)), ['00:02:00', '01:00:00']);
  assert.equal(f.calls[1]!.cfg.state, '/nonexistent/other.json');
  assert.deepEqual(f.locks, ['/nonexistent/state.json', '/nonexistent/other.json']);
  assert.deepEqual(f.released, ['/nonexistent/state.json']);
  f.signals.emit('SIGTERM');
  await d.done;
  assert.deepEqual(f.released, ['/nonexistent/state.json', '/nonexistent/other.json']);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  test(`${sig} during a cycle → the cycle's signal aborts → daemon returns 0, lock released, no timers left`, async () => {
    const clock = new FakeClock(T0);
    const f = fakeDeps(clock, {
      cycle: (call) =>
        new Promise((resolve) =>
          call.ctx.signal.addEventListener('abort', () => resolve({ exitCode: 1, decisions: [], detections: [], planText: [] })),
        ),
    });
    const d = start(clock, f, async () => config());
    await settle();
    f.signals.emit(sig);
    assert.equal(await d.done, 0);
    assert.equal(f.calls[0]!.ctx.signal.aborted, true);
    assert.deepEqual(f.released, ['/nonexistent/state.json']);
    assert.equal(clock.pending(), 0);
    assert.equal(f.signals.listenerCount('SIGHUP') + f.signals.listenerCount(sig), 0);
    assert.deepEqual(f.exits, []);
  });
}

test('SIGTERM during a cycle that ignores the abort → grace period passes → daemon leaves anyway', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock, { hold: true });
  const d = start(clock, f, async () => config());
  await settle();
  f.signals.emit('SIGTERM');
  await clock.advance(STOP_GRACE_MS);
  assert.equal(await d.done, 0);
  assert.deepEqual(f.exits, [0]);
  assert.match(d.lines.join('\n'), /did not stop within 4s/);
});
