// The detector registry: every detector type, its settings, and how to load it. Only this file
// names detector types; the implementation of a type is loaded when a config uses it.
import * as v from 'valibot';
import { hostPort, httpUrl, nonEmpty } from '../config/values.js';
import type { DetectorModule } from './types.js';

export interface DetectorEntry {
  /** valibot entries of this type's own keys (type, timeout and accept are added for you). */
  entries: v.ObjectEntries;
  paths?: readonly string[];
  /** Config-time check across this type's keys; returns a message naming the key, or null. */
  validate?(settings: Record<string, unknown>): string | null;
  load(): Promise<DetectorModule<Record<string, unknown>>>;
}

/** A DNS name: labels of 1–63 characters, at most 253 in all, an optional trailing dot. */
const dnsName = v.pipe(
  v.string(),
  v.check((s) => {
    const name = s.replace(/\.$/, '');
    return name.length > 0 && name.length <= 253 && name.split('.').every((l) => l.length > 0 && l.length <= 63);
  }, 'expected a DNS name such as myip.opendns.com'),
);

type Loaded = Promise<{ default: DetectorModule<never> }>;
const lazy = (f: () => Loaded) => async () => (await f()).default as unknown as DetectorModule<Record<string, unknown>>;

export const detectorTypes: Record<string, DetectorEntry> = {
  http: { entries: { url: httpUrl }, load: lazy(() => import('./http.js')) },
  static: { entries: { address: v.string() }, load: lazy(() => import('./static.js')) },
  upnp: {
    entries: { location: v.optional(httpUrl), interface: v.optional(nonEmpty) },
    load: lazy(() => import('./upnp/index.js')),
  },
  dns: {
    entries: {
      server: v.optional(hostPort(53)),
      name: v.optional(dnsName),
      qtype: v.optional(v.picklist(['A', 'AAAA', 'TXT'], 'expected A, AAAA or TXT')),
      class: v.optional(v.picklist(['IN', 'CH'], 'expected IN or CH')),
      preset: v.optional(v.picklist(['opendns', 'cloudflare', 'google'], 'expected opendns, cloudflare or google')),
    },
    validate: (s) =>
      s['preset'] === undefined && (s['server'] === undefined || s['name'] === undefined)
        ? 'a dns detector needs server and name, or a preset (opendns, cloudflare, google)'
        : null,
    load: lazy(() => import('./dns.js')),
  },
};
