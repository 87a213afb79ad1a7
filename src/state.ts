// What ddnsd knows it published, per record and family, kept across runs (cron, --once, the
// daemon) in one JSON file. Written atomically: a temp file in the same directory, fsync,
// rename, fsync of the directory; mode 0600. A damaged state file is a warning, kept as
// <path>.corrupt, and counts as "unknown"; a file that cannot be read or is not ours is an error.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
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

/** What reading the state gave: the state, and a warning when the file was damaged. */
export interface Loaded {
  state: State;
  warning?: string;
  /** The file is a damaged ddnsd state file: set it aside (`setAside`) before the first write. */
  damaged?: boolean;
}

/**
 * Read the state. A missing file is an empty state; a damaged state file is an empty state plus a
 * warning. A file ddnsd cannot read, or that is not a ddnsd state file at all (a config, a
 * password file, a newer ddnsd's state), is an error: overwriting it would lose what it holds.
 */
export function readState(path: string): Loaded {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: emptyState() };
    if (code === 'EISDIR') throw configError('STATE_NOT_A_FILE', `state file ${path} is a directory; set state: / --state to a file in it`);
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code;
    throw configError(
      'STATE_UNREADABLE',
      `cannot read the state file ${path} (${why}); it holds what was published, stops and backoffs — run ddnsd as the user that owns it, or fix its mode`,
    );
  }
  const damaged = (why: string): Loaded => ({
    state: emptyState(),
    damaged: true,
    warning: `state file ${path} is corrupt (${why}); treating every record as unknown`,
  });
  const foreign = (what: string) =>
    configError('STATE_FOREIGN', `${path} is ${what}; refusing to use it as the state file and overwrite it — check state: / --state`);
  if (text.trim() === '') return damaged('empty');
  // Never quote the file: it may be a secret file named by mistake.
  if (!text.trimStart().startsWith('{')) throw foreign('not a ddnsd state file (not a JSON object)');
  let data: Partial<State> & { version?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch (err) {
    return damaged(`invalid JSON${/ at position \d+/.exec((err as Error).message)?.[0] ?? ''}`);
  }
  if (typeof data.version === 'number' && data.version > 1) {
    throw foreign(`written by a newer ddnsd (state version ${data.version}); use that version, or move the file away`);
  }
  if (data.version !== 1) throw foreign('not a ddnsd state file (no "version": 1)');
  if (typeof data.records !== 'object' || data.records === null || typeof data.salt !== 'string') return damaged('records or salt missing');
  for (const e of Object.values(data.records)) {
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string') return damaged('an entry is malformed');
    e.failures = Number.isInteger(e.failures) ? e.failures : 0;
  }
  return { state: data as State };
}

/** Keep a damaged state file as `<path>.corrupt` (the last one) instead of overwriting it. */
export function setAside(path: string): string {
  const kept = `${path}.corrupt`;
  try {
    renameSync(path, kept);
  } catch (err) {
    throw stateDirError(path, err);
  }
  return kept;
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

/**
 * Throw (transient) when the state's file system lacks room for a new copy of the state: twice
 * its size (the temp file sits beside the old one) plus 16 KiB. Unknown (no statfs) passes.
 */
export function checkRoom(path: string): void {
  let free: number;
  try {
    const fs = statfsSync(dirname(path));
    free = (process.getuid?.() === 0 ? fs.bfree : fs.bavail) * fs.bsize;
  } catch {
    return;
  }
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    /* no state yet */
  }
  if (free < 2 * size + 16 * 1024) throw stateDirError(path, Object.assign(new Error('no space'), { code: 'ENOSPC' }));
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
