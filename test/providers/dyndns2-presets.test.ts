import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import mod from '../../providers/dyndns2/index.js';
import { dyndns2, effective, PRESETS } from '../../providers/dyndns2/config.js';
import type { Dyndns2 } from '../../providers/dyndns2/index.js';
import { testContext } from './context.js';
import type { TestContext } from './context.js';
import { startPeer } from './peer.js';
import type { Peer } from './peer.js';
import { change, rec } from './changes.js';

const USER = 'me&you=1%+';
const PASS = 'pw-CANARY&=%+';

/**
 * deSEC's update semantics (desec.readthedocs.io, update-api): IPv4 from `myip`, IPv6 from
 * `myipv6`; `preserve` keeps a record; an empty value deletes it; an absent parameter takes
 * the connection's address for its family, or deletes the record when the connection is of
 * the other family (here: always IPv4, so an absent `myipv6` deletes the AAAA).
 */
function desecLike(store: Map<string, { A?: string; AAAA?: string }>) {
  return startPeer((req) => {
    const auth = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
    if (req.headers.authorization !== auth) return { status: 401, body: 'badauth' };
    const lines: string[] = [];
    for (const host of (req.query.get('hostname') ?? '').split(',')) {
      const r = store.get(host) ?? {};
      const v4 = req.query.get('myip');
      const v6 = req.query.get('myipv6');
      if (v4 === null) r.A = '127.0.0.1';
      else if (v4 === '') delete r.A;
      else if (v4 !== 'preserve') r.A = v4;
      if (v6 === null || v6 === '') delete r.AAAA;
      else if (v6 !== 'preserve') r.AAAA = v6;
      store.set(host, r);
      lines.push('good');
    }
    return { status: 200, body: lines.join('\n') };
  });
}

