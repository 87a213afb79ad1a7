// XML from the LAN is untrusted: DOCTYPEs and entities are refused, sizes are capped, broken
// XML and a silent router end in a reason within the timeout, never a hang or an expansion.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import detector from '../../../src/detect/upnp/index.js';
import { externalAddress, wanServices, xmlText } from '../../../src/detect/upnp/igd.js';
import type { Parsed } from '../../../src/detect/address.js';
import { description, externalIp, fakeIgd, IP1, type FakeIgd, type SoapReply } from './fake-igd.js';
import { testContext } from '../dns/context.js';

let igd: FakeIgd | undefined;
afterEach(async () => {
  await igd?.close();
  igd = undefined;
});

async function detectWith(desc: string, soap: (path: string) => SoapReply | null, timeout = 5000): Promise<string> {
  igd = await fakeIgd(desc, soap);
  const got: Parsed = await detector.detect({ type: 'upnp', timeout, accept: 'public', location: igd.location }, 'ipv4', testContext());
  assert.equal(got.ok, false, JSON.stringify(got));
  return got.ok ? '' : got.reason;
}

const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE root [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<root><URLBase>&c;</URLBase></root>`;

test('a description with a DOCTYPE and nested entities → upnp detect → refused, nothing expanded', async () => {
  const reason = await detectWith(LAUGHS, () => null);
  assert.match(reason, /device description http:\/\/127\.0\.0\.1:\d+\/rootDesc\.xml: it contains a DOCTYPE or ENTITY declaration \(refused\)$/);
});

test('a SOAP answer with a DOCTYPE → upnp detect → refused', async () => {
  const reason = await detectWith(description([[IP1, '/ctl']]), () => ({
    body: `<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>`,
  }));
  assert.match(reason, /GetExternalIPAddress failed \(HTTP 200\): it contains a DOCTYPE or ENTITY declaration \(refused\)$/);
});

test('a description larger than 64 KiB → upnp detect → refused as too large', async () => {
  const big = description([[IP1, '/ctl']]).replace('<device>', `<device><pad>${'x'.repeat(70 * 1024)}</pad>`);
  const reason = await detectWith(big, () => externalIp(IP1, '11.22.33.44'));
  assert.match(reason, /larger than 65536 bytes/);
});

test('a description that is not well-formed → upnp detect → refused', async () => {
  const reason = await detectWith('<root><device><serviceList></root>', () => null);
  assert.match(reason, /it is not well-formed XML/);
});

test('a router that never answers the SOAP call → upnp detect with timeout 1.5s → unavailable: no answer', async () => {
  const reason = await detectWith(description([[IP1, '/ctl']]), () => null, 1500);
  assert.match(reason, /^WANIPConnection:1 GetExternalIPAddress at http:\/\/127\.0\.0\.1:\d+\/ctl: no answer within the timeout \(1\.5s\)$/);
});

test('XML values → decoded → only predefined entities and character references', () => {
  assert.equal(xmlText('/ctl?a=1&amp;b=&#50;&#x33;'), '/ctl?a=1&b=23');
  assert.equal(xmlText('&lol;'), null);
  assert.equal(xmlText({ nested: 'x' }), null);
});

test('SOAP answers → read → only Envelope/Body/GetExternalIPAddressResponse/NewExternalIPAddress counts', () => {
  assert.deepEqual(externalAddress(externalIp(IP1, '').body), { ok: true, value: '' });
  assert.deepEqual(externalAddress('<Envelope><Body><NewExternalIPAddress>1.2.3.4</NewExternalIPAddress></Body></Envelope>'), {
    ok: false,
    reason: 'the answer is not a GetExternalIPAddressResponse',
  });
  assert.deepEqual(externalAddress('<Envelope><Body><GetExternalIPAddressResponse/></Body></Envelope>').ok, false);
});

test('a description with services in several devices → WAN services → IP before PPP, absolute URLs, http only', () => {
  const xml = description([
    ['urn:schemas-upnp-org:service:WANPPPConnection:1', '/ppp'],
    ['urn:schemas-upnp-org:service:WANIPConnection:2', 'https://elsewhere/ip'],
    ['urn:schemas-upnp-org:service:WANIPConnection:1', 'ip1'],
    ['urn:schemas-upnp-org:service:WANIPConnection:3', '/ip3'],
  ]);
  assert.deepEqual(wanServices(xml, 'http://192.168.1.1:5000/desc/root.xml'), {
    ok: true,
    value: [
      { serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:1', controlUrl: 'http://192.168.1.1:5000/desc/ip1' },
      { serviceType: 'urn:schemas-upnp-org:service:WANPPPConnection:1', controlUrl: 'http://192.168.1.1:5000/ppp' },
    ],
  });
});
