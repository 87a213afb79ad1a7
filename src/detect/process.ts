// Start a program from an argv array (never a shell), with a deadline and a cap on what it may
// print. Detectors that start a child process (interface, ssh, command) take a RunFn in their
// deps, so tests can hand in a fake or a netns-wrapped argv.
import { spawn } from 'node:child_process';

export const MAX_OUTPUT = 100 * 1024;

export interface RunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Bytes of stdout kept; more kills the child and sets `overflow`. Default 100 KiB. */
  maxBytes?: number;
}

export interface RunResult {
  /** Exit code, or null when killed by a signal or never started. */
  code: number | null;
  stdout: string;
  /** The first few KiB of stderr, for reasons. */
  stderr: string;
  timedOut: boolean;
  overflow: boolean;
  /** Set when the program could not be started (e.g. ENOENT). */
  error?: string;
}

export type RunFn = (argv: readonly string[], opts: RunOptions) => Promise<RunResult>;

const STDERR_KEEP = 4096;
const CLOSE_GRACE_MS = 1000;

/**
 * Start argv[0] with argv[1..] in its own process group; on timeout, abort or overflow the whole
 * group gets SIGKILL, so a grandchild holding the pipe cannot keep us waiting. Never rejects.
 */
export const runProcess: RunFn = (argv, opts) =>
  new Promise((resolve) => {
    const maxBytes = opts.maxBytes ?? MAX_OUTPUT;
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let timedOut = false;
    let overflow = false;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;

    if (argv.length === 0 || !argv[0]) {
      resolve({ code: null, stdout: '', stderr: '', timedOut: false, overflow: false, error: 'empty command' });
      return;
    }
    if (opts.signal?.aborted) {
      resolve({ code: null, stdout: '', stderr: '', timedOut: false, overflow: false, error: 'aborted' });
      return;
    }

    const child = spawn(argv[0], argv.slice(1), {
      shell: false,
      detached: true, // own process group, killed as a whole
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });

    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      // If a grandchild escaped the group and holds the pipe, stop waiting for it.
      graceTimer ??= setTimeout(() => finish(null), CLOSE_GRACE_MS);
    };

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const onAbort = () => {
      timedOut = true;
      killGroup();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (code: number | null, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      const result: RunResult = {
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: err,
        timedOut,
        overflow,
      };
      if (error !== undefined) result.error = error;
      resolve(result);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (overflow) return;
      if (outBytes + chunk.length > maxBytes) {
        overflow = true;
        out.push(chunk.subarray(0, maxBytes - outBytes));
        outBytes = maxBytes;
        killGroup();
        return;
      }
      out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < STDERR_KEEP) err += chunk.toString('utf8').slice(0, STDERR_KEEP - err.length);
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish(null, e.code === 'ENOENT' ? `${argv[0]}: not found` : e.message));
    child.on('close', (code) => finish(code));
  });

/** The last non-empty line of a program's stderr, printable and short, for a reason. */
export function lastLine(text: string, max = 200): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // eslint-disable-next-line no-control-regex
  const line = (lines[lines.length - 1] ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
