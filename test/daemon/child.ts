// A daemon child process the test can signal, watch and wait for.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, nodeArgv } from '../helpers/cli.js';

/** `ddnsd run`, the built program as a user or systemd starts it. */
export const DAEMON = [CLI, 'run'];

export interface DaemonChild {
  child: ChildProcess;
  log(): string;
  /** Wait until the log matches `re` (at least `count` times); false after `ms`. */
  waitForLog(re: RegExp, ms?: number, count?: number): Promise<boolean>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(sig: NodeJS.Signals): void;
}

export function startDaemon(args: readonly string[], env: NodeJS.ProcessEnv = {}, netns?: string): DaemonChild {
  const [file, argv] = nodeArgv([...DAEMON, ...args], netns);
  const child = spawn(file, argv, {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    child,
    log: () => text,
    async waitForLog(re, ms = 15_000, count = 1) {
      const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
      for (let waited = 0; waited < ms; waited += 25) {
        if ((text.match(g) ?? []).length >= count) return true;
        if (child.exitCode !== null) break;
        await sleep(25);
      }
      return (text.match(g) ?? []).length >= count;
    },
    exited,
    kill(sig) {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
  };
}
