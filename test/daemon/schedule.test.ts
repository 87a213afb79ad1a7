import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDaemon } from '../../src/daemon.js';
import { config, FakeClock, fakeDeps, recordingLogger, settle } from './fakes.js';

const T0 = Date.parse('2026-03-01T00:02:00Z');
const iso = (t: number) => new Date(t).toISOString().slice(11, 19);

function start(clock: FakeClock, f: ReturnType<typeof fakeDeps>, over = {}) {
  const { log, lines } = recordingLogger();
  const cfg = config(over);
  const done = runDaemon({ config: cfg, reload: async () => cfg, records: [], force: true, ips: { ipv4: '198.51.100.1' }, log, env: {} }, f.deps);
  return { done, lines };
}

test('daemon started → clock runs 16 minutes → a cycle at start, then on each */5 tick', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const d = start(clock, f);
  await clock.advance(16 * 60_000);
  assert.deepEqual(f.calls.map((c) => iso(c.at)), ['00:02:00', '00:05:00', '00:10:00', '00:15:00']);
  f.signals.emit('SIGTERM');
  assert.equal(await d.done, 0);
});

test('daemon started with --force and --ip → later cycles → only the first cycle forces and uses --ip', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const d = start(clock, f);
  await clock.advance(6 * 60_000);
  assert.deepEqual(f.calls.map((c) => [c.opts.force, c.opts.ips]), [[true, { ipv4: '198.51.100.1' }], [false, {}]]);
  f.signals.emit('SIGTERM');
  await d.done;
});

test('a cycle slower than the schedule → ticks and SIGUSR1 arrive meanwhile → never two at once, one queued run, schedule not shifted', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock, { hold: true });
  const d = start(clock, f);
  // The first cycle (00:02) hangs for 9 minutes: the 00:05 and 00:10 ticks and two SIGUSR1 come in.
  await clock.advanceTo(Date.parse('2026-03-01T00:06:00Z'));
  f.signals.emit('SIGUSR1');
  f.signals.emit('SIGUSR1');
  await clock.advanceTo(Date.parse('2026-03-01T00:11:00Z'));
  assert.equal(f.calls.length, 1);
  f.calls[0]!.done();
  await settle();
  assert.equal(f.calls.length, 2, 'exactly one queued cycle runs when the slow one ends');
  assert.equal(iso(f.calls[1]!.at), '00:11:00');
  f.calls[1]!.done();
  await clock.advanceTo(Date.parse('2026-03-01T00:15:30Z'));
  f.calls[2]?.done();
  await settle();
  assert.deepEqual(f.calls.map((c) => iso(c.at)), ['00:02:00', '00:11:00', '00:15:00'], 'the next tick stays on the 5-minute grid');
  assert.equal(f.maxConcurrent, 1);
  f.signals.emit('SIGTERM');
  await d.done;
});

test('SIGUSR1 → daemon idle → a cycle runs now', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const d = start(clock, f);
  await clock.advance(30_000);
  f.signals.emit('SIGUSR1');
  await clock.advance(1);
  assert.deepEqual(f.calls.map((c) => iso(c.at)), ['00:02:00', '00:02:30']);
  f.signals.emit('SIGTERM');
  await d.done;
});

test('a cycle that throws → next tick → logged, the daemon keeps its schedule', async () => {
  const clock = new FakeClock(T0);
  let n = 0;
  const f = fakeDeps(clock, {
    cycle: async () => {
      if (n++ === 0) throw new Error('provider exploded');
      return { exitCode: 0, decisions: [], detections: [], planText: [] };
    },
  });
  const d = start(clock, f);
  await clock.advance(4 * 60_000);
  assert.match(d.lines.join('\n'), /error cycle failed \(start\) — Error: provider exploded/);
  assert.equal(f.calls.length, 2);
  f.signals.emit('SIGTERM');
  assert.equal(await d.done, 0);
});

test('daemon running → no cycle in progress → exactly one timer armed (no polling between ticks)', async () => {
  const clock = new FakeClock(T0);
  const f = fakeDeps(clock);
  const d = start(clock, f);
  await clock.advance(1000);
  assert.equal(clock.pending(), 1);
  f.signals.emit('SIGTERM');
  await d.done;
  assert.equal(clock.pending(), 0);
});
