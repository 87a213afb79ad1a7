// A stand-in for ddnsd that the hooks run through $DDNSD: it records its argv and pid, then
// stays busy for a while before it marks itself finished. A hook that waited for it, or kept
// its caller's stdio open, shows up as "finished before the hook returned".
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const hookPath = (name: string) => join(repoRoot, 'hooks', name);

export interface Fake {
  dir: string;
  program: string;
  /** The argv the fake was run with, once it has been run (waits up to `ms`), else null. */
  argv(ms: number): Promise<string[] | null>;
  finished(): boolean;
  cleanup(): void;
}

export function makeFake(busySeconds = 8): Fake {
  const dir = mkdtempSync(join(tmpdir(), 'ddnsd-hook-'));
  const program = join(dir, 'fake-ddnsd');
  writeFileSync(
    program,
    `#!/bin/sh
echo $$ > "${dir}/pid"
sleep ${busySeconds} &
echo $! > "${dir}/sleep.pid"
printf '%s\\n' "$@" > "${dir}/argv.tmp" && mv "${dir}/argv.tmp" "${dir}/argv"
wait
touch "${dir}/done"
`,
  );
  chmodSync(program, 0o755);
  return {
    dir,
    program,
    async argv(ms) {
      const file = join(dir, 'argv');
      for (let waited = 0; waited <= ms; waited += 50) {
        if (existsSync(file)) return readFileSync(file, 'utf8').split('\n').slice(0, -1);
        await sleep(50);
      }
      return null;
    },
    finished: () => existsSync(join(dir, 'done')),
    cleanup() {
      for (const f of ['pid', 'sleep.pid']) {
        // the shell first: killing its sleep first would let it run on and touch `done`
        try {
          process.kill(Number(readFileSync(join(dir, f), 'utf8')), 'SIGTERM');
        } catch {
          // not started, or already gone
        }
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

export interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a hook the way its caller does, with stdout and stderr as pipes: the promise settles only
 * when the hook has exited AND every holder of those pipes has closed them, so a hook that leaves
 * ddnsd attached to its caller's output would be caught here.
 */
export function runHook(argv: string[], env: Record<string, string>): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
