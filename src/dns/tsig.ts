// TSIG (RFC 8945): sign every request, verify every answer with the request's MAC.
// An unsigned, wrongly signed, wrong-key or wrong-algorithm answer never counts as success.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatError, WireError } from './errors.js';
import { readName, Writer } from './name.js';
import type { ParsedMessage } from './message.js';
import { CLASS, TYPE } from './update.js';

export const ALGORITHMS = {
  'hmac-md5': { wire: 'hmac-md5.sig-alg.reg.int', hash: 'md5', size: 16 },
  'hmac-sha1': { wire: 'hmac-sha1', hash: 'sha1', size: 20 },
  'hmac-sha224': { wire: 'hmac-sha224', hash: 'sha224', size: 28 },
  'hmac-sha256': { wire: 'hmac-sha256', hash: 'sha256', size: 32 },
  'hmac-sha384': { wire: 'hmac-sha384', hash: 'sha384', size: 48 },
  'hmac-sha512': { wire: 'hmac-sha512', hash: 'sha512', size: 64 },
} as const;

export type Algorithm = keyof typeof ALGORITHMS;

export interface TsigKey {
  name: string; // lower-case, no trailing dot
  algorithm: Algorithm;
  secret: Buffer;
}

export const FUDGE = 300;

export const TSIG_ERRORS: Record<number, string> = { 16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC' };

/** `hmac-sha256`, `HMAC-SHA256.`, `sha256`, `hmac-md5.sig-alg.reg.int` → our name; null if unknown. */
export function algorithmFromName(text: string): Algorithm | null {
  let t = text.toLowerCase().replace(/\.$/, '');
  if (t === 'hmac-md5.sig-alg.reg.int') return 'hmac-md5';
  if (!t.startsWith('hmac-')) t = `hmac-${t}`;
  return t in ALGORITHMS ? (t as Algorithm) : null;
}

export interface TsigFields {
  algorithm: string; // wire name, lower-case
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
}

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

/** The TSIG variables covered by the MAC (RFC 8945 §4.3.3). */
function variables(key: TsigKey, f: Omit<TsigFields, 'mac' | 'originalId'>): Buffer {
  const w = new Writer(false);
  w.name(key.name, false);
  w.u16(CLASS.ANY);
  w.u32(0);
  w.name(f.algorithm, false);
  w.bytes(u48(f.timeSigned));
  w.u16(f.fudge);
  w.u16(f.error);
  w.u16(f.otherData.length);
  w.bytes(f.otherData);
  return w.toBuffer();
}

function hmac(key: TsigKey, parts: Buffer[]): Buffer {
  const h = createHmac(ALGORITHMS[key.algorithm].hash, key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

function requestMacPart(requestMac: Buffer | null): Buffer[] {
  if (!requestMac) return [];
  const len = Buffer.alloc(2);
  len.writeUInt16BE(requestMac.length);
  return [len, requestMac];
}

/** The MAC over `message` (without TSIG, header ID = original ID) — exported for known-answer tests. */
export function computeMac(
  key: TsigKey,
  message: Buffer,
  f: Omit<TsigFields, 'mac' | 'originalId'>,
  requestMac: Buffer | null = null,
): Buffer {
  return hmac(key, [...requestMacPart(requestMac), message, variables(key, f)]);
}

/** Append a TSIG RR to `message` (a complete message without TSIG). Returns the signed bytes and the MAC. */
export function sign(
  message: Buffer,
  key: TsigKey,
  timeSigned: number,
  opts: { requestMac?: Buffer | null; error?: number; otherData?: Buffer; fudge?: number } = {},
): { wire: Buffer; mac: Buffer } {
  const f = {
    algorithm: ALGORITHMS[key.algorithm].wire,
    timeSigned,
    fudge: opts.fudge ?? FUDGE,
    error: opts.error ?? 0,
    otherData: opts.otherData ?? Buffer.alloc(0),
  };
  const mac = computeMac(key, message, f, opts.requestMac ?? null);
  const rdata = new Writer(false);
  rdata.name(f.algorithm, false);
  rdata.bytes(u48(timeSigned));
  rdata.u16(f.fudge);
  rdata.u16(mac.length);
  rdata.bytes(mac);
  rdata.u16(message.readUInt16BE(0));
  rdata.u16(f.error);
  rdata.u16(f.otherData.length);
  rdata.bytes(f.otherData);
  const rd = rdata.toBuffer();
  const w = new Writer(false);
  w.bytes(message);
  w.name(key.name, false);
  w.u16(TYPE.TSIG);
  w.u16(CLASS.ANY);
  w.u32(0);
  w.u16(rd.length);
  w.bytes(rd);
  const wire = w.toBuffer();
  wire.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { wire, mac };
}

/** Decode a TSIG RR's RDATA strictly. */
export function decodeTsig(msg: Buffer, rdataOffset: number, rdlength: number): TsigFields {
  const end = rdataOffset + rdlength;
  const { name: algorithm, end: p } = readName(msg, rdataOffset);
  const need = (at: number, n: number) => {
    if (at + n > end) throw formatError('the TSIG record is shorter than its fields');
  };
  need(p, 10);
  const timeSigned = msg.readUIntBE(p, 6);
  const fudge = msg.readUInt16BE(p + 6);
  const macSize = msg.readUInt16BE(p + 8);
  need(p + 10, macSize + 6);
  const mac = msg.subarray(p + 10, p + 10 + macSize);
  const q = p + 10 + macSize;
  const originalId = msg.readUInt16BE(q);
  const error = msg.readUInt16BE(q + 2);
  const otherLen = msg.readUInt16BE(q + 4);
  if (q + 6 + otherLen !== end) throw formatError('the TSIG record\'s Other Data does not fill its RDLENGTH');
  return { algorithm, timeSigned, fudge, mac, originalId, error, otherData: msg.subarray(q + 6, end) };
}

/** Why a signed answer was not accepted. `tsigError` is the server's TSIG error, when it sent one. */
export class TsigError extends WireError {
  constructor(
    message: string,
    readonly tsigError: 'BADSIG' | 'BADKEY' | 'BADTIME' | 'BADTRUNC' | 'UNSIGNED' | 'INVALID',
    readonly skewSeconds?: number,
  ) {
    super('TSIG', message);
  }
}

/**
 * Verify the TSIG of an answer to a request we signed with `key` and `requestMac`.
 * `nowSeconds` is our clock. Throws TsigError for anything but a valid signature in time,
 * including the server's own TSIG error reports (BADSIG, BADKEY, BADTIME, BADTRUNC).
 */
export function verify(raw: Buffer, m: ParsedMessage, key: TsigKey, requestMac: Buffer, nowSeconds: number): void {
  const last = m.additionals.at(-1);
  const who = `key "${key.name}"`;
  if (!last || last.type !== TYPE.TSIG) {
    throw new TsigError(`the server's answer is not signed (expected a TSIG with ${who})`, 'UNSIGNED');
  }
  const t = decodeTsig(raw, last.rdataOffset, last.rdata.length);
  if (last.class !== CLASS.ANY || last.ttl !== 0) throw new TsigError('the answer\'s TSIG record has a wrong class or TTL', 'INVALID');
  const named = TSIG_ERRORS[t.error];
  if (t.error !== 0) {
    if (t.error === 18) {
      const serverTime = t.otherData.length === 6 ? t.otherData.readUIntBE(0, 6) : null;
      const skew = serverTime === null ? undefined : nowSeconds - serverTime;
      const about = skew === undefined ? '' : ` (our clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the server's)`;
      throw new TsigError(`the server rejected the signature time of ${who} (BADTIME)${about}; fix the clock (NTP)`, 'BADTIME', skew);
    }
    if (named === 'BADSIG') throw new TsigError(`the server says the signature of ${who} is wrong (BADSIG): the secret differs`, 'BADSIG');
    if (named === 'BADKEY') throw new TsigError(`the server does not know ${who} with ${key.algorithm} (BADKEY)`, 'BADKEY');
    if (named === 'BADTRUNC') throw new TsigError(`the server refused the MAC length of ${who} (BADTRUNC)`, 'BADTRUNC');
    throw new TsigError(`the server reported TSIG error ${t.error} for ${who}`, 'INVALID');
  }
  if (last.name !== key.name) throw new TsigError(`the answer is signed with key "${last.name}", not ${who}`, 'INVALID');
  if (algorithmFromName(t.algorithm) !== key.algorithm)
    throw new TsigError(`the answer is signed with ${t.algorithm}, not ${key.algorithm}`, 'INVALID');
  const full = ALGORITHMS[key.algorithm].size;
  if (t.mac.length !== full) throw new TsigError(`the answer's MAC is ${t.mac.length} octets, not the full ${full}`, 'INVALID');
  // The message as signed: without the TSIG RR, ARCOUNT - 1, ID = original ID.
  const unsigned = Buffer.from(raw.subarray(0, m.lastRrOffset));
  unsigned.writeUInt16BE(t.originalId, 0);
  unsigned.writeUInt16BE(raw.readUInt16BE(10) - 1, 10);
  const expected = computeMac(key, unsigned, t, requestMac);
  if (!timingSafeEqual(expected, t.mac)) throw new TsigError(`the answer's signature does not verify with ${who}`, 'INVALID');
  const skew = nowSeconds - t.timeSigned;
  if (Math.abs(skew) > Math.min(t.fudge, FUDGE))
    throw new TsigError(`the answer's signature time is ${Math.abs(skew)} s off our clock (fudge ${FUDGE}); fix the clock (NTP)`, 'BADTIME', skew);
}
