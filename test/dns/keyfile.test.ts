// Key files as BIND writes them; a bad file is an error naming the file, never the secret.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyFileError, loadKeyFile } from '../../src/dns/keyfile.js';

const CANARY = 'c2VjcmV0LWNhbmFyeS0xMjM0NTY3ODkwYWJjZGVmZ2g='; // "secret-canary-..." in base64
let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddnsd-key-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('tsig-keygen output → loadKeyFile → name, algorithm and secret', () => {
  const p = file('ddns.key', `key "ddns-key" {\n\talgorithm hmac-sha256;\n\tsecret "${CANARY}";\n};\n`);
  const k = loadKeyFile(p);
  assert.deepEqual([k.name, k.algorithm, k.secret.toString('base64')], ['ddns-key', 'hmac-sha256', CANARY]);
});

test('ddns-confgen style file with comments and two keys → loadKeyFile with key_name → that key', () => {
  const p = file(
    'two.key',
    `# ddns-confgen output\n// comment\n/* block\ncomment */\nkey "a.example" { algorithm hmac-sha1; secret "${CANARY}"; };\nkey "b.example." {\n algorithm HMAC-SHA512;\n secret "${CANARY}";\n};\n`,
  );
  assert.equal(loadKeyFile(p, 'b.example').algorithm, 'hmac-sha512');
  assert.equal(loadKeyFile(p, 'A.Example.').algorithm, 'hmac-sha1');
  assert.throws(() => loadKeyFile(p), /several keys \("a\.example", "b\.example"\); choose one with key_name/);
  assert.throws(() => loadKeyFile(p, 'c.example'), /no key named "c\.example"/);
});

test('dnssec-keygen K*.private → loadKeyFile (either file of the pair) → key named after the file', () => {
  const priv = file(
    'Kddns.example.+163+48857.private',
    `Private-key-format: v1.3\nAlgorithm: 163 (HMAC_SHA256)\nKey: ${CANARY}\nBits: AAA=\nCreated: 20230619042525\n`,
  );
  const k = loadKeyFile(priv);
  assert.deepEqual([k.name, k.algorithm], ['ddns.example', 'hmac-sha256']);
  assert.equal(loadKeyFile(join(dir, 'Kddns.example.+163+48857.key')).name, 'ddns.example');
});

for (const [what, text, why] of [
  ['a bad algorithm', `key "k" { algorithm hmac-sha3; secret "${CANARY}"; };`, /unknown algorithm "hmac-sha3"/],
  ['no secret', 'key "k" { algorithm hmac-sha256; };', /no secret/],
  ['a secret that is not base64', `key "k" { algorithm hmac-sha256; secret "${CANARY}!!"; };`, /not valid base64/],
  ['an unclosed block', `key "k" { algorithm hmac-sha256; secret "${CANARY}";`, /not closed/],
  ['no key block', 'options { };', /no key "name"/],
  ['an unterminated string', `key "k" { algorithm hmac-sha256; secret "${CANARY}; };`, /cannot read/],
] as const) {
  test(`a key file with ${what} → loadKeyFile → error naming the file, never the secret`, () => {
    const p = file('bad.key', text);
    assert.throws(
      () => loadKeyFile(p),
      (e: unknown) => e instanceof KeyFileError && why.test(e.message) && e.message.includes(p) && !e.message.includes(CANARY.slice(0, 12)),
    );
  });
}

test('a missing file → loadKeyFile → error naming the file', () => {
  assert.throws(() => loadKeyFile(join(dir, 'nope.key')), /nope\.key: cannot read the key file \(ENOENT\)/);
});

test('a K*.private with a non-HMAC algorithm → loadKeyFile → error', () => {
  const p = file('Kzone.+013+12345.private', `Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: ${CANARY}\n`);
  assert.throws(() => loadKeyFile(p), /not an HMAC/);
});
