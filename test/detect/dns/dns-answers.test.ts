// A loopback BIND serving echo-style names: the dns detector reads A, AAAA, TXT (IN) and
// CHAOS TXT answers, over the socket family of the detection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import detector from '../../../src/detect/dns.js';
import type { DnsSettings } from '../../../src/detect/dns.js';
import type { Family } from '../../../src/types.js';
import { startBind, type Bind } from './bind.js';
import { testContext } from './context.js';

let bind: Bind;
before(async () => {
  bind = await startBind();
});
after(async () => {
  await bind?.stop();
});

const detect = (s: DnsSettings, family: Family = 'ipv4') =>
  detector.detect({ type: 'dns', timeout: 5000, accept: 'public', ...s }, family, testContext());

test('BIND with myip A → dns detect ipv4 (qtype defaults to A) → the address', async () => {
  assert.deepEqual(await detect({ server: `127.0.0.1:${bind.port}`, name: 'myip.example.test' }), { ok: true, address: '11.22.33.44' });
});

test('BIND with myip AAAA on ::1 → dns detect ipv6 (qtype defaults to AAAA) → the address', async () => {
  assert.deepEqual(await detect({ server: `[::1]:${bind.port}`, name: 'myip.example.test' }, 'ipv6'), {
    ok: true,
    address: '2001:4860:1234::5',
  });
});

test('BIND with one TXT string → dns detect qtype TXT → the address in it', async () => {
  assert.deepEqual(await detect({ server: `127.0.0.1:${bind.port}`, name: 'txt.example.test', qtype: 'TXT' }), {
    ok: true,
    address: '11.22.33.44',
  });
  assert.deepEqual(await detect({ server: `[::1]:${bind.port}`, name: 'TXT6.example.test.', qtype: 'TXT' }, 'ipv6'), {
    ok: true,
    address: '2001:4860:1234::5',
  });
});

test('BIND with a CHAOS zone → dns detect class CH TXT (the cloudflare preset with server set) → the address', async () => {
  assert.deepEqual(await detect({ preset: 'cloudflare', server: `127.0.0.1:${bind.port}` }), { ok: true, address: '11.22.33.46' });
  assert.deepEqual(await detect({ server: `[::1]:${bind.port}`, name: 'whoami.cloudflare', qtype: 'TXT', class: 'CH' }, 'ipv6'), {
    ok: false,
    reason: 'the TXT answer to whoami.cloudflare CH TXT: 11.22.33.46 is not an IPv6 address',
  });
});
