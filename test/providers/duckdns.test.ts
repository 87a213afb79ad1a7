import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Duckdns } from '../../providers/duckdns/index.js';
import { duckdns as duckdnsType } from '../../providers/duckdns/config.js';
import { DdnsError } from '../../src/errors.js';
import type { Outcome } from '../../src/types.js';
import { NOW, testContext } from './context.js';
import type { TestContext } from './context.js';
import { startFakeDuckdns } from './fake-duckdns.js';
import type { FakeDuckdns } from './fake-duckdns.js';
import { change, rec } from './changes.js';

const TOKEN = 'duck-CANARY&x=1%2+y';
const ENCODED = 'duck-CANARY%26x%3D1%252%2By';

function failed(o: Outcome | undefined): DdnsError {
  assert.ok(o && o.status === 'failed', `expected a failure, got ${o?.status}`);
  assert.ok(o.error instanceof DdnsError);
  assert.ok(!o.error.message.includes('CANARY'), `token in message: ${o.error.message}`);
  return o.error;
}

describe('duckdns: updates', () => {
  let duck: FakeDuckdns;
  let t: TestContext;
  before(async () => {
    duck = await startFakeDuckdns(TOKEN, ['myhome', 'other', 'third']);
  });
  beforeEach(() => {
    for (const d of duck.domains.values()) {
      delete d.ipv4;
      delete d.ipv6;
    }
    duck.seen.length = 0;
    duck.override = null;
    t = testContext();
  });
  afterEach(() => t.close());
  after(() => duck.close());
  const provider = (token = TOKEN) => new Duckdns('duck', { token, server: duck.base });

  it('IPv4 due → apply → golden GET with domains, encoded token and ip only', async () => {
    const [o] = await provider().apply([change(rec('myhome.duckdns.org', 'duck'), 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(o?.status, 'updated');
    assert.equal(duck.seen.length, 1);
    const req = duck.seen[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.url, `/update?domains=myhome&token=${ENCODED}&ip=203.0.113.7`);
    assert.equal(req.query.get('token'), TOKEN);
    assert.equal(req.headers['user-agent'], t.ctx.userAgent);
    assert.equal(req.body, '');
    assert.deepEqual(duck.domains.get('myhome'), { ipv4: '203.0.113.7' });
  });

  it('both families due → apply → one request with ip and ipv6', async () => {
    const r = rec('myhome.duckdns.org', 'duck', { ipv6: true });
    const out = await provider().apply([change(r, 'ipv4', '203.0.113.7'), change(r, 'ipv6', '2001:db8::7')], t.ctx);
    assert.deepEqual(out.map((o) => o.status), ['updated', 'updated']);
    assert.equal(duck.seen.length, 1);
    assert.equal(duck.seen[0]!.url, `/update?domains=myhome&token=${ENCODED}&ip=203.0.113.7&ipv6=2001%3Adb8%3A%3A7`);
  });

  it('only IPv6 due → apply → no ip parameter at all, so the A record is left alone', async () => {
    duck.domains.get('myhome')!.ipv4 = '198.51.100.1';
    const r = rec('myhome.duckdns.org', 'duck', { ipv6: true });
    await provider().apply([change(r, 'ipv6', '2001:db8::7')], t.ctx);
    assert.equal(duck.seen[0]!.query.has('ip'), false);
    assert.deepEqual(duck.domains.get('myhome'), { ipv4: '198.51.100.1', ipv6: '2001:db8::7' });
  });

  it('two records with the same change → apply → one request with domains=a,b', async () => {
    const out = await provider().apply(
      [change(rec('myhome.duckdns.org', 'duck'), 'ipv4', '203.0.113.7'), change(rec('other.duckdns.org', 'duck'), 'ipv4', '203.0.113.7'), change(rec('third.duckdns.org', 'duck'), 'ipv4', '203.0.113.8')],
      t.ctx,
    );
    assert.deepEqual(out.map((o) => o.status), ['updated', 'updated', 'updated']);
    assert.deepEqual(duck.seen.map((s) => s.query.get('domains')), ['myhome,other', 'third']);
    assert.ok(duck.seen[0]!.url.startsWith('/update?domains=myhome,other&'));
  });

  it('server with a path → apply → /path/update', async () => {
    duck.override = (req) => (req.path === '/duck/update' ? { status: 200, body: 'OK' } : undefined);
    const p = new Duckdns('duck', { token: TOKEN, server: `${duck.base}/duck/` });
    const [o] = await p.apply([change(rec('myhome.duckdns.org', 'duck'), 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(o?.status, 'updated');
    assert.equal(duck.seen[0]!.path, '/duck/update');
  });

  it('verbose answer (OK and details) → apply → updated', async () => {
    duck.override = () => ({ status: 200, body: 'OK\n203.0.113.7\n\nUPDATED' });
    const [o] = await provider().apply([change(rec('myhome.duckdns.org', 'duck'), 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(o?.status, 'updated');
  });
});

describe('duckdns: error answers', () => {
  let duck: FakeDuckdns;
  let t: TestContext;
  before(async () => {
    duck = await startFakeDuckdns(TOKEN, ['myhome']);
  });
  beforeEach(() => {
    duck.seen.length = 0;
    duck.override = null;
    t = testContext();
  });
  afterEach(() => t.close());
  after(() => duck.close());
  const one = async (p: Duckdns) => (await p.apply([change(rec('myhome.duckdns.org', 'duck'), 'ipv4', '203.0.113.7')], t.ctx))[0];

  it('wrong token → apply → KO is permanent, says check token, never shows it', async () => {
    const e = failed(await one(new Duckdns('duck', { token: 'duck-CANARY-wrong', server: duck.base })));
    assert.equal(e.kind, 'permanent');
    assert.equal(e.code, 'KO');
    assert.match(e.message, /check token/);
  });

  it('HTTP 503 → apply → transient', async () => {
    duck.override = () => ({ status: 503, body: `down ${TOKEN}` });
    const e = failed(await one(new Duckdns('duck', { token: TOKEN, server: duck.base })));
    assert.equal(e.kind, 'transient');
    assert.match(e.message, /token=\*\*\*/);
  });

  it('HTTP 429 → apply → transient with the server retry time', async () => {
    duck.override = () => ({ status: 429, headers: { 'retry-after': '600' }, body: '' });
    const e = failed(await one(new Duckdns('duck', { token: TOKEN, server: duck.base })));
    assert.equal(e.code, 'RATE_LIMITED');
    assert.equal(e.retryAfter?.getTime(), NOW.getTime() + 600_000);
  });

  it('an answer that is neither OK nor KO (echoing the token) → apply → transient, token masked', async () => {
    duck.override = () => ({ status: 200, body: `maintenance for ${TOKEN}` });
    const e = failed(await one(new Duckdns('duck', { token: TOKEN, server: duck.base })));
    assert.equal(e.kind, 'transient');
    assert.equal(e.code, 'UNKNOWN_ANSWER');
  });

  it('an answer that echoes the token where the message or the debug line cuts it → apply → no part of it shown', async () => {
    for (const pad of [69, 29]) {
      duck.override = () => ({ status: 200, body: `${'x'.repeat(pad)}${TOKEN}` });
      failed(await one(new Duckdns('duck', { token: TOKEN, server: duck.base })));
      assert.ok(!t.lines.join('\n').includes('CANARY'), t.lines.join('\n'));
    }
  });

  it('HTTP 404 (wrong server path) → apply → permanent, says check server', async () => {
    duck.override = () => ({ status: 404, body: 'not found' });
    const e = failed(await one(new Duckdns('duck', { token: TOKEN, server: duck.base })));
    assert.equal(e.kind, 'permanent');
    assert.match(e.message, /check server/);
  });

  it('no server listening → apply → transient, says where without the token', async () => {
    const e = failed(await one(new Duckdns('duck', { token: TOKEN, server: 'http://127.0.0.1:9' })));
    assert.equal(e.kind, 'transient');
    assert.match(e.message, /127\.0\.0\.1:9/);
  });

  it('a name outside duckdns.org → apply → permanent, no request', async () => {
    const [o] = await new Duckdns('duck', { token: TOKEN, server: duck.base }).apply([change(rec('home.example.com', 'duck'), 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(failed(o).kind, 'permanent');
    assert.equal(duck.seen.length, 0);
  });
});

describe('duckdns: config checks', () => {
  it('record names → validateRecord → only one label under duckdns.org passes', () => {
    const check = (name: string) => duckdnsType.validateRecord!({ token: 'x' }, rec(name, 'duck'));
    assert.equal(check('myhome.duckdns.org'), null);
    assert.equal(check('MyHome.DuckDNS.org'), null);
    assert.match(check('home.example.com') ?? '', /one label under duckdns\.org/);
    assert.match(check('duckdns.org') ?? '', /one label/);
    assert.match(check('a.b.duckdns.org') ?? '', /one label/);
    assert.match(check('my&home.duckdns.org') ?? '', /one label/);
  });

  it('server over plain HTTP → validate → refused off loopback unless insecure', () => {
    const v = duckdnsType.validate!;
    assert.match(v({ token: 'x', server: 'http://duck.example.net' }) ?? '', /^server: .*insecure: true/);
    assert.equal(v({ token: 'x', server: 'http://duck.example.net', insecure: true }), null);
    assert.equal(v({ token: 'x', server: 'http://127.0.0.1:8080' }), null);
    assert.equal(v({ token: 'x', server: 'https://www.duckdns.org' }), null);
    assert.equal(v({ token: 'x' }), null);
  });
});