describe('dyndns2 presets: dual stack on the wire', () => {
  let peer: Peer;
  let t: TestContext;
  const store = new Map<string, { A?: string; AAAA?: string }>();
  before(async () => {
    peer = await desecLike(store);
  });
  beforeEach(() => {
    store.clear();
    peer.seen.length = 0;
    t = testContext();
  });
  afterEach(() => t.close());
  after(() => peer.close());
  const make = (settings: Record<string, unknown>) =>
    mod.create('dd', { type: 'dyndns2', username: USER, password: PASS, server: `${peer.base}/nic/update`, ...settings }) as Dyndns2;
  const ds = rec('home.dedyn.io', 'dd', { ipv6: true });

  it('desec, both families due → apply → one request with myip and myipv6', async () => {
    const out = await make({ preset: 'desec' }).apply([change(ds, 'ipv4', '203.0.113.7'), change(ds, 'ipv6', '2001:db8::7')], t.ctx);
    assert.deepEqual(out.map((o) => o.status), ['updated', 'updated']);
    assert.equal(peer.seen.length, 1);
    assert.equal(peer.seen[0]!.url, '/nic/update?hostname=home.dedyn.io&myip=203.0.113.7&myipv6=2001%3Adb8%3A%3A7');
    assert.deepEqual(store.get('home.dedyn.io'), { A: '203.0.113.7', AAAA: '2001:db8::7' });
  });

  it('desec, only IPv6 due (IPv4 unavailable) → apply → myip=preserve, the A record survives', async () => {
    store.set('home.dedyn.io', { A: '198.51.100.1' });
    await make({ preset: 'desec' }).apply([change(ds, 'ipv6', '2001:db8::7')], t.ctx);
    assert.equal(peer.seen[0]!.query.get('myip'), 'preserve');
    assert.deepEqual(store.get('home.dedyn.io'), { A: '198.51.100.1', AAAA: '2001:db8::7' });
  });

  it('desec, only IPv4 due → apply → myipv6=preserve, the AAAA record survives', async () => {
    store.set('home.dedyn.io', { A: '198.51.100.1', AAAA: '2001:db8::1' });
    await make({ preset: 'desec' }).apply([change(ds, 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(peer.seen[0]!.query.get('myipv6'), 'preserve');
    assert.deepEqual(store.get('home.dedyn.io'), { A: '203.0.113.7', AAAA: '2001:db8::1' });
  });

  it('noip, both due → apply → one request with myip=V4,V6', async () => {
    await make({ preset: 'noip' }).apply([change(ds, 'ipv4', '203.0.113.7'), change(ds, 'ipv6', '2001:db8::7')], t.ctx);
    assert.equal(peer.seen.length, 1);
    assert.equal(peer.seen[0]!.query.get('myip'), '203.0.113.7,2001:db8::7');
    assert.equal(peer.seen[0]!.query.has('myipv6'), false);
  });

  it('noip, only IPv6 due → apply → myip=V6 alone, nothing empty', async () => {
    await make({ preset: 'noip' }).apply([change(ds, 'ipv6', '2001:db8::7')], t.ctx);
    assert.equal(peer.seen[0]!.url, '/nic/update?hostname=home.dedyn.io&myip=2001%3Adb8%3A%3A7');
  });

  it('no preset (separate), both due → apply → two requests, one family each', async () => {
    await make({}).apply([change(ds, 'ipv4', '203.0.113.7'), change(ds, 'ipv6', '2001:db8::7')], t.ctx);
    assert.deepEqual(peer.seen.map((s) => s.query.get('myip')), ['203.0.113.7', '2001:db8::7']);
  });

  it('two dual-stack hosts with the same addresses → apply → one request hostname=a,b', async () => {
    const other = rec('work.dedyn.io', 'dd', { ipv6: true });
    await make({ preset: 'desec' }).apply(
      [change(ds, 'ipv4', '203.0.113.7'), change(ds, 'ipv6', '2001:db8::7'), change(other, 'ipv4', '203.0.113.7'), change(other, 'ipv6', '2001:db8::7')],
      t.ctx,
    );
    assert.equal(peer.seen.length, 1);
    assert.equal(peer.seen[0]!.query.get('hostname'), 'home.dedyn.io,work.dedyn.io');
  });

  it('user name and password with & = % + → apply → Basic auth carries them intact', async () => {
    const [o] = await make({ preset: 'desec' }).apply([change(ds, 'ipv4', '203.0.113.7')], t.ctx);
    assert.equal(o?.status, 'updated');
    const sent = Buffer.from(String(peer.seen[0]!.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
    assert.equal(sent, `${USER}:${PASS}`);
    assert.ok(!peer.seen[0]!.url.includes('CANARY'));
  });
});

describe('dyndns2 presets: settings', () => {
  const schema = v.strictObject({ type: v.literal('dyndns2'), ...dyndns2.entries });

  it('every preset × every family set → address parameters → never an empty value', () => {
    const sets = [{ ipv4: '203.0.113.7' }, { ipv6: '2001:db8::7' }, { ipv4: '203.0.113.7', ipv6: '2001:db8::7' }];
    for (const name of Object.keys(PRESETS)) {
      const p = mod.create('dd', { type: 'dyndns2', preset: name, username: 'u', password: 'p' }) as Dyndns2;
      for (const set of sets) {
        const params = p.addressParams(set);
        assert.ok(params.length > 0, name);
        for (const [k, value] of params) assert.notEqual(value, '', `${name} ${k}`);
      }
    }
  });

  it('preset alone → effective → its server and convention; explicit server and dual_stack win', () => {
    const e = effective({ type: 'dyndns2', preset: 'desec', username: 'u', password: 'p' });
    assert.ok(typeof e !== 'string');
    assert.equal(e.server, 'https://update.dedyn.io/nic/update');
    assert.equal(e.dualStack, 'myipv6');
    const o = effective({ type: 'dyndns2', preset: 'noip', server: 'http://127.0.0.1:1/x', dual_stack: 'separate', username: 'u', password: 'p' });
    assert.ok(typeof o !== 'string');
    assert.equal(o.server, 'http://127.0.0.1:1/x');
    assert.equal(o.dualStack, 'separate');
  });

  it('neither preset nor server → validate → says server is missing', () => {
    assert.match(dyndns2.validate!({ type: 'dyndns2', username: 'u', password: 'p' }) ?? '', /^server: missing/);
  });

  it('dynv6 preset → no username needed; an IPv6 record → validateRecord refuses it', () => {
    const s = { type: 'dyndns2', preset: 'dynv6', password: 'token' };
    assert.equal(dyndns2.validate!(s), null);
    assert.equal(dyndns2.validateRecord!(s, rec('a.dynv6.net', 'dd')), null);
    assert.match(dyndns2.validateRecord!(s, rec('a.dynv6.net', 'dd', { ipv6: true })) ?? '', /only set IPv4/);
  });

  it('unknown preset → parse → refused, listing the known ones', () => {
    const r = v.safeParse(schema, { type: 'dyndns2', preset: 'google', password: 'p' });
    assert.equal(r.success, false);
    assert.match(r.issues?.[0]?.message ?? '', /noip/);
  });

  it('server over plain HTTP off loopback → validate → refused unless insecure', () => {
    const s = { type: 'dyndns2', server: 'http://members.example.net', username: 'u', password: 'p' };
    assert.match(dyndns2.validate!(s) ?? '', /^server: .*insecure: true/);
    assert.equal(dyndns2.validate!({ ...s, insecure: true }), null);
  });
});
