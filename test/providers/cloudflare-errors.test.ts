import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cloudflare } from '../../providers/cloudflare/index.js';
import { DdnsError } from '../../src/errors.js';
import type { Outcome } from '../../src/types.js';
import { NOW, testContext } from './context.js';
import type { TestContext } from './context.js';
import { envelope, failure, startFakeCloudflare } from './fake-cloudflare.js';
import type { FakeCloudflare, FakeRecord } from './fake-cloudflare.js';
import { change, rec } from './changes.js';

const TOKEN = 'cf-CANARY-tok&en=%2B+x';
const ZONE = 'z1';

function failed(o: Outcome | undefined): DdnsError {
  assert.ok(o && o.status === 'failed', `expected a failure, got ${o?.status}`);
  assert.ok(o.error instanceof DdnsError);
  assert.ok(!o.error.message.includes('CANARY'), `token in message: ${o.error.message}`);
  return o.error;
}

describe('cloudflare: error answers', () => {
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
  const provider = (token = TOKEN) => new Cloudflare('cf', { token, api: cf.api });
  const one = async (p = provider()) => (await p.apply([change(rec('home.example.com', 'cf'), 'ipv4', '203.0.113.7')], t.ctx))[0];

  it('HTTP 401 → apply → permanent TOKEN_INVALID that says invalid or expired', async () => {
    cf.override = () => failure(401, 10000, 'Authentication error');
    const e = failed(await one());
    assert.equal(e.kind, 'permanent');
    assert.equal(e.code, 'TOKEN_INVALID');
    assert.match(e.message, /invalid, expired or revoked/);
  });

  it('unknown token (403 with code 9109) → apply → permanent TOKEN_INVALID', async () => {
    const e = failed(await one(provider('cf-CANARY-wrong')));
    assert.equal(e.kind, 'permanent');
    assert.equal(e.code, 'TOKEN_INVALID');
    assert.match(e.message, /Invalid access token/);
  });

  it('403 on the write (token may only read) → apply → permanent, names Zone → DNS → Edit', async () => {
    cf.override = (req) => (req.method !== 'GET' ? failure(403, 10000, 'Authentication error') : undefined);
    const e = failed(await one());
    assert.equal(e.kind, 'permanent');
    assert.equal(e.code, 'TOKEN_FORBIDDEN');
    assert.match(e.message, /lacks the permission Zone → DNS → Edit/);
    assert.match(e.message, /example\.com/);
  });

  it('403 with 9109 "Unauthorized to access requested resource" → apply → TOKEN_FORBIDDEN, not invalid', async () => {
    cf.override = (req) => (req.method === 'POST' ? failure(403, 9109, 'Unauthorized to access requested resource') : undefined);
    const e = failed(await one());
    assert.equal(e.code, 'TOKEN_FORBIDDEN');
    assert.match(e.message, /Zone → DNS → Edit/);
  });

  it('HTTP 400 with 6003/6111 (malformed token) → apply → permanent TOKEN_INVALID', async () => {
    cf.override = () => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ success: false, errors: [{ code: 6003, message: 'Invalid request headers', error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] }] }),
    });
    const e = failed(await one());
    assert.equal(e.code, 'TOKEN_INVALID');
  });

  it('403 on the zone lookup → apply → permanent, says which permission or zone_id', async () => {
    cf.override = (req) => (req.path.endsWith('/zones') ? failure(403, 10000, 'Authentication error') : undefined);
    const e = failed(await one());
    assert.equal(e.code, 'TOKEN_FORBIDDEN');
    assert.match(e.message, /Zone → DNS → Edit/);
    assert.match(e.message, /zone_id/);
  });

  it('success: false with HTTP 200 → apply → permanent API_ERROR quoting Cloudflare', async () => {
    cf.override = (req) => (req.method === 'POST' ? failure(200, 81057, 'Record already exists.') : undefined);
    const e = failed(await one());
    assert.equal(e.kind, 'permanent');
    assert.equal(e.code, 'API_ERROR');
    assert.match(e.message, /success: false/);
    assert.match(e.message, /81057 Record already exists\./);
  });

  it('HTTP 200 with a body that is not JSON → apply → permanent BAD_ANSWER', async () => {
    cf.override = () => ({ status: 200, body: '<html>captive portal</html>' });
    const e = failed(await one());
    assert.equal(e.kind, 'permanent');
    assert.equal(e.code, 'BAD_ANSWER');
    assert.match(e.message, /not JSON/);
  });

  it('HTTP 429 with Retry-After 30 → apply → transient, retryAfter five minutes on', async () => {
    cf.override = () => ({ ...failure(429, 10000, 'rate limited'), headers: { 'retry-after': '30', 'content-type': 'application/json' } });
    const e = failed(await one());
    assert.equal(e.kind, 'transient');
    assert.equal(e.code, 'RATE_LIMITED');
    assert.equal(e.retryAfter?.getTime(), NOW.getTime() + 5 * 60_000);
  });

  it('HTTP 429 with Retry-After 900 → apply → retryAfter fifteen minutes on', async () => {
    cf.override = () => ({ status: 429, headers: { 'retry-after': '900' }, body: '' });
    const e = failed(await one());
    assert.equal(e.retryAfter?.getTime(), NOW.getTime() + 900_000);
  });

  it('HTTP 429 → apply two records → the second is not asked for', async () => {
    cf.override = () => ({ status: 429, body: '' });
    const out = await provider().apply(
      [change(rec('a.example.com', 'cf'), 'ipv4', '203.0.113.7'), change(rec('b.example.com', 'cf'), 'ipv4', '203.0.113.7')],
      t.ctx,
    );
    assert.equal(cf.seen.length, 1);
    assert.deepEqual(out.map((o) => o.status), ['failed', 'failed']);
  });

  it('HTTP 502 → apply → transient HTTP_5XX', async () => {
    cf.override = () => ({ status: 502, body: 'bad gateway' });
    const e = failed(await one());
    assert.equal(e.kind, 'transient');
    assert.equal(e.code, 'HTTP_5XX');
  });

  it('no server listening → apply → transient network error', async () => {
    const dead = new Cloudflare('cf', { token: TOKEN, api: 'http://127.0.0.1:9/client/v4' });
    const e = failed(await one(dead));
    assert.equal(e.kind, 'transient');
  });

  it('two A records at the name → apply → permanent DUPLICATE_RECORDS naming both, nothing written', async () => {
    for (const [id, content] of [['r1', '198.51.100.1'], ['r2', '198.51.100.2']] as const) {
      cf.records.push({ id, zone_id: ZONE, name: 'home.example.com', type: 'A', content, ttl: 300, proxied: false, comment: null });
    }
    const e = failed(await one());
    assert.equal(e.kind, 'permanent');
    assert.equal(e.code, 'DUPLICATE_RECORDS');
    assert.match(e.message, /r1 \(198\.51\.100\.1\), r2 \(198\.51\.100\.2\)/);
    assert.deepEqual(cf.writes(), []);
  });

  it('no zone holds the name → apply → permanent ZONE_NOT_FOUND listing what was tried', async () => {
    const [o] = await provider().apply([change(rec('home.example.net', 'cf'), 'ipv4', '203.0.113.7')], t.ctx);
    const e = failed(o);
    assert.equal(e.code, 'ZONE_NOT_FOUND');
    assert.match(e.message, /tried home\.example\.net, example\.net/);
  });

  it('a sub-zone exists → apply → the longest matching suffix wins', async () => {
    cf.zones.push({ id: 'z2', name: 'lab.example.com' });
    try {
      await provider().apply([change(rec('pi.lab.example.com', 'cf'), 'ipv4', '203.0.113.7')], t.ctx);
      assert.equal(cf.records[0]?.zone_id, 'z2');
    } finally {
      cf.zones.pop();
    }
  });

  it('Cloudflare echoes the token in an error → apply → the message masks it', async () => {
    cf.override = () => failure(400, 1001, `bad header Bearer ${TOKEN}`);
    const e = failed(await one());
    assert.match(e.message, /\*\*\*/);
  });

  it('Cloudflare echoes the token as a record content, or in a body cut short → apply → every message masks it', async () => {
    const holding = (id: string): FakeRecord => ({ id, zone_id: ZONE, name: 'home.example.com', type: 'A', content: TOKEN, ttl: 300, proxied: false, comment: null });
    const cases: [FakeRecord[], FakeCloudflare['override'], string][] = [
      [[], (req) => (req.method === 'POST' ? envelope({ id: 'r1', content: TOKEN }) : undefined), 'ECHO_MISMATCH'],
      [[holding('r1'), holding('r2')], null, 'DUPLICATE_RECORDS'],
      [[], () => ({ status: 200, body: `${'x'.repeat(71)}${TOKEN}` }), 'BAD_ANSWER'], // cut at 80
    ];
    for (const [records, override, code] of cases) {
      cf.reset();
      cf.records.push(...records);
      cf.override = override;
      const e = failed(await one());
      assert.equal(e.code, code);
      assert.match(e.message, /\*\*\*/);
    }
  });

  it('PATCH answer holds another address → apply → transient ECHO_MISMATCH', async () => {
    cf.records.push({ id: 'r1', zone_id: ZONE, name: 'home.example.com', type: 'A', content: '198.51.100.1', ttl: 300, proxied: false, comment: null });
    cf.override = (req) => (req.method === 'PATCH' ? envelope({ id: 'r1', content: '198.51.100.1' }) : undefined);
    const e = failed(await one());
    assert.equal(e.kind, 'transient');
    assert.equal(e.code, 'ECHO_MISMATCH');
  });
});
