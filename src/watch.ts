// Address events: a child `ip -o monitor address` reports every address the kernel adds or
// removes, one line each. We only need to know which interface changed; the cycle then asks the
// detectors what the address is now. Polling per `schedule` stays the fallback: if `ip` is
// missing or keeps dying, the daemon logs it and carries on without events.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from './context.js';
import type { Family } from './types.js';

export interface AddressWatcher {
  stop(): void;
}

/** One line of `ip -o monitor address`, as far as ddnsd cares. */
export interface AddressEvent {
  iface: string;
  family: Family;
  deleted: boolean;
  /** Scope global (not link-local or host), and not a tentative IPv6 address still in DAD. */
  usable: boolean;
  line: string;
}

/** Per family, the interfaces that `interface` detectors read ('any': the default route's). */
export type Watched = Partial<Record<Family, ReadonlySet<string> | 'any'>>;

export interface WatchOptions {
  watched: Watched;
  onChange(event: AddressEvent): void;
  log: Logger;
  /** The monitor command (default `ip -o monitor address`); tests may run it in a namespace. */
  command?: readonly string[];
  /** How long to wait before restarting a monitor that exited (default 30 s). */
  restartMs?: number;
}

/** `2: eth0    inet 203.0.113.7/24 ... scope global eth0` or `Deleted 2: eth0    inet6 ...`. */
export function parseMonitorLine(line: string): AddressEvent | null {
  const m = /^(Deleted\s+)?\d+:\s+(\S+?)(?:@\S+)?\s+(inet6?)\s/.exec(line);
  if (!m) return null;
  const usable = /\sscope global\b/.test(line) && !/\s(tentative|dadfailed)\b/.test(line);
  return { iface: m[2]!, family: m[3] === 'inet' ? 'ipv4' : 'ipv6', deleted: !!m[1], usable, line };
}

/** Could this change move an address that a configured `interface` detector reports? Link-local
 * and host addresses, and IPv6 addresses still in duplicate address detection, cannot. */
export function matters(event: AddressEvent, watched: Watched): boolean {
  const w = watched[event.family];
  return event.usable && w !== undefined && (w === 'any' || w.has(event.iface));
}

export function watchAddresses(opts: WatchOptions): AddressWatcher {
  const command = opts.command ?? ['ip', '-o', 'monitor', 'address'];
  let child: ChildProcess | null = null;
  let restart: NodeJS.Timeout | null = null;
  let stopped = false;

  const start = () => {
    restart = null;
    if (stopped) return;
    const c = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    child = c;
    createInterface({ input: c.stdout! }).on('line', (line) => {
      const event = parseMonitorLine(line);
      if (event && matters(event, opts.watched)) opts.onChange(event);
    });
    c.on('error', (err) => {
      // Only spawn failures arrive here without an exit; ENOENT will not get better by waiting.
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      opts.log.warn(
        `address events off — could not run "${command.join(' ')}" (${err.message})${missing ? '; install iproute2 for instant updates' : ''}; cycles still run per schedule`,
      );
      child = null;
      stopped = stopped || missing;
      if (!stopped) restart = setTimeout(start, opts.restartMs ?? 30_000);
    });
    c.on('exit', (code, signal) => {
      if (child !== c) return;
      child = null;
      if (stopped) return;
      opts.log.warn(`address events paused — "${command.join(' ')}" exited (${signal ?? `code ${code}`}); restarting it in ${Math.round((opts.restartMs ?? 30_000) / 1000)}s; cycles still run per schedule`);
      restart = setTimeout(start, opts.restartMs ?? 30_000);
    });
  };
  start();

  return {
    stop() {
      stopped = true;
      if (restart) clearTimeout(restart);
      const c = child;
      child = null;
      if (c?.pid !== undefined && c.exitCode === null) c.kill('SIGTERM');
    },
  };
}

/** What the `interface` detectors of the config read, per family; null when none does. */
export function watchedInterfaces(detect: Record<Family, readonly { type: string; [key: string]: unknown }[]>): Watched | null {
  const out: Watched = {};
  for (const family of ['ipv4', 'ipv6'] as const) {
    let names: Set<string> | 'any' | undefined;
    for (const d of detect[family]) {
      if (d.type !== 'interface') continue;
      const name = d['interface'];
      if (typeof name !== 'string' || name === '') names = 'any';
      else if (names !== 'any') names = new Set([...(names ?? []), name]);
    }
    if (names) out[family] = names;
  }
  return out.ipv4 || out.ipv6 ? out : null;
}
