// Cloudflare settings (API v4, an API token with Zone → DNS → Edit).
import * as v from 'valibot';
import { httpUrl, nonEmpty } from '../../src/config/values.js';
import type { ProviderType, Settings } from '../types.js';
import { plainHttpProblem } from '../shared.js';

export const CLOUDFLARE_API = 'https://api.cloudflare.com/client/v4';

/** Cloudflare's TTL: 1 means "automatic"; otherwise 30 (Enterprise) or 60 to 86400 seconds. */
function ttlProblem(ttl: number): string | null {
  return ttl === 1 || (Number.isInteger(ttl) && ttl >= 30 && ttl <= 86400) ? null : `${ttl} is not a Cloudflare TTL (auto, or 60 to 86400 seconds)`;
}

const ttl = v.pipe(
  v.union([v.literal('auto'), v.pipe(v.number(), v.integer())], 'expected auto or a number of seconds'),
  v.transform((t) => (t === 'auto' ? 1 : t)),
  v.check((t) => ttlProblem(t) === null, 'expected auto, or 60 to 86400 seconds'),
);

export const cloudflare: ProviderType = {
  entries: {
    token: nonEmpty,
    zone_id: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/, 'expected a Cloudflare zone id (32 hex digits)'))),
    api: v.optional(httpUrl, CLOUDFLARE_API),
    proxied: v.optional(v.boolean()),
    ttl: v.optional(ttl),
    comment: v.optional(v.string()),
    insecure: v.optional(v.boolean(), false),
  },
  secrets: ['token'],
  // Cloudflare reads are cheap (1200 requests per 5 minutes): confirm in-sync records, so an
  // edit in the dashboard is put right on the next run.
  checksInSync: true,
  validate: (s: Settings) => plainHttpProblem('api', s.api ?? CLOUDFLARE_API, s.insecure),
  validateRecord: (s, record) => {
    // A record's own ttl is used when the record is created, unless the provider sets one.
    if (s.ttl !== undefined) return null;
    const problem = ttlProblem(record.ttl);
    return problem ? `ttl ${problem}; set ttl on the record, or on the provider` : null;
  },
  load: async () => (await import('./index.js')).default,
};
