// Delay from `ip addr add` to the start of the cycle it triggers, through the real watcher
// (`ip -o monitor address` in a network namespace this script creates and deletes) and the
// daemon's debounce. The cycle itself (detect + update) comes on top: tens of milliseconds
// against a loopback server.
//   npm run build && node build/bench/address-event.js      (root: creates a namespace)
import { execFileSync } from 'node:child_process';
import type { CycleResult } from '../src/cycle.js';
import { runDaemon } from '../src/daemon.js';
import { watchAddresses } from '../src/watch.js';
import { config, fakeDeps, FakeClock, recordingLogger } from '../test/daemon/fakes.js';

const ns = `ddnsd-bench-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'ignore' });
const rounds = Number(process.env['ROUNDS'] ?? 10);

ip('netns', 'add', ns);
try {
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  let cycleStarted: (t: number) => void = () => {};
  const f = fakeDeps(new FakeClock(0));
  // Real time and timers; only the cycle is replaced by a stopwatch.
  delete f.deps.now;
  delete f.deps.setTimer;
  delete f.deps.clearTimer;
  f.deps.watch = (o) => watchAddresses({ ...o, command: ['ip', 'netns', 'exec', ns, 'ip', '-o', 'monitor', 'address'] });
  f.deps.cycle = async (): Promise<CycleResult> => {
    cycleStarted(performance.now());
    return { exitCode: 0, decisions: [], detections: [], planText: [] };
  };
  const cfg = config();
  cfg.detect.ipv4 = [{ type: 'interface', interface: 'lo', timeout: 5000, accept: 'any' }];
  const { log } = recordingLogger();
  const done = runDaemon({ config: cfg, reload: async () => cfg, records: [], force: false, ips: {}, log, env: {} }, f.deps);
  await new Promise((r) => setTimeout(r, 1000)); // the start cycle, and the monitor subscribing
  const delays: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await new Promise((r) => setTimeout(r, 5500)); // past the 5 s spacing of event-driven cycles
    const started = new Promise<number>((resolve) => (cycleStarted = resolve));
    const t0 = performance.now();
    ip('-n', ns, 'addr', 'add', `198.51.100.${i + 1}/32`, 'dev', 'lo');
    delays.push((await started) - t0);
  }
  f.signals.emit('SIGTERM');
  await done;
  delays.sort((a, b) => a - b);
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  console.log(`ip addr add → cycle start, ${rounds} rounds: median ${ms(delays[Math.floor(rounds / 2)]!)}, min ${ms(delays[0]!)}, max ${ms(delays[rounds - 1]!)} (target < 2000 ms)`);
} finally {
  ip('netns', 'del', ns);
}
