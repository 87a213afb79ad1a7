import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccept, notPublic, parseAddress, parseEchoBody } from '../../src/detect/address.js';

test('echo body: plain, trace and JSON forms → one address', () => {
  assert.deepEqual(parseEchoBody('93.184.216.34\n', 'ipv4'), { ok: true, address: '93.184.216.34' });
  assert.deepEqual(parseEchoBody('fl=1\nh=x\nip=93.184.216.34\nts=1\n', 'ipv4'), { ok: true, address: '93.184.216.34' });
  assert.deepEqual(parseEchoBody('{"ip": "2606:4700:4700:0:0:0:0:1111"}', 'ipv6'), { ok: true, address: '2606:4700:4700::1111' });
});

test('echo body: anything but exactly one address of the family → refused with a reason', () => {
  const cases: [string, 'ipv4' | 'ipv6', RegExp][] = [
    ['<html><body>Current IP Address: 1.2.3.4</body></html>', 'ipv4', /not an IP address/],
    ['1.2.3.4\n5.6.7.8', 'ipv4', /2 lines/],
    ['256.1.1.1', 'ipv4', /not an IP address/],
    ['1.2.3.4:80', 'ipv4', /not an IP address/],
    ['01.2.3.4', 'ipv4', /not an IP address/],
    ['', 'ipv4', /empty/],
    ['2606:4700::1', 'ipv4', /not an IPv4/],
    ['1.2.3.4', 'ipv6', /not an IPv6/],
    ['fe80::1%eth0', 'ipv6', /not an IP address/],
    ['::ffff:1.2.3.4', 'ipv6', /IPv4-mapped/],
    ['{"ip": 5}', 'ipv4', /no string "ip"/],
    ['{"ip": "1.2.3.4"', 'ipv4', /not valid JSON/],
    ['ip=1.2.3.4\nip=5.6.7.8', 'ipv4', /2 ip= lines/],
  ];
  for (const [body, family, reason] of cases) {
    const got = parseEchoBody(body, family);
    assert.equal(got.ok, false, body);
    assert.match((got as { reason: string }).reason, reason, body);
  }
});

test('classification: private, CGNAT, loopback, link-local, ULA, documentation, multicast → not public', () => {
  for (const a of ['10.0.0.1', '192.168.1.1', '172.16.0.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '192.0.2.1', '198.51.100.1', '203.0.113.7', '224.0.0.1', '0.0.0.0', '240.0.0.1', '::1', 'fe80::1', 'fd00::1', '2001:db8::1', 'ff02::1']) {
    assert.notEqual(notPublic(a), null, a);
  }
  for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) assert.equal(notPublic(a), null, a);
  assert.match(notPublic('100.64.0.1')!, /CGNAT/);
  assert.match(notPublic('203.0.113.7')!, /documentation/);
});

test('accept: public refuses a private address with its reason; any takes it', () => {
  const refused = checkAccept('192.168.1.10', 'public');
  assert.equal(refused.ok, false);
  assert.match((refused as { reason: string }).reason, /192\.168\.1\.10 is a private/);
  assert.deepEqual(checkAccept('192.168.1.10', 'any'), { ok: true, address: '192.168.1.10' });
});

test('parseAddress: IPv6 comes back in RFC 5952 form', () => {
  assert.deepEqual(parseAddress('2001:DB8:0:0:0:0:0:1', 'ipv6'), { ok: true, address: '2001:db8::1' });
});
