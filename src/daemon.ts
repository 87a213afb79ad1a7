// `ddnsd run`: the composition root. One cycle at start, then one per `schedule`, one on
// SIGUSR1 and one shortly after an address change on a watched interface. Cycles never overlap:
// a trigger that arrives while one runs queues exactly one more. The next tick is computed
// before a cycle runs, so a slow cycle never shifts the schedule. SIGHUP reloads the config (a
// bad one is logged and the old one keeps running); SIGTERM/SIGINT abort what is in flight and
// stop within 5 s. The state lock is held from start to stop.
import { EventEmitter } from 'node:events';
import { selectRecords, type Config } from './config/load.js';
import type { RunContext } from './context.js';
import { fingerprint, runCycle, type CycleOptions, type CycleResult } from './cycle.js';
import { DdnsError, EXIT } from './errors.js';
import type { HttpClient } from './http.js';
import { acquireLock, type Lock } from './lock.js';
import type { AppLogger } from './log.js';
import { parseSchedule } from './schedule.js';
import { entryKey, readState } from './state.js';
import type { Family, RecordSpec } from './types.js';
import { USER_AGENT } from './version.js';
import { watchAddresses, watchedInterfaces, type AddressEvent, type AddressWatcher, type WatchOptions } from './watch.js';

export interface DaemonOptions {
  /** The config as loaded at start. */
  config: Config;
  /** Load the config again (SIGHUP): the same file and overrides (--state) as at start. */
  reload(): Promise<Config>;
  /** --record names (empty: every record). */
  records: readonly string[];
  /** --force and --ip apply to the first cycle only. */
  force: boolean;
  ips: Partial<Record<Family, string>>;
  log: AppLogger;
  env: NodeJS.ProcessEnv;
}

/** Everything the daemon does to the world beyond the cycle, so tests can hand in fakes. */
export interface DaemonDeps {
  now(): Date;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  cycle(cfg: Config, opts: CycleOptions, ctx: RunContext): Promise<CycleResult>;
  createHttp(): Promise<HttpClient>;
  /** Where SIGHUP, SIGUSR1, SIGTERM, SIGINT and unhandledRejection arrive (default: process). */
  signals: EventEmitter;
  watch(opts: WatchOptions): AddressWatcher;
  lock(statePath: string): Lock;
  /** Last resort when a cycle ignores the abort: leave anyway (default: process.exit). */
  exit(code: number): void;
}

