// The provider registry: the only place that names providers. Settings schemas load at start-up;
// an implementation loads only when a selected record uses it.
import type { ProviderType } from './types.js';
import { cloudflare } from './cloudflare/config.js';
import { duckdns } from './duckdns/config.js';
import { dyndns2 } from './dyndns2/config.js';
import { rfc2136 } from './rfc2136/config.js';

export const providerTypes: Record<string, ProviderType> = {
  rfc2136,
  dyndns2,
  cloudflare,
  duckdns,
};
