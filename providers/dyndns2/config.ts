// dyndns2 settings (the DynDNS "nic/update" protocol: No-IP, Dyn, dynv6, deSEC, ...).
//
// A `preset` names a known service: it fills in the update URL and the way that service takes
// IPv6 (there is no single standard, see protocols.md §4.3). An explicit `server` or
// `dual_stack` wins over the preset's.
import * as v from 'valibot';
import { httpUrl, nonEmpty } from '../../src/config/values.js';
import type { ProviderType, Settings } from '../types.js';
import { plainHttpProblem } from '../shared.js';

/**
 * How a service takes both families:
 *  - `combined`: `myip=V4,V6` in one request (or `myip=V4` / `myip=V6` when one is due);
 *  - `myipv6`:   `myip=V4&myipv6=V6` in one request;
 *  - `separate`: one request per family, each with `myip=ADDRESS`.
 */
export const DUAL_STACK = ['combined', 'myipv6', 'separate'] as const;
export type DualStack = (typeof DUAL_STACK)[number];

export interface Preset {
  /** Shown in the README table. */
  service: string;
  server: string;
  dualStack: DualStack;
  /** The value that tells the service "leave this family as it is" (deSEC: `preserve`). Sent
   * for a family that is not due, so the service never deletes it. */
  keep?: string;
  /** The service's dyndns2 endpoint cannot set AAAA records. */
  ipv4Only?: boolean;
  /** A user name the service ignores (the password is a token). */
  username?: string;
  /** Where the facts come from (protocols.md sources). */
  source: string;
}

export const PRESETS: Record<string, Preset> = {
  noip: { service: 'No-IP', server: 'https://dynupdate.no-ip.com/nic/update', dualStack: 'combined', source: 'No-IP integrate/response (echoes v4,v6); ddclient' },
  dyn: { service: 'Dyn (Oracle)', server: 'https://members.dyndns.org/nic/update', dualStack: 'combined', source: 'help.dyn.com perform-update; ddclient' },
  desec: { service: 'deSEC (dedyn.io)', server: 'https://update.dedyn.io/nic/update', dualStack: 'myipv6', keep: 'preserve', source: 'desec.readthedocs.io dyndns/update-api' },
  dynv6: { service: 'dynv6', server: 'https://dynv6.com/nic/update', dualStack: 'separate', ipv4Only: true, username: 'none', source: 'dynv6.com/docs/apis; ddclient example' },
  dynu: { service: 'Dynu', server: 'https://api.dynu.com/nic/update', dualStack: 'myipv6', source: 'inadyn plugins/dyndns.c' },
  inwx: { service: 'INWX', server: 'https://dyndns.inwx.com/nic/update', dualStack: 'myipv6', source: 'inadyn plugins/dyndns.c' },
  ipv64: { service: 'IPv64.net', server: 'https://ipv64.net/nic/update', dualStack: 'myipv6', source: 'ipv64.net dyndns_updater_api' },
  spdyn: { service: 'Securepoint spDYN', server: 'https://update.spdyn.de/nic/update', dualStack: 'combined', source: 'wiki.securepoint.de SPDyn/Parameter' },
  variomedia: { service: 'variomedia', server: 'https://dyndns.variomedia.de/nic/update', dualStack: 'combined', source: 'dyndns.variomedia.de' },
  he: { service: 'Hurricane Electric (dns.he.net)', server: 'https://dyn.dns.he.net/nic/update', dualStack: 'separate', source: 'inadyn; ddclient' },
  dnsomatic: { service: 'DNS-O-Matic', server: 'https://updates.dnsomatic.com/nic/update', dualStack: 'separate', source: 'inadyn plugins/dyndns.c' },
  selfhost: { service: 'selfHOST', server: 'https://carol.selfhost.de/nic/update', dualStack: 'separate', source: 'inadyn plugins/dyndns.c' },
  dyfi: { service: 'dy.fi', server: 'https://www.dy.fi/nic/update', dualStack: 'separate', source: 'inadyn plugins/dyndns.c' },
  dode: { service: 'do.de', server: 'https://ddns.do.de/nic/update', dualStack: 'separate', source: 'inadyn plugins/dyndns.c' },
  ovh: { service: 'OVH DynHost', server: 'https://www.ovh.com/nic/update?system=dyndns', dualStack: 'separate', source: 'ddclient nic_ovh_update' },
};

/** The effective settings: the preset's values under whatever the config sets explicitly. */
export interface Effective {
  server: string;
  username: string;
  password: string;
  dualStack: DualStack;
  keep?: string;
  ipv4Only: boolean;
}

export function effective(s: Settings): Effective | string {
  const preset = typeof s.preset === 'string' ? PRESETS[s.preset] : undefined;
  const server = (s.server as string | undefined) ?? preset?.server;
  const username = (s.username as string | undefined) ?? preset?.username;
  if (!server) return 'server: missing (required unless a preset gives it)';
  if (!username) return 'username: missing (required)';
  return {
    server,
    username,
    password: s.password as string,
    dualStack: (s.dual_stack as DualStack | undefined) ?? preset?.dualStack ?? 'separate',
    ...(preset?.keep ? { keep: preset.keep } : {}),
    ipv4Only: preset?.ipv4Only === true && s.server === undefined,
  };
}

export const dyndns2: ProviderType = {
  entries: {
    preset: v.optional(v.picklist(Object.keys(PRESETS), `expected one of ${Object.keys(PRESETS).join(', ')}`)),
    server: v.optional(httpUrl),
    username: v.optional(nonEmpty),
    password: nonEmpty,
    dual_stack: v.optional(v.picklist(DUAL_STACK, `expected one of ${DUAL_STACK.join(', ')}`)),
    insecure: v.optional(v.boolean(), false),
  },
  secrets: ['password'],
  validate: (s) => {
    const e = effective(s);
    return typeof e === 'string' ? e : plainHttpProblem('server', e.server, s.insecure);
  },
  validateRecord: (s, record) => {
    const e = effective(s);
    if (typeof e !== 'string' && e.ipv4Only && record.ipv6) {
      return `ipv6: the ${PRESETS[s.preset as string]!.service} dyndns2 endpoint can only set IPv4 addresses; set ipv6: false, or use an rfc2136 provider for the AAAA record`;
    }
    return null;
  },
  load: async () => (await import('./index.js')).default,
};