/** How long SIGTERM waits for an aborted cycle to unwind before leaving without it. */
export const STOP_GRACE_MS = 4000;
/** Address events: run once the events have been quiet this long ... */
export const EVENT_QUIET_MS = 300;
/** ... but no later than this after the first of them ... */
export const EVENT_MAX_WAIT_MS = 1000;
/** ... and at most one event-driven cycle per this interval (a flapping link). */
export const EVENT_SPACING_MS = 5000;
/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647;

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function defaultDeps(): DaemonDeps {
  return {
    now: () => new Date(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    cycle: runCycle,
    createHttp: async () => (await import('./http.js')).createHttpClient(),
    signals: process,
    watch: watchAddresses,
    lock: acquireLock,
    exit: (code) => process.exit(code),
  };
}

/** Every selected record and family is stopped by its provider and its settings are unchanged:
 * nothing this daemon can do until a human changes the config. */
function everythingStopped(cfg: Config, records: readonly RecordSpec[]): boolean {
  const { state } = readState(cfg.state);
  const pairs = records.flatMap((r) => (['ipv4', 'ipv6'] as const).filter((f) => r[f]).map((f) => [r, f] as const));
  return (
    pairs.length > 0 &&
    pairs.every(([r, f]) => {
      const e = state.records[entryKey(r.name, f)];
      return !!e?.stopped && e.provider === r.provider && e.stopped.fingerprint === fingerprint(cfg, r, state.salt);
    })
  );
}

/**
 * Run the daemon until SIGTERM/SIGINT (→ 0) or until every record is stopped by its provider
 * (→ 3). Throws DdnsError before the first cycle for a bad schedule or --record (config), or
 * when another ddnsd holds the lock (code LOCKED).
 */
export async function runDaemon(opts: DaemonOptions, partial: Partial<DaemonDeps> = {}): Promise<number> {
  const deps: DaemonDeps = { ...defaultDeps(), ...partial };
  const { log } = opts;

  let cfg = opts.config;
  let nextTick = parseSchedule(cfg.schedule, cfg.file);
  let records = selectRecords(cfg, opts.records);
  let lock = deps.lock(cfg.state);
  const http = await deps.createHttp();
  const stopping = new AbortController();
  // Each cycle gets its own signal, aborted on stop. Requests derive theirs from it with
  // AbortSignal.any, which keeps a reference from the parent to every child: on a signal that
  // lives as long as the daemon, those would pile up cycle after cycle.
  let cycleAbort: AbortController | null = null;

  let first = true;
  let running: Promise<void> | null = null;
  let queued: string | null = null;
  let tickTimer: unknown = null;
  let eventTimer: unknown = null;
  let firstEventAt = 0;
  let lastEventCycleAt = -Infinity;
  let watcher: AddressWatcher | null = null;
  let watching = '';
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const trigger = (reason: string) => {
    if (stopping.signal.aborted) return;
    if (running) {
      if (!queued) log.debug(`cycle (${reason}) queued behind the one running`);
      queued ??= reason;
      return;
    }
    running = runOne(reason).finally(() => {
      running = null;
      const next = queued;
      queued = null;
      if (next) trigger(next);
    });
  };

  const runOne = async (reason: string) => {
    const started = deps.now();
    log.debug(`cycle started (${reason})`);
    const options: CycleOptions = { records, force: first && opts.force, dryRun: false, ips: first ? opts.ips : {} };
    first = false;
    cycleAbort = new AbortController();
    const ctx: RunContext = { now: deps.now, env: opts.env, log, signal: cycleAbort.signal, http, userAgent: USER_AGENT };
    try {
      const result = await deps.cycle(cfg, options, ctx);
      log.debug(`cycle finished (${reason}) in ${deps.now().getTime() - started.getTime()} ms: exit ${result.exitCode}`);
      if (result.exitCode === EXIT.permanent && !stopping.signal.aborted && everythingStopped(cfg, records)) {
        log.error('ddnsd stopping — every record is stopped by its provider (see the errors above); fix the config, then start ddnsd again');
        stop(EXIT.permanent);
      }
    } catch (err) {
      // The cycle turns provider failures into outcomes; what still gets here (a state file we
      // cannot write, a bug) costs this cycle only.
      const msg = err instanceof DdnsError ? err.message : ((err as Error)?.stack ?? String(err));
      log.error(`cycle failed (${reason}) — ${msg}; trying again at the next trigger`);
    } finally {
      cycleAbort = null;
    }
  };

  const schedule = () => {
    deps.clearTimer(tickTimer);
    const at = nextTick(deps.now());
    log.debug(`next scheduled cycle at ${at.toISOString()}`);
    const arm = () => {
      const wait = at.getTime() - deps.now().getTime();
      if (wait > 0) {
        tickTimer = deps.setTimer(arm, Math.min(wait, MAX_TIMER_MS));
        return;
      }
      schedule(); // the next tick first, so a slow cycle cannot shift the schedule
      trigger(`schedule ${cfg.schedule}`);
    };
    arm();
  };

  const addressChanged = ({ iface, line }: AddressEvent) => {
    if (stopping.signal.aborted) return;
    log.debug(`address change on ${iface}: ${line.replace(/\\\s+/g, ' ').trim()}`);
    const t = deps.now().getTime();
    if (eventTimer === null) firstEventAt = t;
    deps.clearTimer(eventTimer);
    const debounced = Math.min(EVENT_QUIET_MS, Math.max(0, firstEventAt + EVENT_MAX_WAIT_MS - t));
    const wait = Math.max(debounced, lastEventCycleAt + EVENT_SPACING_MS - t);
    eventTimer = deps.setTimer(() => {
      eventTimer = null;
      lastEventCycleAt = deps.now().getTime();
      trigger(`address change on ${iface}`);
    }, wait);
  };

  const rewatch = () => {
    const wanted = watchedInterfaces(cfg.detect);
    const describe = (w: NonNullable<typeof wanted>) =>
      (['ipv4', 'ipv6'] as const)
        .filter((f) => w[f])
        .map((f) => `${f} on ${w[f] === 'any' ? 'any interface' : [...(w[f] as ReadonlySet<string>)].sort().join(', ')}`)
        .join('; ');
    const key = wanted === null ? '' : describe(wanted);
    if (key === watching) return;
    watcher?.stop();
    watcher = null;
    watching = key;
    if (wanted === null) return;
    log.debug(`watching address changes: ${key}`);
    watcher = deps.watch({ watched: wanted, onChange: addressChanged, log });
  };

  let reloading: Promise<void> = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      if (stopping.signal.aborted) return;
      log.info(`SIGHUP: reloading ${cfg.file}`);
      let next: Config;
      let nextRecords: RecordSpec[];
      let nextTickFn: (from: Date) => Date;
      try {
        next = await opts.reload();
        nextTickFn = parseSchedule(next.schedule, next.file);
        nextRecords = selectRecords(next, opts.records);
      } catch (err) {
        const msg = (err instanceof DdnsError ? err.message : String(err)).split('\n').join('; ');
        log.error(`config not reloaded — ${msg}; still running with the previous config (fix it, then send SIGHUP again)`);
        return;
      }
      await running; // the state file and its lock change hands between cycles, not during one
      if (stopping.signal.aborted) return;
      if (next.state !== cfg.state) {
        try {
          const newLock = deps.lock(next.state);
          lock.release();
          lock = newLock;
        } catch (err) {
          log.error(`config not reloaded — ${(err as Error).message}; still running with the previous config`);
          return;
        }
      }
      cfg = next;
      records = nextRecords;
      nextTick = nextTickFn;
      log.setSecrets(cfg.secrets);
      log.configure({ level: cfg.log.level, format: cfg.log.format });
      for (const w of cfg.warnings) log.warn(w);
      log.info(`config reloaded: ${records.length} record(s), schedule "${cfg.schedule}"`);
      schedule();
      rewatch();
    });
  };

  const onHup = () => reload();
  const onUsr1 = () => {
    log.info('SIGUSR1: running a cycle now');
    trigger('SIGUSR1');
  };
  const onStop = (sig: string) => () => {
    log.info(`${sig}: stopping`);
    stop(EXIT.ok);
  };
  const stopHandlers = STOP_SIGNALS.map((s) => [s, onStop(s)] as const);
  // A promise some library left unhandled (a socket error after its request was answered, ...)
  // is logged; it must not take down the records of every other provider.
  const onRejection = (reason: unknown) => {
    log.error(`unexpected error outside a cycle — ${(reason as Error)?.stack ?? String(reason)}; ddnsd keeps running`);
  };

  let exitCode: number = EXIT.ok;
  const stop = (code: number) => {
    if (stopping.signal.aborted) return;
    exitCode = code;
    stopping.abort();
    cycleAbort?.abort(new DdnsError('transient', 'STOPPING', 'ddnsd is stopping'));
    deps.clearTimer(tickTimer);
    deps.clearTimer(eventTimer);
    watcher?.stop();
    finish(code);
  };

  deps.signals.on('SIGHUP', onHup);
  deps.signals.on('SIGUSR1', onUsr1);
  deps.signals.on('unhandledRejection', onRejection);
  for (const [s, h] of stopHandlers) deps.signals.on(s, h);

  const fam = (f: Family) => records.some((r) => r[f]);
  log.info(
    `ddnsd running: ${records.length} record(s)${fam('ipv6') ? (fam('ipv4') ? ' (IPv4 and IPv6)' : ' (IPv6)') : ''}, schedule "${cfg.schedule}", state ${cfg.state}`,
  );
  rewatch();
  schedule();
  trigger('start');

  await finished;

  // Let the aborted cycle unwind (its confirmed outcomes are already written), but not forever.
  let grace: unknown = null;
  const settled = await Promise.race([
    (async () => {
      await running;
      return true;
    })(),
    new Promise<false>((resolve) => (grace = deps.setTimer(() => resolve(false), STOP_GRACE_MS))),
  ]);
  deps.clearTimer(grace);
  deps.signals.off('SIGHUP', onHup);
  deps.signals.off('SIGUSR1', onUsr1);
  deps.signals.off('unhandledRejection', onRejection);
  for (const [s, h] of stopHandlers) deps.signals.off(s, h);
  lock.release();
  if (!settled) {
    log.warn(`a cycle did not stop within ${STOP_GRACE_MS / 1000}s of being aborted; leaving without it`);
    deps.exit(exitCode);
  }
  await http.close();
  return exitCode;
}
