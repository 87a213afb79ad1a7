// The nouns every part of ddnsd shares. Data flows one way: detect → plan → apply → state.

export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** The DNS record type that carries an address of this family. */
export function rrType(family: Family): 'A' | 'AAAA' {
  return family === 'ipv4' ? 'A' : 'AAAA';
}

/**
 * What one detector answered. "Unavailable" (ok: false) is not "empty": records of that family
 * are left alone, never deleted.
 */
export type Detection =
  | { ok: true; source: string; address: string }
  | { ok: false; source: string; reason: string };

/** A record as configured (after defaults). */
export interface RecordSpec {
  name: string; // lower-case FQDN without the trailing dot
  provider: string; // key under `providers:`
  ipv4: boolean;
  ipv6: boolean;
  ttl: number; // seconds
}

/** One address to publish for one record and family. */
export interface Change {
  record: RecordSpec;
  family: Family;
  address: string;
  /** What the state file says was published last, if anything. */
  previous: string | null;
  why: 'new' | 'changed' | 'max-age' | 'force' | 'drift';
}

export type Outcome =
  | { change: Change; status: 'updated' | 'in-sync' }
  | { change: Change; status: 'failed'; error: import('./errors.js').DdnsError };
