// The answer parser is strict: RDLENGTH bounds every record, trailing junk is refused, and the
// header must answer our request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAnswer, parseMessage } from '../../src/dns/message.js';
import { WireError } from '../../src/dns/errors.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const OK = hex('1234 a800 0001 0000 0000 0000 076578616d706c6503636f6d00 0006 0001');
const EXPECT = { id: 0x1234, opcode: 5, question: { name: 'example.com', type: 6, class: 1 } };
const isCode = (code: string) => (e: unknown) => e instanceof WireError && e.code === code;

test('an echoed NOERROR answer → parse and check → accepted', () => {
  const m = parseMessage(OK);
  checkAnswer(m, EXPECT);
  assert.equal(m.rcode, 0);
});

test('an answer with zeroed counts (RFC 2136 §3.8) → check → accepted', () => {
  checkAnswer(parseMessage(hex('1234 a808 0000 0000 0000 0000')), EXPECT);
});

test('one trailing octet → parse → FORMAT', () => {
  assert.throws(() => parseMessage(Buffer.concat([OK, Buffer.from([0])])), isCode('FORMAT'));
});

test('RDLENGTH past the end → parse → FORMAT', () => {
  assert.throws(() => parseMessage(hex('1234 a800 0000 0001 0000 0000 00 0001 0001 00000000 0008 01020304')), isCode('FORMAT'));
});

test('a header shorter than 12 octets → parse → FORMAT', () => {
  assert.throws(() => parseMessage(hex('1234a800')), isCode('FORMAT'));
});

for (const [what, msg] of [
  ['another ID', hex('4321 a800 0000 0000 0000 0000')],
  ['QR clear', hex('1234 2800 0000 0000 0000 0000')],
  ['opcode QUERY', hex('1234 8000 0000 0000 0000 0000')],
  ['another zone in the question', hex('1234 a800 0001 0000 0000 0000 076578616d706c65036f726700 0006 0001')],
] as const) {
  test(`an answer with ${what} → check → MISMATCH`, () => {
    assert.throws(() => checkAnswer(parseMessage(msg), EXPECT), isCode('MISMATCH'));
  });
}

test('a TSIG that is not the last record → parse → FORMAT', () => {
  const tsig = '00 00fa 00ff 00000000 0000';
  const a = '00 0001 0001 00000000 0000';
  assert.throws(() => parseMessage(hex(`1234 a800 0000 0000 0000 0002 ${tsig} ${a}`)), isCode('FORMAT'));
});
