// Known-answer tests: our TSIG MACs equal the published vectors (protocols.md §2.8 and appendix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMac, sign, verify, type Algorithm, type TsigKey } from '../../src/dns/tsig.js';
import { parseMessage } from '../../src/dns/message.js';
import { TsigError } from '../../src/dns/tsig.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const key = (name: string, algorithm: Algorithm, secret: string): TsigKey => ({ name, algorithm, secret: Buffer.from(secret, 'base64') });
const SECRET = 'NoTCJU+DMqFWywaPyxSijrDEA/eC3nK0xi3AMEZuPVk=';
const T = 1594855491;
const VECTOR_A =
  'c60028000001000000010001076578616d706c6503636f6d00000600010161c00c0001000100000e100004c000020107746573746b65790000fa00ff00000000003d0b686d61632d7368613235360000005f0f9043012c00208cf23e0081d915478a182edcea7ff48ad102948e6c7ef8e887536957d1fa5616c60000000000';

const B_MSG = hex('002a28000001000000000000076578616d706c6503636f6d0000060001');
const fields = (algorithm: string, error = 0, otherData = Buffer.alloc(0)) => ({ algorithm, timeSigned: T, fudge: 300, error, otherData });

test('miekg vector B1 (BADTIME, request MAC) → computeMac → published MAC', () => {
  const mac = computeMac(key('testkey', 'hmac-sha256', SECRET), B_MSG, fields('hmac-sha256', 18), hex('3684c225'));
  assert.equal(mac.toString('hex'), 'c110e3f62694755c10761dc8717462431ee34340b7c9d1eee09449150757c5b1');
});

test('miekg vector B2 (no request MAC) → computeMac → published MAC', () => {
  const mac = computeMac(key('testkey', 'hmac-sha256', SECRET), B_MSG, fields('hmac-sha256', 18));
  assert.equal(mac.toString('hex'), '385449a425c6d52b9bf2c65c0726eefa0ad8084cdaf488f24547e686605b9610');
});

test('miekg vector B3 (other data "foo") → computeMac → published MAC', () => {
  const mac = computeMac(key('testkey', 'hmac-sha256', SECRET), B_MSG, fields('hmac-sha256', 18, Buffer.from('foo')), hex('3684c225'));
  assert.equal(mac.toString('hex'), '15b91571ca80b3b410a77e2b44f8cc4f35ace22b26020138439dd94803e23b5d');
});

test('miekg vector C hmac-sha224 and hmac-sha384 → computeMac → published MACs', () => {
  const k224 = key('testkey', 'hmac-sha224', 'hVEkQuAqnTmBuRrT9KF1Udr91gOMGWPw9LaTtw==');
  assert.equal(computeMac(k224, B_MSG, fields('hmac-sha224')).toString('hex'), 'd6daf9ea189e48bc38f9aed63d6cc4140cdfa38a7a333ee2eefdbd31');
  const k384 = key('testkey', 'hmac-sha384', 'Qjer2TL2lAdpq9w6Gjs98/ClCQx/L3vtgVHCmrZ8l/oKEPjqUUMFO18gMCRwd5H4');
  assert.equal(
    computeMac(k384, B_MSG, fields('hmac-sha384')).toString('hex'),
    '89a48936d29187870c325cbdba5ad71609bd038d0459d6010c844d659c570e881d3650e4fe7310be53ebe5178d0d1001',
  );
});

test('Kea vectors hmac-md5 and hmac-sha1 (BIND-generated queries) → computeMac → published MACs', () => {
  const q = (id: string) => hex(`${id} 0100 0001 0000 0000 0000 03777777076578616d706c6503636f6d00 0001 0001`);
  const md5 = key('www.example.com', 'hmac-md5', 'SFuWd/q99SzF8Yzd1QbB9g==');
  const f = (alg: string, t: number) => ({ algorithm: alg, timeSigned: t, fudge: 300, error: 0, otherData: Buffer.alloc(0) });
  assert.equal(computeMac(md5, q('2d65'), f('hmac-md5.sig-alg.reg.int', 0x4da8877a)).toString('hex'), '227026ad297beee721ce6c6fff1e9ef3');
  const sha1 = key('www.example.com', 'hmac-sha1', 'MA+QDhXbyqUak+qnMFyTyEirzng=');
  assert.equal(computeMac(sha1, q('0967'), f('hmac-sha1', 0x4dae7d5f)).toString('hex'), '415340c7daf824ed684ee586f7b5a67a2febc0d3');
});

test('miekg vector A (full signed UPDATE) → verify as an answer without request MAC → accepted', () => {
  const raw = hex(VECTOR_A);
  // Vector A is a request, so it is verified here through computeMac over the stripped message.
  const m = parseMessage(raw);
  const unsigned = Buffer.from(raw.subarray(0, m.lastRrOffset));
  unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
  const mac = computeMac(key('testkey', 'hmac-sha256', SECRET), unsigned, fields('hmac-sha256'));
  assert.equal(mac.toString('hex'), '8cf23e0081d915478a182edcea7ff48ad102948e6c7ef8e887536957d1fa5616');
});

