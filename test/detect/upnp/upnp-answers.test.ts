// What the router says, and what ddnsd makes of it (a loopback stand-in, `location` set).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import detector from '../../../src/detect/upnp/index.js';
import type { Parsed } from '../../../src/detect/address.js';
import { description, externalIp, fakeIgd, fault, IP1, IP2, PPP1, type FakeIgd, type SoapReply } from './fake-igd.js';
import { testContext } from '../dns/context.js';

let igd: FakeIgd | undefined;
afterEach(async () => {
  await igd?.close();
  igd = undefined;
});

async function detectWith(desc: string | ((base: string) => string), soap: (path: string) => SoapReply | null, timeout = 5000): Promise<Parsed> {
  let base = '';
  igd = await fakeIgd(() => (typeof desc === 'string' ? desc : desc(base)), soap);
  base = igd.location.replace('/rootDesc.xml', '');
  return detector.detect({ type: 'upnp', timeout, accept: 'public', location: igd.location }, 'ipv4', testContext());
}

test('WANIPConnection:1 with a public address → upnp detect → the address, asked with the right SOAPAction', async () => {
  const got = await detectWith(description([[IP1, '/ctl/IPConn']]), () => externalIp(IP1, ' 11.22.33.44 '));
  assert.deepEqual(got, { ok: true, address: '11.22.33.44' });
  assert.equal(igd!.posts[0]!.path, '/ctl/IPConn');
  assert.equal(igd!.posts[0]!.headers.soapaction, `"${IP1}#GetExternalIPAddress"`);
  assert.match(igd!.posts[0]!.body, /<u:GetExternalIPAddress xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1">/);
});

test('a relative controlURL with URLBase → upnp detect → resolved against URLBase', async () => {
  const got = await detectWith(
    (base) => description([[PPP1, 'ctl/ppp']], `${base}/igd/`),
    () => externalIp(PPP1, '11.22.33.45'),
  );
  assert.deepEqual(got, { ok: true, address: '11.22.33.45' });
  assert.equal(igd!.posts[0]!.path, '/igd/ctl/ppp');
  assert.equal(igd!.posts[0]!.headers.soapaction, `"${PPP1}#GetExternalIPAddress"`);
});

test('WANIPConnection fails but WANPPPConnection answers → upnp detect → the PPP address', async () => {
  const got = await detectWith(description([[PPP1, '/ppp'], [IP2, '/ip']]), (path) =>
    path === '/ip' ? fault(501, 'Action Failed') : externalIp(PPP1, '11.22.33.46'),
  );
  assert.deepEqual(got, { ok: true, address: '11.22.33.46' });
  assert.deepEqual(igd!.posts.map((p) => p.path), ['/ip', '/ppp']);
});

test('the router answers 0.0.0.0 → upnp detect → unavailable: behind another NAT (CGNAT?)', async () => {
  const got = await detectWith(description([[IP1, '/ctl']]), () => externalIp(IP1, '0.0.0.0'));
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /^the router reports no external address \(0\.0\.0\.0\): the router is behind another NAT \(CGNAT\?\)/);
});

test('the router answers a private address → upnp detect → unavailable: behind another NAT (CGNAT?)', async () => {
  const got = await detectWith(description([[IP1, '/ctl']]), () => externalIp(IP1, '192.168.1.5'));
  assert.deepEqual(got, {
    ok: false,
    reason:
      'the router reports 192.168.1.5, a private (RFC 1918) address: the router is behind another NAT (CGNAT?), so this is not the address the internet sees; use an http or dns detector instead',
  });
});

test('the router answers a CGNAT address → upnp detect → unavailable, saying CGNAT once', async () => {
  const got = await detectWith(description([[IP1, '/ctl']]), () => externalIp(IP1, '100.64.1.2'));
  assert.equal(got.ok, false);
  const reason = got.ok ? '' : got.reason;
  assert.match(reason, /^the router reports 100\.64\.1\.2, a shared CGNAT \(100\.64\.0\.0\/10\) address: the router is behind another NAT \(CGNAT\?\)/);
  assert.equal(reason.split('CGNAT?').length, 2);
});

test('the router answers with a UPnP fault → upnp detect → unavailable with the error code', async () => {
  const got = await detectWith(description([[IP1, '/ctl']]), () => fault(501, 'Action Failed'));
  assert.deepEqual(got, {
    ok: false,
    reason: 'WANIPConnection:1 GetExternalIPAddress failed (HTTP 500): UPnP error 501 (Action Failed)',
  });
});

test('the router answers a name instead of an address → upnp detect → unavailable, quoting it', async () => {
  const got = await detectWith(description([[IP1, '/ctl']]), () => externalIp(IP1, 'router.lan'));
  assert.deepEqual(got, { ok: false, reason: `the router's external address is unusable: not an IP address: "router.lan"` });
});

test('a device without WAN connection services → upnp detect → unavailable: not an Internet gateway', async () => {
  const got = await detectWith(description([['urn:schemas-upnp-org:service:ContentDirectory:1', '/cd']]), () => null);
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /is not an Internet gateway \(no WANIPConnection or WANPPPConnection service\)$/);
});
