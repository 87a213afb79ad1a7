// One signed UPDATE (or SOA query) and its verified answer: encode, sign, send, parse, check, verify.
import { randomInt } from 'node:crypto';
import { checkAnswer, parseMessage, soaMname, type ParsedMessage } from './message.js';
import { sign, verify, type TsigKey } from './tsig.js';
import { exchange, type Server } from './transport.js';
import { CLASS, encodeSoaQuery, encodeUpdate, OPCODE_UPDATE, TYPE, type Prerequisite, type Update } from './update.js';
import { checkHostName } from './name.js';

export interface SendOptions {
  key: TsigKey | null;
  timeoutMs: number;
  tcp?: boolean;
  signal?: AbortSignal;
  /** Our clock, in seconds since the epoch (TSIG time signed and checked). */
  nowSeconds(): number;
}

export interface Answer {
  rcode: number;
  /** NOERROR, NXRRSET, REFUSED, ... */
  rcodeName: string;
  message: ParsedMessage;
  raw: Buffer;
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];
export const rcodeName = (rcode: number): string => RCODES[rcode] ?? `RCODE${rcode}`;

async function send(server: Server, wire: Buffer, opcode: number, question: { name: string; type: number; class: number }, o: SendOptions): Promise<Answer> {
  const id = wire.readUInt16BE(0);
  let request = wire;
  let requestMac: Buffer | null = null;
  if (o.key) {
    const signed = sign(wire, o.key, Math.floor(o.nowSeconds()));
    request = signed.wire;
    requestMac = signed.mac;
  }
  return exchange(server, request, {
    tcp: o.tcp,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    handle(raw) {
      const message = parseMessage(raw);
      checkAnswer(message, { id, opcode, question });
      if (o.key && requestMac) verify(raw, message, o.key, requestMac, Math.floor(o.nowSeconds()));
      return { rcode: message.rcode, rcodeName: rcodeName(message.rcode), message, raw };
    },
  });
}

/** Send an UPDATE for `zone` with these prerequisites and updates; returns the verified answer. */
export function sendUpdate(server: Server, zone: string, prerequisites: Prerequisite[], updates: Update[], o: SendOptions): Promise<Answer> {
  const wire = encodeUpdate({ id: randomInt(0, 0x10000), zone, prerequisites, updates });
  return send(server, wire, OPCODE_UPDATE, { name: checkHostName(zone), type: TYPE.SOA, class: CLASS.IN }, o);
}

export interface SoaAnswer {
  rcode: number;
  rcodeName: string;
  /** The SOA found in the answer or authority section: its owner (the zone) and MNAME. */
  soa: { zone: string; mname: string } | null;
  /** The answer section holds a CNAME or DNAME: the name is an alias, not a zone. */
  alias: boolean;
}

/** `QUERY name SOA` (zone discovery). Signed when a key is given. */
export async function querySoa(server: Server, name: string, o: SendOptions): Promise<SoaAnswer> {
  const wire = encodeSoaQuery(randomInt(0, 0x10000), name);
  const a = await send(server, wire, 0, { name: checkHostName(name), type: TYPE.SOA, class: CLASS.IN }, o);
  const m = a.message;
  const alias = m.answers.some((r) => r.type === TYPE.CNAME || r.type === 39);
  const rr = m.answers.find((r) => r.type === TYPE.SOA) ?? m.authorities.find((r) => r.type === TYPE.SOA);
  return { rcode: a.rcode, rcodeName: a.rcodeName, alias, soa: rr && !alias ? { zone: rr.name, mname: soaMname(a.raw, rr) } : null };
}
