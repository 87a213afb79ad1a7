// What the dns detector's settings mean: presets fill defaults that config keys override, the
// schema refuses bad values, and missing or wrong-family servers are reasons, not guesses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import detector, { createDnsDetector, effectiveQuery, PRESETS } from '../../../src/detect/dns.js';
import { detectorTypes } from '../../../src/detect/index.js';
import { testContext } from './context.js';

const schema = v.strictObject(detectorTypes.dns!.entries);

test('each preset → effective query per family → the documented echo name, type, class and server', () => {
  assert.deepEqual(effectiveQuery({ preset: 'opendns' }, 'ipv4'), { server: '208.67.222.222', name: 'myip.opendns.com', qtype: 'A', qclass: 'IN' });
  assert.deepEqual(effectiveQuery({ preset: 'opendns' }, 'ipv6').qtype, 'AAAA');
  assert.deepEqual(effectiveQuery({ preset: 'cloudflare' }, 'ipv4'), { server: '1.1.1.1', name: 'whoami.cloudflare', qtype: 'TXT', qclass: 'CH' });
  assert.deepEqual(effectiveQuery({ preset: 'cloudflare' }, 'ipv6').server, '2606:4700:4700::1111');
  assert.deepEqual(effectiveQuery({ preset: 'google' }, 'ipv4'), { server: '216.239.32.10', name: 'o-o.myaddr.l.google.com', qtype: 'TXT', qclass: 'IN' });
  assert.equal(Object.keys(PRESETS).length, 3);
});

test('a preset with keys set → effective query → the keys win', () => {
  assert.deepEqual(effectiveQuery({ preset: 'google', server: '127.0.0.1:5353', name: 'x.test' }, 'ipv4'), {
    server: '127.0.0.1:5353',
    name: 'x.test',
    qtype: 'TXT',
    qclass: 'IN',
  });
});

test('no preset → effective query → qtype follows the family, class IN', () => {
  assert.deepEqual(effectiveQuery({ server: '::1', name: 'a.test' }, 'ipv6'), { server: '::1', name: 'a.test', qtype: 'AAAA', qclass: 'IN' });
});

test('dns settings → schema → server, name, qtype, class and preset checked', () => {
  assert.ok(v.safeParse(schema, { server: '[::1]:53', name: 'myip.opendns.com', qtype: 'TXT', class: 'CH' }).success);
  assert.ok(v.safeParse(schema, { preset: 'cloudflare' }).success);
  for (const bad of [
    { qtype: 'MX' },
    { class: 'HS' },
    { preset: 'quad9' },
    { server: 'host:99999' },
    { name: `${'a'.repeat(64)}.test` },
    { name: 'a..test' },
    { nameserver: '1.1.1.1' },
  ]) {
    assert.equal(v.safeParse(schema, bad).success, false, JSON.stringify(bad));
  }
});

test('no server and no preset → dns detect → unavailable: set server or preset', async () => {
  const got = await detector.detect({ type: 'dns', timeout: 1000, accept: 'public', name: 'x.test' }, 'ipv4', testContext());
  assert.deepEqual(got, { ok: false, reason: 'no DNS server to ask: set server (or preset: opendns | cloudflare | google)' });
});

test('an IPv4 server for an ipv6 detection → dns detect → unavailable, nothing sent', async () => {
  const got = await detector.detect({ type: 'dns', timeout: 1000, accept: 'public', preset: 'cloudflare', server: '127.0.0.1' }, 'ipv6', testContext());
  assert.deepEqual(got, { ok: false, reason: 'server 127.0.0.1 is an IPv4 address, but an IPv6 detection must ask over IPv6' });
});

test('a server name that does not resolve → dns detect → unavailable, naming the server', async () => {
  const det = createDnsDetector({ resolve: async () => Promise.reject(new Error('getaddrinfo ENOTFOUND ns.invalid')) });
  const got = await det.detect({ type: 'dns', timeout: 1000, accept: 'public', server: 'ns.invalid', name: 'x.test' }, 'ipv4', testContext());
  assert.deepEqual(got, { ok: false, reason: 'cannot find an IPv4 address for server ns.invalid: getaddrinfo ENOTFOUND ns.invalid' });
});

test('a server name → dns detect → resolved for the family, then asked (loopback)', async () => {
  const asked: string[] = [];
  const det = createDnsDetector({
    resolve: async (host, family) => {
      asked.push(`${host}/${family}`);
      return '127.0.0.1';
    },
  });
  // Port 9 (discard) on loopback: nothing answers, the reason shows the resolved address.
  const got = await det.detect({ type: 'dns', timeout: 500, accept: 'public', server: 'ns.example.test:9', name: 'x.test' }, 'ipv4', testContext());
  assert.deepEqual(asked, ['ns.example.test/ipv4']);
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /127\.0\.0\.1:9/);
});

test('settings → describe → a short label', () => {
  const d = (s: object) => detector.describe({ type: 'dns', timeout: 5000, accept: 'public', ...s });
  assert.equal(d({ preset: 'cloudflare' }), 'dns cloudflare');
  assert.equal(d({ server: '127.0.0.1:53', name: 'myip.example.test', qtype: 'A' }), 'dns myip.example.test A @127.0.0.1:53');
});

test('dns settings without a preset → config-time check → server and name required', () => {
  const validate = detectorTypes.dns!.validate!;
  assert.equal(validate({ server: '127.0.0.1' }), 'a dns detector needs server and name, or a preset (opendns, cloudflare, google)');
  assert.equal(validate({ name: 'x.test' }), 'a dns detector needs server and name, or a preset (opendns, cloudflare, google)');
  assert.equal(validate({ server: '127.0.0.1', name: 'x.test' }), null);
  assert.equal(validate({ preset: 'google' }), null);
});
