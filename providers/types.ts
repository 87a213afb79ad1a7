// The provider seam. Each provider lives in its own folder:
//   providers/<type>/config.ts  settings entries + config-time checks (loaded at start-up)
//   providers/<type>/index.ts   the implementation (loaded only when a record needs it)
// and is listed once in providers/index.ts.
import type { ObjectEntries } from 'valibot';
import type { RunContext } from '../src/context.js';
import type { DdnsError } from '../src/errors.js';
import type { Change, Outcome, RecordSpec } from '../src/types.js';

/** What check() found for one record: it holds the address, it does not, or asking failed. */
export type Verdict = 'in-sync' | 'differs' | DdnsError;

export interface Provider {
  /** The provider's name under `providers:` in the config. */
  readonly name: string;
  /**
   * Optional cheap confirmation that records the state file calls in sync really hold their
   * addresses (RFC 2136: a prerequisite-only UPDATE). Each is given as the change it becomes
   * when it does not (`why: 'drift'`); returns one verdict per change, in order: 'differs'
   * turns it into an update, a DdnsError is that record's failure.
   */
  check?(changes: readonly Change[], ctx: RunContext): Promise<Verdict[]>;
  /** Publish changes; returns exactly one outcome per change. A per-change failure is an
   * outcome with status 'failed' (a DdnsError), never a throw. */
  apply(changes: readonly Change[], ctx: RunContext): Promise<Outcome[]>;
}

/** Settings after validation, `_file` and `${VAR}` resolution; `type` included. */
export type Settings = Record<string, unknown>;

export interface ProviderModule {
  create(name: string, settings: Settings): Provider;
}

export interface ProviderType {
  /** valibot entries of the provider's own keys (`type` is added for you); strict: unknown
   * keys are errors. */
  entries: ObjectEntries;
  /** Setting keys whose values are secrets: redacted by `ddnsd check`, masked in all output. */
  secrets: readonly string[];
  /** Setting keys that hold file paths, made absolute relative to the config file. These are
   * not `k_file` secrets: they are read by the provider itself (e.g. a BIND key file). */
  paths?: readonly string[];
  /** Config-time check of the settings; returns a message naming the key, or null. */
  validate?(settings: Settings): string | null;
  /** Config-time check of one record against these settings; returns a message or null. */
  validateRecord?(settings: Settings, record: RecordSpec): string | null;
  /** The implementation has check(): run it on records the state calls in sync. */
  checksInSync?: boolean;
  load(): Promise<ProviderModule>;
}
