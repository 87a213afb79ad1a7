// A loopback Duck DNS (protocols.md §5): GET /update?domains=a,b&token=&ip=&ipv6=, answering
// OK or KO in the body. It keeps the A and AAAA of each sub-name it was told about.
import type { Answer, Peer, SeenRequest } from './peer.js';
import { startPeer } from './peer.js';

export interface FakeDuckdns extends Peer {
  /** sub-name → addresses */
  domains: Map<string, { ipv4?: string; ipv6?: string }>;
  override: ((req: SeenRequest) => Answer | undefined) | null;
}

export async function startFakeDuckdns(token: string, subs: string[]): Promise<FakeDuckdns> {
  const fake = {
    domains: new Map<string, { ipv4?: string; ipv6?: string }>(subs.map((s) => [s, {}])),
    override: null as FakeDuckdns['override'],
  };
  const peer = await startPeer((req) => {
    const custom = fake.override?.(req);
    if (custom) return custom;
    if (req.method !== 'GET' || req.path !== '/update') return { status: 404, body: 'not found' };
    const names = (req.query.get('domains') ?? '').split(',');
    if (req.query.get('token') !== token || names.some((n) => !fake.domains.has(n))) return { status: 200, body: 'KO' };
    const ip = req.query.get('ip');
    const ipv6 = req.query.get('ipv6');
    for (const n of names) {
      const d = fake.domains.get(n)!;
      if (ip !== null) d.ipv4 = ip === '' ? '(connection address)' : ip;
      if (ipv6 !== null) d.ipv6 = ipv6;
    }
    return { status: 200, body: 'OK' };
  });
  return Object.assign(fake, peer);
}
