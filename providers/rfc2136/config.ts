// rfc2136 settings: DNS UPDATE (RFC 2136) signed with TSIG, to BIND, Knot, PowerDNS, ...
// Loaded at start-up: it checks the key and the zone at config time so a bad key file or a
// record outside the zone is exit 2 before anything is sent.
import * as v from 'valibot';
import { duration, hostPort, nonEmpty } from '../../src/config/values.js';
import { checkHostName, isSubdomain } from '../../src/dns/name.js';
import { KeyFileError, loadKeyFile, makeKey } from '../../src/dns/keyfile.js';
import type { TsigKey } from '../../src/dns/tsig.js';
import type { ProviderType, Settings } from '../types.js';
import type { RecordSpec } from '../../src/types.js';

export interface Rfc2136Settings {
  server?: string;
  zone?: string;
  key_file?: string;
  key?: { name: string; algorithm: string; secret: string };
  key_name?: string;
  tcp: boolean;
  timeout: number; // ms, per DNS exchange (retries included)
}

/** The TSIG key these settings name, or null for unsigned updates. Throws KeyFileError. */
export function keyOf(s: Rfc2136Settings): TsigKey | null {
  if (s.key_file) return loadKeyFile(s.key_file, s.key_name);
  if (s.key) return makeKey(s.key.name, s.key.algorithm, s.key.secret, 'key');
  return null;
}

function problem(s: Rfc2136Settings): string | null {
  if (s.key_file && s.key) return 'set key_file or key, not both';
  if (s.key_name && !s.key_file) return 'key_name picks a key from key_file; set key_file too';
  if (s.zone) {
    try {
      checkHostName(s.zone, 'zone');
    } catch (e) {
      return (e as Error).message;
    }
  }
  try {
    keyOf(s);
  } catch (e) {
    if (e instanceof KeyFileError) return s.key_file ? `key_file: ${e.message}` : e.message;
    throw e;
  }
  return null;
}

export const rfc2136: ProviderType = {
  entries: {
    server: v.optional(hostPort(53)),
    zone: v.optional(nonEmpty),
    key_file: v.optional(nonEmpty),
    key: v.optional(v.strictObject({ name: nonEmpty, algorithm: v.optional(nonEmpty, 'hmac-sha256'), secret: nonEmpty })),
    key_name: v.optional(nonEmpty),
    tcp: v.optional(v.boolean(), false),
    timeout: v.optional(duration, '10s'),
  },
  secrets: ['key.secret'],
  paths: ['key_file'],
  checksInSync: true,
  validate: (settings: Settings) => problem(settings as unknown as Rfc2136Settings),
  validateRecord(settings: Settings, record: RecordSpec): string | null {
    const zone = (settings as unknown as Rfc2136Settings).zone;
    if (!zone) return null;
    const z = zone.toLowerCase().replace(/\.$/, '');
    return isSubdomain(record.name, z) ? null : `${record.name} is not inside the zone ${z} of this provider (the server would answer NOTZONE); check zone or records[].name`;
  },
  load: async () => (await import('./index.js')).default,
};
