// Config-time checks of the rfc2136 settings: a bad key or zone is exit 2 before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { rfc2136 } from '../../providers/rfc2136/config.js';
import { record } from './context.js';

const SECRET = Buffer.alloc(32, 3).toString('base64');
const parse = (settings: Record<string, unknown>) => v.parse(v.strictObject(rfc2136.entries), settings);

test('defaults → parse → tcp false, timeout 10 s (in ms)', () => {
  const s = parse({ key: { name: 'k', secret: SECRET } });
  assert.equal(s['tcp'], false);
  assert.equal(s['timeout'], 10_000);
  assert.equal(rfc2136.validate!(s), null);
});

test('key_file and key both set → validate → names both keys', () => {
  assert.match(rfc2136.validate!(parse({ key_file: '/x', key: { name: 'k', secret: SECRET } }))!, /key_file or key, not both/);
});

test('key_name without key_file → validate → error', () => {
  assert.match(rfc2136.validate!(parse({ key_name: 'k' }))!, /key_name picks a key from key_file/);
});

test('inline key with an unknown algorithm → validate → error naming key, not the secret', () => {
  const msg = rfc2136.validate!(parse({ key: { name: 'k', algorithm: 'hmac-sha3', secret: SECRET } }))!;
  assert.match(msg, /^key: unknown algorithm "hmac-sha3"/);
  assert.ok(!msg.includes(SECRET));
});

test('key file with several keys and a key_name → validate → accepted; a missing key_name → error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ddnsd-cfg-'));
  try {
    const f = join(dir, 'keys.conf');
    writeFileSync(f, `key "a" { algorithm hmac-sha256; secret "${SECRET}"; };\nkey "b" { algorithm hmac-sha256; secret "${SECRET}"; };\n`);
    assert.equal(rfc2136.validate!(parse({ key_file: f, key_name: 'b' })), null);
    assert.match(rfc2136.validate!(parse({ key_file: f }))!, new RegExp(`^key_file: ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the file has several keys`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an invalid zone name → validate → error', () => {
  assert.match(rfc2136.validate!(parse({ zone: 'bad..zone' }))!, /zone "bad\.\.zone" is not a valid DNS name/);
});

test('server forms → parse → host, host:port, [v6]:port accepted; junk refused', () => {
  for (const server of ['ns1.example.com', 'ns1.example.com:5353', '[2001:db8::1]:53', '192.0.2.1:53']) parse({ server });
  assert.throws(() => parse({ server: 'ns1:99999' }));
});

test('record inside / outside the zone → validateRecord → null / message naming record and zone', () => {
  const s = parse({ zone: 'Example.COM.' });
  assert.equal(rfc2136.validateRecord!(s, record('home.example.com')), null);
  assert.equal(rfc2136.validateRecord!(s, record('example.com')), null);
  assert.match(rfc2136.validateRecord!(s, record('home.example.org'))!, /home\.example\.org is not inside the zone example\.com/);
  assert.match(rfc2136.validateRecord!(s, record('notexample.com'))!, /not inside/);
});
