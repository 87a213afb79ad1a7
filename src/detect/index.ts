// The detector registry: every detector type, its settings, and how to load it. Only this file
// names detector types; the implementation of a type is loaded when a config uses it.
import * as v from 'valibot';
import { httpUrl } from '../config/values.js';
import type { DetectorModule } from './types.js';

export interface DetectorEntry {
  /** valibot entries of this type's own keys (type, timeout and accept are added for you). */
  entries: v.ObjectEntries;
  paths?: readonly string[];
  load(): Promise<DetectorModule<Record<string, unknown>>>;
}

type Loaded = Promise<{ default: DetectorModule<never> }>;
const lazy = (f: () => Loaded) => async () => (await f()).default as unknown as DetectorModule<Record<string, unknown>>;

export const detectorTypes: Record<string, DetectorEntry> = {
  http: { entries: { url: httpUrl }, load: lazy(() => import('./http.js')) },
  static: { entries: { address: v.string() }, load: lazy(() => import('./static.js')) },
};
