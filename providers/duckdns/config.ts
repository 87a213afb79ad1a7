// Duck DNS settings: one account token; record names are <sub>.duckdns.org.
import * as v from 'valibot';
import { httpUrl, nonEmpty } from '../../src/config/values.js';
import type { ProviderType, Settings } from '../types.js';
import { plainHttpProblem } from '../shared.js';

export const DUCKDNS_SERVER = 'https://www.duckdns.org';
const SUFFIX = '.duckdns.org';

/** The sub-name Duck DNS wants in `domains=` (`myhome` for myhome.duckdns.org), or null. */
export function subName(name: string): string | null {
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (!lower.endsWith(SUFFIX)) return null;
  const sub = lower.slice(0, -SUFFIX.length);
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(sub) ? sub : null;
}

export const duckdns: ProviderType = {
  entries: {
    token: nonEmpty,
    server: v.optional(httpUrl, DUCKDNS_SERVER),
    insecure: v.optional(v.boolean(), false),
  },
  secrets: ['token'],
  validate: (s: Settings) => plainHttpProblem('server', s.server ?? DUCKDNS_SERVER, s.insecure),
  validateRecord: (_s, record) =>
    subName(record.name) === null
      ? `a Duck DNS name is one label under duckdns.org, such as myhome.duckdns.org (deeper names follow it on their own)`
      : null,
  load: async () => (await import('./index.js')).default,
};