test('sign() over the vector A message → same bytes as the published wire', () => {
  const raw = hex(VECTOR_A);
  const m = parseMessage(raw);
  const unsigned = Buffer.from(raw.subarray(0, m.lastRrOffset));
  unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
  const { wire } = sign(unsigned, key('testkey', 'hmac-sha256', SECRET), T);
  assert.equal(wire.toString('hex'), VECTOR_A);
});

// An answer signed by "the server" (our signer) lets verify() be tested end to end.
const K = key('testkey', 'hmac-sha256', SECRET);
const REQUEST_MAC = hex('3684c225a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c');
const ANSWER = hex('002aa8000000000000000000');
const signedAnswer = (t = T, k = K, opts: Parameters<typeof sign>[3] = {}) => sign(ANSWER, k, t, { requestMac: REQUEST_MAC, ...opts }).wire;

test('answer signed with the request MAC → verify → accepted', () => {
  const raw = signedAnswer();
  verify(raw, parseMessage(raw), K, REQUEST_MAC, T + 1);
});

test('answer signed 301 s ago → verify → BADTIME with the measured skew', () => {
  const raw = signedAnswer(T - 301);
  assert.throws(() => verify(raw, parseMessage(raw), K, REQUEST_MAC, T), (e: unknown) => e instanceof TsigError && e.tsigError === 'BADTIME' && e.skewSeconds === 301);
});

test('answer with a flipped MAC bit → verify → refused (not a time error)', () => {
  const raw = signedAnswer();
  raw[raw.length - 10] ^= 1; // inside the MAC
  assert.throws(() => verify(raw, parseMessage(raw), K, REQUEST_MAC, T), (e: unknown) => e instanceof TsigError && e.tsigError === 'INVALID');
});

test('answer signed for a different request MAC → verify → refused', () => {
  const raw = signedAnswer();
  assert.throws(() => verify(raw, parseMessage(raw), K, Buffer.alloc(32), T), (e: unknown) => e instanceof TsigError && e.tsigError === 'INVALID');
});

test('answer signed with another key name → verify → refused', () => {
  const raw = signedAnswer(T, key('otherkey', 'hmac-sha256', SECRET));
  assert.throws(() => verify(raw, parseMessage(raw), K, REQUEST_MAC, T), /signed with key "otherkey"/);
});

test('answer signed with another algorithm → verify → refused', () => {
  const raw = signedAnswer(T, key('testkey', 'hmac-sha512', SECRET));
  assert.throws(() => verify(raw, parseMessage(raw), K, REQUEST_MAC, T), /signed with hmac-sha512/);
});

test('unsigned answer → verify → refused as UNSIGNED', () => {
  assert.throws(() => verify(ANSWER, parseMessage(ANSWER), K, REQUEST_MAC, T), (e: unknown) => e instanceof TsigError && e.tsigError === 'UNSIGNED');
});

test('answer with a MAC truncated to 16 octets → verify → never accepted', () => {
  const raw = signedAnswer();
  const m = parseMessage(raw);
  // Rebuild the TSIG RDATA with only the first 16 MAC octets (a validly formed truncated MAC).
  const tsig = m.additionals[0]!;
  const rd = tsig.rdata;
  const algEnd = 13; // "hmac-sha256." is 13 octets
  const mac = rd.subarray(algEnd + 10, algEnd + 10 + 32);
  const head = Buffer.from(rd.subarray(0, algEnd + 10));
  head.writeUInt16BE(16, algEnd + 8);
  const newRd = Buffer.concat([head, mac.subarray(0, 16), rd.subarray(algEnd + 10 + 32)]);
  const prefix = Buffer.from(raw.subarray(0, tsig.rdataOffset));
  prefix.writeUInt16BE(newRd.length, tsig.rdataOffset - 2);
  const cut = Buffer.concat([prefix, newRd]);
  assert.throws(() => verify(cut, parseMessage(cut), K, REQUEST_MAC, T), /not the full 32/);
});

for (const [code, name] of [[16, 'BADSIG'], [17, 'BADKEY'], [22, 'BADTRUNC']] as const) {
  test(`server answers NOTAUTH with TSIG error ${name} → verify → ${name} naming the key`, () => {
    const notauth = hex('002aa8090000000000000000');
    const raw = sign(notauth, K, T, { error: code }).wire;
    assert.throws(
      () => verify(raw, parseMessage(raw), K, REQUEST_MAC, T),
      (e: unknown) => e instanceof TsigError && e.tsigError === name && e.message.includes('"testkey"') && e.message.includes(name),
    );
  });
}

test('server BADTIME with its time in Other Data → verify → message reports the skew', () => {
  const other = Buffer.alloc(6);
  other.writeUIntBE(T + 1000, 0, 6);
  const raw = sign(hex('002aa8090000000000000000'), K, T, { error: 18, otherData: other, requestMac: REQUEST_MAC }).wire;
  assert.throws(() => verify(raw, parseMessage(raw), K, REQUEST_MAC, T), (e: unknown) => e instanceof TsigError && e.skewSeconds === -1000 && /1000 s behind/.test(e.message));
});
