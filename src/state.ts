// What ddnsd knows it published, per record and family, kept across runs (cron, --once, the
// daemon) in one JSON file. Written atomically: a temp file in the same directory, fsync,
// rename, fsync of the directory; mode 0600. A corrupt or unreadable file is a warning and
// counts as "unknown" — never a crash.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { configError, transient } from './errors.js';
import type { Family } from './types.js';

export interface Stopped {
  /** Fingerprint of the provider's and record's settings when it stopped; a change lifts it. */
  fingerprint: string;
  code: string;
  message: string;
  at: string;
}

export interface Entry {
  name: string;
  family: Family;
  provider: string;
  /** The address the provider confirmed last (null: unknown). */
  address: string | null;
  /** When the published address last changed (ISO). */
  updated_at: string | null;
  /** When the provider last confirmed the address (update or in-sync answer) (ISO). */
  confirmed_at: string | null;
  /** `updated`, `in-sync`, `failed`, `stopped`. */
  result: string | null;
  /** The last failure, in words (no secrets). */
  message: string | null;
  failures: number;
  /** Do not contact the provider for this record before this time (backoff, Retry-After). */
  next_attempt: string | null;
  stopped: Stopped | null;
}

export interface State {
  version: 1;
  /** Random salt for settings fingerprints (so no secret, nor a plain hash of one, is stored). */
  salt: string;
  records: Record<string, Entry>;
}

export const entryKey = (name: string, family: Family) => `${name}/${family}`;

export function emptyState(): State {
  return { version: 1, salt: randomBytes(16).toString('base64url'), records: {} };
}

/** Read the state; a missing file is an empty state, a bad one an empty state plus a warning. */
export function readState(path: string): { state: State; warning?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: emptyState() };
    return { state: emptyState(), warning: `state file ${path} is unreadable (${code}); treating every record as unknown` };
  }
  try {
    const data = JSON.parse(text) as Partial<State>;
    if (data?.version !== 1 || typeof data.records !== 'object' || data.records === null || typeof data.salt !== 'string') {
      throw new Error('not a ddnsd state file of version 1');
    }
    for (const e of Object.values(data.records)) {
      if (typeof e !== 'object' || e === null || typeof e.name !== 'string') throw new Error('an entry is malformed');
      e.failures = Number.isInteger(e.failures) ? e.failures : 0;
    }
    return { state: data as State };
  } catch (err) {
    return {
      state: emptyState(),
      warning: `state file ${path} is corrupt (${(err as Error).message}); treating every record as unknown — it is rewritten after the next confirmed outcome`,
    };
  }
}

/** Write the state atomically. Throws a DdnsError naming the path on failure (transient when the disk is full). */
export function writeState(path: string, state: State): void {
  const dir = dirname(path);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may never have been created */
    }
    throw stateDirError(path, err);
  }
}

export function stateDirError(path: string, err: unknown) {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  const must = 'ddnsd must remember what it published or it would update every run';
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    // A full disk is temporary: exit 1 and let cron or the daemon try again.
    const why = code === 'ENOSPC' ? 'no space left' : 'disk quota exceeded';
    return transient('STATE_NO_SPACE', `cannot write the state file ${path}: ${why} in ${dirname(path)}; ${must} — free some space`);
  }
  const why: Record<string, string> = { EACCES: 'permission denied', EROFS: 'read-only file system', ENOTDIR: 'a parent is not a directory', EPERM: 'operation not permitted' };
  return configError(
    'STATE_UNWRITABLE',
    `cannot write the state file ${path} in ${dirname(path)} (${why[code] ?? code}); ${must} — fix the directory's permissions or set state: / --state`,
  );
}
