// Host names are validated before anything is sent; received names are decoded strictly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHostName, readName } from '../../src/dns/name.js';
import { WireError } from '../../src/dns/errors.js';

test('valid names (trailing dot, upper case, punycode, underscore) → checkHostName → lower case without dot', () => {
  assert.equal(checkHostName('Home.Example.COM.'), 'home.example.com');
  assert.equal(checkHostName('xn--bcher-kva.example'), 'xn--bcher-kva.example');
  assert.equal(checkHostName('_dmarc.example.com'), '_dmarc.example.com');
});

for (const [bad, why] of [
  ['', /empty/],
  ['a..b', /empty label/],
  [`${'a'.repeat(64)}.com`, /longer than 63/],
  [Array(130).fill('ab').join('.'), /longer than 255/],
  ['bücher.example', /ASCII/],
  ['a b.example', /ASCII/],
  ['-bad.example', /characters/],
] as const) {
  test(`bad name ${JSON.stringify(bad.slice(0, 20))} → checkHostName → BAD_NAME`, () => {
    assert.throws(() => checkHostName(bad), (e: unknown) => e instanceof WireError && e.code === 'BAD_NAME' && why.test(e.message));
  });
}

test('a 255-octet name → checkHostName → accepted; 256 → refused', () => {
  const ok = [...Array(3).fill('a'.repeat(63)), 'a'.repeat(61)].join('.'); // 3*64 + 62 + 1 = 255
  assert.equal(checkHostName(ok), ok);
  assert.throws(() => checkHostName(`${ok}a`), /255/);
});

test('a compression pointer to itself → readName → FORMAT (loop)', () => {
  const msg = Buffer.from('000000000000000000000000c00c', 'hex');
  assert.throws(() => readName(msg, 12), (e: unknown) => e instanceof WireError && e.code === 'FORMAT' && /loop/.test(e.message));
});

test('two pointers pointing at each other → readName → FORMAT, no hang', () => {
  const msg = Buffer.from('000000000000000000000000c00ec00c', 'hex');
  assert.throws(() => readName(msg, 14), /loop|backwards/);
});

test('a name of 300 octets via backward pointers → readName → FORMAT (too long)', () => {
  const parts: Buffer[] = [Buffer.alloc(12)];
  let prev = -1;
  for (let i = 0; i < 6; i++) {
    const at = parts.reduce((n, b) => n + b.length, 0);
    const label = Buffer.concat([Buffer.from([60]), Buffer.alloc(60, 0x61)]);
    parts.push(label, prev < 0 ? Buffer.from([0]) : Buffer.from([0xc0 | (prev >> 8), prev & 0xff]));
    prev = at;
  }
  const msg = Buffer.concat(parts);
  assert.throws(() => readName(msg, prev), /longer than 255/);
});
