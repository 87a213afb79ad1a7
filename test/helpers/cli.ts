// Run the built program (dist/cli.js) as a child process, as a user or cron would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The program as `npm ci` builds it (this file runs from build/test/helpers/). */
export const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Run inside this network namespace (`ip netns exec`, which execs: the pid is node's). */
  netns?: string;
  /** Run as this user and group (the tests run as root; 65534 is nobody). */
  uid?: number;
  gid?: number;
  /** Called once the child is started, e.g. to send it a signal. */
  onSpawn?: (child: ChildProcess) => void;
}

/** The argv that starts node with `args`, inside `netns` when one is given. */
export function nodeArgv(args: readonly string[], netns?: string): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, process.execPath, ...args]] : [process.execPath, [...args]];
}

/** Run `node dist/cli.js ...args`. The environment is minimal unless `env` adds to it. */
export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const [file, argv] = nodeArgv([CLI, ...args], opts.netns);
    const child = spawn(file, argv, {
      cwd: opts.cwd ?? tmpdir(),
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...opts.env },
      uid: opts.uid,
      gid: opts.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A fresh temporary directory; remove it with `cleanup()`. */
export function tempDir(prefix = 'ddnsd-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Write a config (an object is written as JSON, which is YAML too) with mode 0600. */
export function writeConfig(dir: string, config: object | string, name = 'config.yml'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  chmodSync(path, 0o600);
  return path;
}
