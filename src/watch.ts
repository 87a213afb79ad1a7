// Address events: a child `ip -o monitor address` reports every address the kernel adds or
// removes, one line each. We only need to know which interface changed; the cycle then asks the
// detectors what the address is now. Polling per `schedule` stays the fallback: if `ip` is
// missing or keeps dying, the daemon logs it and carries on without events.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from './context.js';

export interface AddressWatcher {
  stop(): void;
}

export interface WatchOptions {
  /** Interface names whose changes matter, or 'any'. */
  interfaces: ReadonlySet<string> | 'any';
  onChange(iface: string, line: string): void;
  log: Logger;
  /** The monitor command (default `ip -o monitor address`); tests may run it in a namespace. */
  command?: readonly string[];
  /** How long to wait before restarting a monitor that exited (default 30 s). */
  restartMs?: number;
}

/** `2: eth0    inet 203.0.113.7/24 ...` or `Deleted 2: eth0    inet6 ...` → `eth0`. */
export function parseMonitorLine(line: string): string | null {
  const m = /^(?:Deleted\s+)?\d+:\s+(\S+?)(?:@\S+)?\s+inet6?\s/.exec(line);
  return m ? m[1]! : null;
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
      const iface = parseMonitorLine(line);
      if (iface && (opts.interfaces === 'any' || opts.interfaces.has(iface))) opts.onChange(iface, line);
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

/** The interfaces that `interface` detectors watch: their names, or 'any' when one follows the
 * default route, or null when no detector looks at interfaces (then there is nothing to watch). */
export function watchedInterfaces(detectors: readonly { type: string; [key: string]: unknown }[]): ReadonlySet<string> | 'any' | null {
  const names = new Set<string>();
  for (const d of detectors) {
    if (d.type !== 'interface') continue;
    if (typeof d['interface'] !== 'string' || d['interface'] === '') return 'any';
    names.add(d['interface']);
  }
  return names.size > 0 ? names : null;
}
