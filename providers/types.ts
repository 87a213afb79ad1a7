// The provider seam. Each provider lives in its own folder:
//   providers/<type>/config.ts  settings entries + config-time checks (loaded at start-up)
//   providers/<type>/index.ts   the implementation (loaded only when a record needs it)
// and is listed once in providers/index.ts.
import type { ObjectEntries } from 'valibot';
import type { RunContext } from '../src/context.js';
import type { Change, Family, Outcome, RecordSpec } from '../src/types.js';

export interface Provider {
  /** The provider's name under `providers:` in the config. */
  readonly name: string;
  /**
   * Optional cheap confirmation that a record the state file calls in sync really holds the
   * address (RFC 2136: a prerequisite-only UPDATE). 'differs' turns it into a change.
   * Throws DdnsError on failure.
   */
  check?(record: RecordSpec, family: Family, address: string, ctx: RunContext): Promise<'in-sync' | 'differs'>;
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
