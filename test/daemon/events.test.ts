import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_SPACING_MS, runDaemon } from '../../src/daemon.js';
import { parseMonitorLine } from '../../src/watch.js';
import { config, FakeClock, fakeDeps, recordingLogger } from './fakes.js';

const T0 = Date.parse('2026-03-01T00:02:00Z');

function start(clock: FakeClock, f: ReturnType<typeof fakeDeps>, ipv6: { type: string; [k: string]: unknown }[]) {
  const { log } = recordingLogger();
  const cfg = config();
  cfg.detect.ipv6 = ipv6.map((d) => ({ timeout: 5000, accept: 'public' as const, ...d }));
  return runDaemon({ config: cfg, reload: async () => cfg, records: [], force: false, ips: {}, log, env: {} }, f.deps);
}

test('no interface detector configured → daemon starts → no address watcher', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const done = start(clock, f, []);
  await clock.advance(10);
  assert.equal(f.watches.length, 0);
  f.signals.emit('SIGTERM');
  await done;
});

test('interface detector on eth0 → a burst of address events → one cycle within 2 s of the first', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const done = start(clock, f, [{ type: 'interface', interface: 'eth0' }]);
  await clock.advance(10);
  assert.equal(f.watches.length, 1);
  const w = f.watches[0]!;
  assert.deepEqual(w.watched, { ipv6: new Set(['eth0']) });
  const first = clock.t;
  for (let i = 0; i < 10; i++) {
    w.onChange(parseMonitorLine('2: eth0    inet6 2001:db8::1/64 scope global')!);
    await clock.advance(150);
  }
  await clock.advance(2000);
  assert.equal(f.calls.length, 2);
  assert.ok(f.calls[1]!.at - first <= 2000, `cycle ${f.calls[1]!.at - first} ms after the first event`);
  f.signals.emit('SIGTERM');
  await done;
  assert.equal(f.watchStops, 1);
});

test('a flapping link → events every second for 20 s → event cycles spaced apart, not one per event', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const done = start(clock, f, [{ type: 'interface' }]);
  await clock.advance(10);
  assert.deepEqual(f.watches[0]!.watched, { ipv6: 'any' });
  for (let i = 0; i < 20; i++) {
    f.watches[0]!.onChange(parseMonitorLine('9: ppp0    inet6 2001:db8::9/64 scope global')!);
    await clock.advance(1000);
  }
  await clock.advance(EVENT_SPACING_MS);
  const eventCycles = f.calls.length - 1;
  assert.ok(eventCycles >= 2 && eventCycles <= Math.ceil(20_000 / EVENT_SPACING_MS) + 1, `${eventCycles} cycles`);
  f.signals.emit('SIGTERM');
  await done;
});
