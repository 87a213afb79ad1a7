// Fakes for driving runDaemon in-process: a clock whose timers fire only when the test moves
// time, a signal emitter, a recording logger, and a cycle whose duration the test controls.
import { EventEmitter } from 'node:events';
import type { Config } from '../../src/config/load.js';
import type { RunContext } from '../../src/context.js';
import type { CycleOptions, CycleResult } from '../../src/cycle.js';
import type { DaemonDeps } from '../../src/daemon.js';
import type { HttpClient } from '../../src/http.js';
import type { AppLogger } from '../../src/log.js';
import type { WatchOptions } from '../../src/watch.js';

export const settle = () => new Promise<void>((r) => setImmediate(r));

export class FakeClock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  constructor(public t: number) {}
  now = () => new Date(this.t);
  setTimer = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  };
  clearTimer = (h: unknown) => {
    this.timers.delete(h as number);
  };
  pending() {
    return this.timers.size;
  }
  /** Move time forward to `target`, firing due timers in order and letting async work settle. */
  async advanceTo(target: number) {
    await settle();
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= target && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
      await settle();
    }
    this.t = target;
    await settle();
  }
  advance(ms: number) {
    return this.advanceTo(this.t + ms);
  }
}

export function recordingLogger() {
  const lines: string[] = [];
  const log: AppLogger = {
    error: (m) => void lines.push(`error ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    info: (m) => void lines.push(`info ${m}`),
    debug: (m) => void lines.push(`debug ${m}`),
    setSecrets: () => {},
    configure: () => {},
  };
  return { log, lines };
}

export function config(over: Partial<Config> = {}): Config {
  return {
    file: '/etc/ddnsd/config.yml',
    schedule: '*/5 * * * *',
    state: '/nonexistent/state.json',
    maxAgeMs: 25 * 86_400_000,
    log: { level: 'debug', format: 'text' },
    detect: { ipv4: [{ type: 'static', address: '203.0.113.7', timeout: 5000, accept: 'any' }], ipv6: [], agree: 1 },
    providers: { p: { type: 'dyndns2', server: 'http://127.0.0.1:9/', username: 'u', password: 'secret-pw' } },
    records: [{ name: 'home.example.test', provider: 'p', ipv4: true, ipv6: false, ttl: 300 }],
    secrets: ['secret-pw'],
    warnings: [],
    ...over,
  };
}

export interface CycleCall {
  at: number;
  cfg: Config;
  opts: CycleOptions;
  ctx: RunContext;
  /** Finish this cycle (when the test holds cycles open). */
  done(): void;
}

/** Deps for runDaemon with a fake clock; `hold` keeps each cycle running until done(). */
export function fakeDeps(clock: FakeClock, opts: { hold?: boolean; cycle?: (call: CycleCall) => Promise<CycleResult> } = {}) {
  const calls: CycleCall[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const signals = new EventEmitter();
  const locks: string[] = [];
  const released: string[] = [];
  const watches: WatchOptions[] = [];
  const exits: number[] = [];
  let watchStops = 0;
  const http: HttpClient = {
    request: async () => {
      throw new Error('no network in this test');
    },
    close: async () => {},
  };
  const deps: Partial<DaemonDeps> = {
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    signals,
    createHttp: async () => http,
    lock: (path) => {
      locks.push(path);
      return { release: () => void released.push(path) };
    },
    watch: (w) => {
      watches.push(w);
      return { stop: () => void watchStops++ };
    },
    exit: (code) => void exits.push(code),
    cycle: async (cfg, o, ctx) => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      const call: CycleCall = { at: clock.t, cfg, opts: o, ctx, done };
      calls.push(call);
      try {
        if (opts.cycle) return await opts.cycle(call);
        if (opts.hold) await finished;
        return { exitCode: 0, decisions: [], detections: [], planText: [] };
      } finally {
        concurrent--;
      }
    },
  };
  return {
    deps,
    calls,
    signals,
    locks,
    released,
    watches,
    exits,
    get watchStops() {
      return watchStops;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
  };
}
