// Property tests over the answer parser and the TSIG verifier: random and mutated answers give
// typed errors (WireError) only — no crash, no hang — and a mutated answer is never taken as a
// different result. Brief in `npm test`; `npm run fuzz` sets DDNSD_FUZZ_RUNS high.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkAnswer, parseMessage } from '../../src/dns/message.js';
import { sign, verify, type TsigKey } from '../../src/dns/tsig.js';
import { WireError } from '../../src/dns/errors.js';
import { encodeUpdate } from '../../src/dns/update.js';

const RUNS = Number(process.env['DDNSD_FUZZ_RUNS'] ?? 300);
const KEY: TsigKey = { name: 'ddns-key.example.com', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 9) };
const T = 1_800_000_000;
const UNSIGNED = encodeUpdate({
  id: 0x4242,
  zone: 'example.com',
  prerequisites: [{ kind: 'yxrrset', name: 'host.example.com', type: 'A', addresses: ['198.51.100.7'] }],
  updates: [
    { kind: 'delete-rrset', name: 'host.example.com', type: 'A' },
    { kind: 'add', name: 'host.example.com', type: 'A', ttl: 300, address: '203.0.113.9' },
  ],
});
const REQUEST = sign(UNSIGNED, KEY, T);
// A realistic answer: the request echoed back as a response (QR set, NXRRSET), then signed.
const body = Buffer.from(UNSIGNED);
body[2] = body[2]! | 0x80;
body[3] = 8;
const ANSWER = sign(body, KEY, T + 1, { requestMac: REQUEST.mac }).wire;
const EXPECT = { id: 0x4242, opcode: 5, question: { name: 'example.com', type: 6, class: 1 } };

/** The whole client-side pipeline on one answer. */
function accept(raw: Buffer): number {
  const m = parseMessage(raw);
  checkAnswer(m, EXPECT);
  verify(raw, m, KEY, REQUEST.mac, T + 2);
  return m.rcode;
}

const onlyWireErrors = (raw: Buffer) => {
  try {
    return accept(raw);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return null;
  }
};

test('the untouched signed answer → parse, check, verify → accepted as NXRRSET', () => {
  assert.equal(accept(ANSWER), 8);
});

test('random bytes → parse, check, verify → WireError only', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => void onlyWireErrors(Buffer.from(bytes))), { numRuns: RUNS });
});

test('random bytes after a valid header → parse → WireError only', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(20), { minLength: 4, maxLength: 4 }), (bytes, counts) => {
      const head = Buffer.from(ANSWER.subarray(0, 12));
      counts.forEach((c, i) => head.writeUInt16BE(c, 4 + 2 * i));
      onlyWireErrors(Buffer.concat([head, Buffer.from(bytes)]));
    }),
    { numRuns: RUNS },
  );
});

test('the signed answer with bytes overwritten, inserted or cut → pipeline → WireError, or the same NXRRSET', () => {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(ANSWER.length - 1), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(ANSWER.length), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(ANSWER.length - 1), value: fc.nat(8) }),
  );
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      let raw = Buffer.from(ANSWER);
      for (const m of mutations) {
        const at = Math.min(m.at, raw.length);
        if (m.kind === 'set' && at < raw.length) raw[at] = m.value;
        else if (m.kind === 'insert') raw = Buffer.concat([raw.subarray(0, at), Buffer.from([m.value]), raw.subarray(at)]);
        else raw = Buffer.concat([raw.subarray(0, at), raw.subarray(at + 1 + m.value)]);
      }
      const rcode = onlyWireErrors(raw);
      if (rcode !== null) assert.equal(rcode, 8, 'a mutated answer was accepted with another RCODE');
    }),
    { numRuns: RUNS },
  );
});
