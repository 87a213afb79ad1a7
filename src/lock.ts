// One ddnsd per state file: a lock file `<state>.lock` created exclusively, holding our pid.
// A lock left by a process that no longer exists is taken over.
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
        writeSync(fd, `${process.pid}\n`);
      } catch (err) {
        unlinkSync(path); // an empty lock would read as "being taken" to the next run
        throw err;
      } finally {
        closeSync(fd);
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
      if (justCreated || (holder !== null && holder !== process.pid && alive(holder))) {
        throw new LockedError(`another ddnsd (pid ${holder ?? '?'}) holds the lock on ${statePath}; not running a second cycle at the same time`);
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

function readHolder(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
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
