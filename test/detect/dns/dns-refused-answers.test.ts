// Answers that are not exactly one address of the family are unavailable, with the reason.
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

async function reason(s: DnsSettings, family: Family = 'ipv4'): Promise<string> {
  const got = await detector.detect({ type: 'dns', timeout: 5000, accept: 'public', server: `127.0.0.1:${bind.port}`, ...s }, family, testContext());
  assert.equal(got.ok, false, JSON.stringify(got));
  return got.ok ? '' : got.reason;
}

test('a name with two A records → dns detect → unavailable: expected exactly one', async () => {
  assert.equal(await reason({ name: 'two.example.test' }), 'the answer to two.example.test IN A has 2 A records, expected exactly one');
});

test('a TXT record that is not an address → dns detect TXT → unavailable, quoting it', async () => {
  assert.equal(await reason({ name: 'garbage.example.test', qtype: 'TXT' }), 'the TXT answer to garbage.example.test IN TXT is not one address: "hello, world"');
});

test('a TXT record with two strings → dns detect TXT → unavailable: expected exactly one string', async () => {
  assert.equal(await reason({ name: 'multi.example.test', qtype: 'TXT' }), 'the TXT answer to multi.example.test IN TXT has 2 strings, expected exactly one');
});

test('a name that does not exist → dns detect → unavailable: NXDOMAIN', async () => {
  assert.equal(await reason({ name: 'nope.example.test' }), 'the server answered nope.example.test IN A with NXDOMAIN');
});

test('a name without the asked type → dns detect → unavailable: no records', async () => {
  assert.equal(await reason({ name: 'txt.example.test' }), 'the answer to txt.example.test IN A has 0 A records, expected exactly one');
});

test('a zone the server does not serve → dns detect → unavailable: REFUSED', async () => {
  assert.equal(await reason({ name: 'myip.opendns.com' }), 'the server answered myip.opendns.com IN A with REFUSED');
});

test('qtype A for the ipv6 family → dns detect → unavailable: not an IPv6 address', async () => {
  assert.equal(await reason({ server: `[::1]:${bind.port}`, name: 'myip.example.test', qtype: 'A' }, 'ipv6'), '11.22.33.44 is not an IPv6 address');
});
