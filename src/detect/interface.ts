// `interface`: an address held by a network interface of this box — the named one, or the one
// holding the default route of the family. Node's os.networkInterfaces() does not show the
// kernel's address flags, so the addresses come from iproute2's JSON output (`ip -j addr show`,
// `ip -j route show default`), which reports the kernel's IFA_F_* flags as they are.
import type { Family } from '../types.js';
import type { DetectorModule } from './types.js';
import type { Parsed } from './address.js';
import { notPublic, parseAddress, quote } from './address.js';
import { lastLine, runProcess, type RunFn } from './process.js';

export interface InterfaceDeps {
  run: RunFn;
  /** argv prefix for iproute2: ['ip'], or ['ip', '-n', NS] to look inside a network namespace. */
  ip: readonly string[];
}

type Settings = { interface?: string | undefined };

/** One entry of `addr_info` in `ip -j addr show`; the flags are present only when set. */
export interface AddrInfo {
  family?: string;
  local?: string;
  scope?: string;
  secondary?: boolean;
  temporary?: boolean;
  deprecated?: boolean;
  tentative?: boolean;
  dadfailed?: boolean;
  mngtmpaddr?: boolean;
  dynamic?: boolean;
  'stable-privacy'?: boolean;
  valid_life_time?: number;
}

interface Route {
  dst?: string;
  dev?: string;
  type?: string;
  metric?: number;
  nexthops?: { dev?: string }[];
}

const FOREVER = 4294967295;

export function createInterfaceDetector(deps: InterfaceDeps): DetectorModule<Settings> {
  return {
    describe: (s) => `interface ${s.interface ?? '(default route)'}`,
    async detect(s, family, ctx) {
      const ipFamily = family === 'ipv4' ? '-4' : '-6';
      const deadline = Date.now() + s.timeout; // one budget for both ip runs
      const run = async (args: string[]): Promise<{ ok: true; json: unknown } | { ok: false; reason: string }> => {
        const r = await deps.run([...deps.ip, '-j', ipFamily, ...args], {
          timeoutMs: Math.max(1, deadline - Date.now()),
          signal: ctx.signal,
          env: ctx.env,
        });
        if (r.error) return { ok: false, reason: `cannot run ip (iproute2): ${r.error}` };
        if (r.timedOut) return { ok: false, reason: `ip ${args.join(' ')} did not finish within ${s.timeout} ms` };
        if (r.overflow) return { ok: false, reason: `ip ${args.join(' ')} printed too much` };
        if (r.code !== 0) {
          return { ok: false, reason: `ip ${args.join(' ')} failed: ${lastLine(r.stderr) || `exit ${r.code}`}` };
        }
        try {
          return { ok: true, json: JSON.parse(r.stdout.trim() || '[]') };
        } catch {
          return { ok: false, reason: `ip ${args.join(' ')} printed something that is not JSON: ${quote(r.stdout)}` };
        }
      };

      let name = s.interface;
      if (name === undefined) {
        const routes = await run(['route', 'show', 'default']);
        if (!routes.ok) return routes;
        const dev = defaultRouteDevice(routes.json);
        if (!dev) {
          return {
            ok: false,
            reason: `no default ${label(family)} route on this box; name the interface with the interface key`,
          };
        }
        name = dev;
      }

      const addrs = await run(['addr', 'show', 'dev', name]);
      if (!addrs.ok) {
        return /does not exist/.test(addrs.reason) ? { ok: false, reason: `interface ${name} does not exist` } : addrs;
      }
      const infos = Array.isArray(addrs.json)
        ? addrs.json.flatMap((link) => ((link as { addr_info?: unknown })?.addr_info as AddrInfo[] | undefined) ?? [])
        : [];
      return chooseAddress(infos, family, name);
    },
  };
}

/** The device of the default route with the lowest metric (unicast routes only). */
export function defaultRouteDevice(json: unknown): string | null {
  if (!Array.isArray(json)) return null;
  const routes = (json as Route[])
    .filter((r) => r && r.dst === 'default' && (r.type === undefined || r.type === 'unicast'))
    .map((r) => ({ dev: r.dev ?? r.nexthops?.find((n) => n.dev)?.dev, metric: r.metric ?? 0 }))
    .filter((r): r is { dev: string; metric: number } => typeof r.dev === 'string' && r.dev !== '');
  routes.sort((a, b) => a.metric - b.metric); // stable: the kernel's order breaks ties
  return routes[0]?.dev ?? null;
}

/**
 * Pick the address a careful admin would publish. Skipped: temporary (privacy), deprecated,
 * tentative and dadfailed addresses, and IPv6 link-local ones (useless without a zone). Among
 * the rest: public before non-public; then for IPv6 a stable address (mngtmpaddr, static,
 * stable-privacy or EUI-64) before any other, static before dynamic, then the lowest address;
 * for IPv4 the primary before a secondary, then the kernel's order.
 */
export function chooseAddress(infos: readonly AddrInfo[], family: Family, ifname: string): Parsed {
  const want = family === 'ipv4' ? 'inet' : 'inet6';
  const skipped: string[] = [];
  const usable: { address: string; rank: number[]; bytes: number[]; order: number }[] = [];
  infos.forEach((info, order) => {
    if (info.family !== want || typeof info.local !== 'string') return;
    const parsed = parseAddress(info.local, family);
    if (!parsed.ok) {
      skipped.push(`${info.local}: ${parsed.reason}`);
      return;
    }
    const address = parsed.address;
    const flag = (['temporary', 'deprecated', 'tentative', 'dadfailed'] as const).find((f) => info[f] === true);
    if (flag) {
      skipped.push(`${address} (${flag})`);
      return;
    }
    if (family === 'ipv6' && (info.scope === 'link' || address.toLowerCase().startsWith('fe8'))) {
      skipped.push(`${address} (link-local)`);
      return;
    }
    const pub = notPublic(address) === null ? 0 : 1;
    if (family === 'ipv4') {
      usable.push({ address, rank: [pub, info.secondary ? 1 : 0], bytes: [], order });
      return;
    }
    const bytes = v6Bytes(address);
    const permanent = info.dynamic !== true && (info.valid_life_time === undefined || info.valid_life_time === FOREVER);
    const stable = info.mngtmpaddr === true || info['stable-privacy'] === true || permanent || isEui64(bytes);
    usable.push({ address, rank: [pub, stable ? 0 : 1, permanent ? 0 : 1], bytes, order });
  });

  if (usable.length === 0) {
    const why = skipped.length ? ` (skipped ${skipped.join(', ')})` : '';
    return { ok: false, reason: `interface ${ifname} has no usable ${label(family)} address${why}` };
  }
  usable.sort((a, b) => compare(a.rank, b.rank) || compare(a.bytes, b.bytes) || a.order - b.order);
  return { ok: true, address: usable[0]!.address };
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function v6Bytes(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const words = (p: string) => (p === '' ? [] : p.split(':').map((w) => parseInt(w, 16)));
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

/** A modified EUI-64 interface identifier (from a MAC address) has ff:fe in its middle. */
function isEui64(bytes: readonly number[]): boolean {
  return bytes[11] === 0xff && bytes[12] === 0xfe;
}

const label = (family: Family) => (family === 'ipv4' ? 'IPv4' : 'IPv6');

export default createInterfaceDetector({ run: runProcess, ip: ['ip'] });
