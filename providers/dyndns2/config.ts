// dyndns2 settings (the DynDNS "nic/update" protocol: No-IP, Dyn, dynv6, deSEC, ...).
import * as v from 'valibot';
import { httpUrl, nonEmpty } from '../../src/config/values.js';
import type { ProviderType } from '../types.js';

export const dyndns2: ProviderType = {
  entries: {
    server: httpUrl,
    username: nonEmpty,
    password: nonEmpty,
    insecure: v.optional(v.boolean(), false),
  },
  secrets: ['password'],
  load: async () => (await import('./index.js')).default,
};
