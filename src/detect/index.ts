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

/** A Linux interface name: 1–15 characters, no whitespace, `/` or `:`, not starting with `-`. */
const ifname = v.pipe(
  v.string(),
  v.regex(/^(?!-)[^\s/:]{1,15}$/, 'expected an interface name such as eth0 (1-15 characters, no spaces, / or :)'),
);

/** `user@server` or `server` (a name from ~/.ssh/config works too); never an ssh option. */
const sshHost = v.pipe(
  v.string(),
  v.regex(/^(?!-)[^\s]+$/, 'expected user@server or server (no spaces, not starting with -)'),
);

const port = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/))], 'expected a port number'),
  v.transform(Number),
  v.integer('expected a port number'),
  v.minValue(1, 'expected a port from 1 to 65535'),
  v.maxValue(65535, 'expected a port from 1 to 65535'),
);

/** An argv list; a single string would need a shell to split it, which we never use. */
const argvList = v.pipe(
  v.array(
    v.string(),
    'expected an argv list such as [/usr/local/bin/myip, --v4], not a shell string (no shell is used)',
  ),
  v.minLength(1, 'expected at least the program to run'),
  v.check((a) => a[0] !== '', 'the program (first item) must not be empty'),
);

export const detectorTypes: Record<string, DetectorEntry> = {
  http: { entries: { url: httpUrl }, load: lazy(() => import('./http.js')) },
  static: { entries: { address: v.string() }, load: lazy(() => import('./static.js')) },
  interface: { entries: { interface: v.optional(ifname) }, load: lazy(() => import('./interface.js')) },
  ssh: {
    entries: {
      host: v.optional(sshHost),
      port: v.optional(port),
      identity: v.optional(nonEmpty),
      known_hosts: v.optional(nonEmpty),
    },
    paths: ['identity', 'known_hosts'],
    validate: (s) => {
      const stray = ['port', 'identity', 'known_hosts'].filter((k) => s[k] !== undefined);
      return s['host'] === undefined && stray.length > 0
        ? `${stray.join(', ')} ${stray.length > 1 ? 'need' : 'needs'} host: set host (user@server) to ask an ssh server, or remove ${stray.length > 1 ? 'them' : 'it'} to read SSH_CONNECTION`
        : null;
    },
    load: lazy(() => import('./ssh.js')),
  },
  command: { entries: { command: argvList }, load: lazy(() => import('./command.js')) },
  upnp: {
    entries: { location: v.optional(httpUrl), interface: v.optional(ifname) },
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
