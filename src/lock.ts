// One ddnsd per state file: a lock file `<state>.lock` created exclusively, holding our pid and,
// where /proc exists, our start time in clock ticks since boot. A lock left by a process that no
// longer exists is taken over — and so is one whose pid now belongs to a process that started
// at another time: after a power cut the old pid is often some unrelated process, and a pid
// alone would make every later run exit 4.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DdnsError } from './errors.js';
import { stateDirError } from './state.js';

export class LockedError extends DdnsError {
  constructor(message: string) {
    super('config', 'LOCKED', message);
  }
}

export interface Lock {
  release(): void;
}

export function acquireLock(statePath: string): Lock {
  const path = `${statePath}.lock`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw stateDirError(statePath, code === 'EEXIST' ? Object.assign(err as Error, { code: 'ENOTDIR' }) : err);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, `${[process.pid, startTicks(process.pid)].filter((x) => x !== null).join(' ')}\n`);
        closeSync(fd); // on NFS a full disk may only show here
      } catch (err) {
        try {
          closeSync(fd);
        } catch {
          /* already closed */
        }
        try {
          unlinkSync(path); // an empty lock would read as "being taken" to the next run
        } catch {
          /* the write's error is the one to report */
        }
        throw err;
      }
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw stateDirError(statePath, err);
      const holder = readHolder(path);
      const justCreated = holder === null && youngerThan(path, 5000); // its pid is being written
      if (justCreated || (holder !== null && holder.pid !== process.pid && holds(holder))) {
        throw new LockedError(`another ddnsd (pid ${holder?.pid ?? '?'}) holds the lock on ${statePath}; not running a second cycle at the same time`);
      }
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        /* someone else removed it first */
      }
    }
  }
  throw new LockedError(`could not take the lock ${path}`);
}

interface Holder {
  pid: number;
  /** Its start time as written in the lock; null in locks written without /proc. */
  start: string | null;
}

function readHolder(path: string): Holder | null {
  try {
    const [pid, start] = readFileSync(path, 'utf8').trim().split(' ');
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, start: start ?? null } : null;
  } catch {
    return null;
  }
}

/** The holder still runs: its pid is alive and, where both are known, started when it did. */
function holds(holder: Holder): boolean {
  if (!alive(holder.pid)) return false;
  const now = holder.start === null ? null : startTicks(holder.pid);
  return now === null || now === holder.start;
}

/** A process's start time in clock ticks since boot (/proc/PID/stat field 22); null without /proc. */
export function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function youngerThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < ms;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
