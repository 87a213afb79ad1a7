// A loopback Cloudflare API v4 that speaks the shapes of protocols.md §6: zones by name, DNS
// records by type and name, create (POST) and partial update (PATCH), the success/errors
// envelope, and Bearer tokens. `override` lets a test answer any request its own way.
import type { Answer, Peer, SeenRequest } from './peer.js';
import { startPeer } from './peer.js';

export interface FakeZone {
  id: string;
  name: string;
  status?: string;
}

export interface FakeRecord {
  id: string;
  zone_id: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: boolean;
  comment: string | null;
}

export interface FakeCloudflare extends Peer {
  /** The API base URL to configure as `api`. */
  api: string;
  zones: FakeZone[];
  records: FakeRecord[];
  /** Return an answer to take over a request, or undefined to let the fake API answer. */
  override: ((req: SeenRequest) => Answer | undefined) | null;
  /** Requests other than GET. */
  writes(): SeenRequest[];
  /** Forget records, requests seen and any override (between tests). */
  reset(): void;
}

export const envelope = (result: unknown, status = 200): Answer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ success: true, errors: [], messages: [], result }),
});

export const failure = (status: number, code: number, message: string): Answer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ success: false, errors: [{ code, message }], messages: [], result: null }),
});

export async function startFakeCloudflare(token: string, zones: FakeZone[]): Promise<FakeCloudflare> {
  let next = 1;
  const fake = {
    zones,
    records: [] as FakeRecord[],
    override: null as FakeCloudflare['override'],
  };
  const peer = await startPeer((req) => {
    const custom = fake.override?.(req);
    if (custom) return custom;
    if (req.headers.authorization !== `Bearer ${token}`) return failure(403, 9109, 'Invalid access token');
    const parts = req.path.replace(/^\/client\/v4/, '').split('/').filter(Boolean);
    if (req.method === 'GET' && parts.length === 1 && parts[0] === 'zones') {
      const name = req.query.get('name');
      return envelope(fake.zones.filter((z) => name === null || z.name === name).map((z) => ({ status: 'active', ...z })));
    }
    if (parts[0] !== 'zones' || parts[2] !== 'dns_records' || !fake.zones.some((z) => z.id === parts[1])) {
      return failure(404, 7003, `Could not route to ${req.path}, perhaps your object identifier is invalid?`);
    }
    const zoneId = parts[1]!;
    if (req.method === 'GET' && parts.length === 3) {
      const type = req.query.get('type');
      const name = req.query.get('name');
      return envelope(
        fake.records.filter((r) => r.zone_id === zoneId && (type === null || r.type === type) && (name === null || r.name === name)),
      );
    }
    if (req.method === 'POST' && parts.length === 3) {
      const body = JSON.parse(req.body) as Partial<FakeRecord>;
      const rec: FakeRecord = {
        id: `rec${next++}`,
        zone_id: zoneId,
        name: String(body.name),
        type: String(body.type),
        content: String(body.content),
        ttl: body.ttl ?? 1,
        proxied: body.proxied ?? false,
        comment: body.comment ?? null,
      };
      fake.records.push(rec);
      return envelope(rec);
    }
    if (req.method === 'PATCH' && parts.length === 4) {
      const rec = fake.records.find((r) => r.zone_id === zoneId && r.id === parts[3]);
      if (!rec) return failure(404, 81044, 'Record does not exist.');
      Object.assign(rec, JSON.parse(req.body) as Partial<FakeRecord>);
      return envelope(rec);
    }
    return failure(405, 10000, 'method not allowed');
  });
  return Object.assign(fake, peer, {
    api: `${peer.base}/client/v4`,
    writes: () => peer.seen.filter((r) => r.method !== 'GET'),
    reset() {
      fake.records.length = 0;
      peer.seen.length = 0;
      fake.override = null;
    },
  });
}
