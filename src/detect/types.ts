// The detector seam. A detector answers for one family; it never decides what to publish.
// Each detector type is one file in src/detect/ and one entry in src/detect/index.ts.
import type { GenericSchema, InferOutput } from 'valibot';
import type { RunContext } from '../context.js';
import type { Family } from '../types.js';
import type { Accept, Parsed } from './address.js';

/** Settings every detector takes, added to each type's schema by the registry. */
export interface CommonDetectorSettings {
  type: string;
  timeout: number; // milliseconds
  accept: Accept;
}

export interface DetectorModule<S> {
  /** A short label for this source in `ddnsd detect` and logs, e.g. `http https://api.ipify.org`. */
  describe(settings: S & CommonDetectorSettings): string;
  /**
   * Find the address of this family. Resolve { ok: true, address } with one syntactically valid
   * address of the family (use parseAddress/parseEchoBody) or { ok: false, reason }. `accept` is
   * applied by the caller. Must finish within settings.timeout; never throws.
   */
  detect(settings: S & CommonDetectorSettings, family: Family, ctx: RunContext): Promise<Parsed>;
}

export interface DetectorType<S extends GenericSchema = GenericSchema> {
  /** Schema of this type's own keys (without type/timeout/accept), as an object-entries map. */
  schema: S;
  /** Setting keys that hold file paths, made absolute relative to the config file. */
  paths?: readonly string[];
  load(): Promise<DetectorModule<InferOutput<S>>>;
}
