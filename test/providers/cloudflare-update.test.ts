import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cloudflare } from '../../providers/cloudflare/index.js';
import { testContext } from './context.js';
import type { TestContext } from './context.js';
import { startFakeCloudflare } from './fake-cloudflare.js';
import type { FakeCloudflare } from './fake-cloudflare.js';
import { change, rec } from './changes.js';

const TOKEN = 'cf-CANARY-token-0123456789';
const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';

describe('cloudflare: create, update, leave alone', () => {
  let cf: FakeCloudflare;
  let t: TestContext;
  before(async () => {
    cf = await startFakeCloudflare(TOKEN, [{ id: ZONE, name: 'example.com' }]);
  });
  beforeEach(() => {
    cf.reset();
    t = testContext();
  });
  afterEach(() => t.close());
  after(() => cf.close());
  const provider = (extra: Record<string, unknown> = {}) => new Cloudflare('cf', { token: TOKEN, api: cf.api, ...extra });

  it('record absent → apply → zone by name, read by name+type, POST with golden body', async () => {
    const r = rec('home.example.com', 'cf');
    const [o] = await provider().apply([change(r, 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(o?.status, 'updated');
    assert.deepEqual(
      cf.seen.map((s) => `${s.method} ${s.url}`),
      [
        'GET /client/v4/zones?name=home.example.com',
        'GET /client/v4/zones?name=example.com',
        `GET /client/v4/zones/${ZONE}/dns_records?type=A&name=home.example.com`,
        `POST /client/v4/zones/${ZONE}/dns_records`,
      ],
    );
    const post = cf.seen[3]!;
    assert.equal(post.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(post.headers['content-type'], 'application/json');
    assert.equal(post.headers['user-agent'], t.ctx.userAgent);
    assert.deepEqual(JSON.parse(post.body), { type: 'A', name: 'home.example.com', content: '203.0.113.7', ttl: 300 });
    assert.equal(cf.records.length, 1);
    assert.equal(cf.records[0]?.content, '203.0.113.7');
  });

  it('record already holds the address → apply → in-sync and nothing written', async () => {
    const p = provider();
    const r = rec('home.example.com', 'cf');
    await p.apply([change(r, 'ipv4', '203.0.113.7')], t.ctx);
    cf.seen.length = 0;
    const [o] = await p.apply([change(r, 'ipv4', '203.0.113.7', '203.0.113.7')], t.ctx);
    assert.equal(o?.status, 'in-sync');
    assert.deepEqual(cf.writes(), []);
  });

  it('address changed → apply → PATCH of the content only; proxied, ttl, comment kept', async () => {
    cf.records.push({ id: 'r1', zone_id: ZONE, name: 'home.example.com', type: 'A', content: '198.51.100.1', ttl: 120, proxied: true, comment: 'mine' });
    const [o] = await provider().apply([change(rec('home.example.com', 'cf'), 'ipv4', '203.0.113.8', '198.51.100.1')], t.ctx);
    assert.equal(o?.status, 'updated');
    const writes = cf.writes();
    assert.equal(writes.length, 1);
    assert.equal(writes[0]?.method, 'PATCH');
    assert.equal(writes[0]?.path, `/client/v4/zones/${ZONE}/dns_records/r1`);
    assert.deepEqual(JSON.parse(writes[0]!.body), { content: '203.0.113.8' });
    assert.deepEqual(cf.records[0], { id: 'r1', zone_id: ZONE, name: 'home.example.com', type: 'A', content: '203.0.113.8', ttl: 120, proxied: true, comment: 'mine' });
  });

  it('proxied, ttl and comment set in the config → create and PATCH → they are sent', async () => {
    const p = provider({ proxied: false, ttl: 1, comment: 'ddnsd' });
    const r = rec('home.example.com', 'cf');
    await p.apply([change(r, 'ipv4', '203.0.113.7')], t.ctx);
    await p.apply([change(r, 'ipv4', '203.0.113.9', '203.0.113.7')], t.ctx);
    const [post, patch] = cf.writes();
    assert.deepEqual(JSON.parse(post!.body), { type: 'A', name: 'home.example.com', content: '203.0.113.7', ttl: 1, proxied: false, comment: 'ddnsd' });
    assert.deepEqual(JSON.parse(patch!.body), { content: '203.0.113.9', proxied: false, ttl: 1, comment: 'ddnsd' });
  });

  it('dual-stack record → apply A and AAAA → both written, zone looked up once', async () => {
    const r = rec('home.example.com', 'cf', { ipv6: true });
    const out = await provider().apply([change(r, 'ipv4', '203.0.113.7'), change(r, 'ipv6', '2001:db8::7')], t.ctx);
    assert.deepEqual(out.map((o) => o.status), ['updated', 'updated']);
    assert.equal(cf.seen.filter((s) => s.path.endsWith('/zones')).length, 2);
    assert.deepEqual(cf.records.map((x) => `${x.type} ${x.content}`), ['A 203.0.113.7', 'AAAA 2001:db8::7']);
  });

  it('only AAAA in the change list → apply → the A record is not touched', async () => {
    cf.records.push({ id: 'a1', zone_id: ZONE, name: 'home.example.com', type: 'A', content: '198.51.100.1', ttl: 300, proxied: false, comment: null });
    const r = rec('home.example.com', 'cf', { ipv6: true });
    await provider().apply([change(r, 'ipv6', '2001:db8::7')], t.ctx);
    assert.equal(cf.records.find((x) => x.type === 'A')?.content, '198.51.100.1');
    assert.ok(cf.seen.every((s) => !s.url.includes('type=A&')));
  });

  it('AAAA stored in another spelling → apply → in-sync, nothing written', async () => {
    cf.records.push({ id: 'q1', zone_id: ZONE, name: 'home.example.com', type: 'AAAA', content: '2001:0db8:0:0::7', ttl: 300, proxied: false, comment: null });
    const [o] = await provider().apply([change(rec('home.example.com', 'cf', { ipv4: false, ipv6: true }), 'ipv6', '2001:db8::7')], t.ctx);
    assert.equal(o?.status, 'in-sync');
    assert.deepEqual(cf.writes(), []);
  });

  it('check → record holds / differs / absent → in-sync / differs / differs, no write', async () => {
    const p = provider();
    const r = rec('home.example.com', 'cf');
    assert.deepEqual(await p.check([change(r, 'ipv4', '203.0.113.7')], t.ctx), ['differs']);
    cf.records.push({ id: 'a1', zone_id: ZONE, name: 'home.example.com', type: 'A', content: '203.0.113.7', ttl: 300, proxied: false, comment: null });
    assert.deepEqual(await p.check([change(r, 'ipv4', '203.0.113.7'), change(r, 'ipv4', '203.0.113.8')], t.ctx), ['in-sync', 'differs']);
    assert.deepEqual(cf.writes(), []);
  });

  it('zone_id set → apply → no zone lookup', async () => {
    await provider({ zone_id: ZONE }).apply([change(rec('home.example.com', 'cf'), 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(cf.seen.filter((s) => s.path.endsWith('/zones')).length, 0);
    assert.equal(cf.records.length, 1);
  });

  it('a name with & = % + → apply → every query value arrives intact', async () => {
    const name = 'a&b=c%d+e.example.com';
    const [o] = await provider().apply([change(rec(name, 'cf'), 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(o?.status, 'updated');
    assert.equal(cf.seen[0]!.query.get('name'), name);
    assert.equal(cf.seen.find((s) => s.path.endsWith('/dns_records') && s.method === 'GET')!.query.get('name'), name);
    assert.equal(cf.records[0]?.name, name);
  });
});
