// A strict parser for the answers we get: every RR bounded by its RDLENGTH, compression loops
// and over-long names refused, trailing junk refused, and the header checked against our request.
import { formatError, WireError } from './errors.js';
import { readName } from './name.js';
import { TYPE } from './update.js';

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** Offset of RDATA in the message, and its bytes. */
  rdataOffset: number;
  rdata: Buffer;
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface ParsedMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  /** Offset where the last additional RR starts (the TSIG RR, when there is one). */
  lastRrOffset: number;
}

/** What the answer must match. */
export interface Expect {
  id: number;
  opcode: number;
  question: Question;
}

const MAX_RRS = 2000; // far above anything an UPDATE or SOA answer carries

/** Parse a DNS message strictly. Throws WireError('FORMAT') on anything malformed. */
export function parseMessage(msg: Buffer): ParsedMessage {
  if (msg.length < 12) throw formatError(`the message is ${msg.length} octets, shorter than a DNS header`);
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => msg.readUInt16BE(o)) as [number, number, number, number];
  if (counts[1] + counts[2] + counts[3] > MAX_RRS) throw formatError('the message claims too many records');
  let pos = 12;
  const questions: Question[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const { name, end } = readName(msg, pos);
    if (end + 4 > msg.length) throw formatError('a question runs past the end of the message');
    questions.push({ name, type: msg.readUInt16BE(end), class: msg.readUInt16BE(end + 2) });
    pos = end + 4;
  }
  let lastRrOffset = -1;
  const section = (n: number) => {
    const out: ResourceRecord[] = [];
    for (let i = 0; i < n; i++) {
      lastRrOffset = pos;
      const { name, end } = readName(msg, pos);
      if (end + 10 > msg.length) throw formatError('a record header runs past the end of the message');
      const rdlength = msg.readUInt16BE(end + 8);
      const rdataOffset = end + 10;
      if (rdataOffset + rdlength > msg.length) throw formatError('a record\'s RDATA runs past the end of the message');
      out.push({
        name,
        type: msg.readUInt16BE(end),
        class: msg.readUInt16BE(end + 2),
        ttl: msg.readUInt32BE(end + 4),
        rdataOffset,
        rdata: msg.subarray(rdataOffset, rdataOffset + rdlength),
      });
      pos = rdataOffset + rdlength;
    }
    return out;
  };
  const answers = section(counts[1]);
  const authorities = section(counts[2]);
  const additionals = section(counts[3]);
  if (pos !== msg.length) throw formatError(`${msg.length - pos} octets of trailing junk after the last record`);
  const tsigs = additionals.filter((r) => r.type === TYPE.TSIG);
  if (tsigs.length > 1 || (tsigs.length === 1 && additionals.at(-1)!.type !== TYPE.TSIG))
    throw formatError('a TSIG record that is not the single last record');
  return {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rcode: flags & 0xf,
    questions,
    answers,
    authorities,
    additionals,
    lastRrOffset,
  };
}

/** Is this the answer to our request? (ID, QR, opcode; the question if it is echoed.) */
export function checkAnswer(m: ParsedMessage, expect: Expect): void {
  const fail = (why: string) => new WireError('MISMATCH', `the answer does not match the request: ${why}`);
  if (m.id !== expect.id) throw fail(`ID ${m.id}, expected ${expect.id}`);
  if (!m.qr) throw fail('it is not a response (QR=0)');
  if (m.opcode !== expect.opcode) throw fail(`opcode ${m.opcode}, expected ${expect.opcode}`);
  // An UPDATE answer may zero its counts (RFC 2136 §3.8); if it echoes a question it must be ours.
  if (m.questions.length > 1) throw fail(`${m.questions.length} questions`);
  const q = m.questions[0];
  if (q && (q.name !== expect.question.name || q.type !== expect.question.type || q.class !== expect.question.class))
    throw fail(`question ${q.name}/${q.type}/${q.class} is not ours`);
}

/** The MNAME (primary) of an SOA record's RDATA; names in it may point into the message. */
export function soaMname(msg: Buffer, rr: ResourceRecord): string {
  const { name, end } = readName(msg, rr.rdataOffset);
  if (end > rr.rdataOffset + rr.rdata.length) throw formatError('SOA MNAME runs past its RDLENGTH');
  return name;
}
