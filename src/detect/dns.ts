// `dns`: ask a DNS server that echoes the asker's address (OpenDNS, Cloudflare, Google, or your
// own). One query with dns-packet over UDP (src/dns/transport.ts), over a socket of the
// detection's family, re-sent while the timeout lasts; asked again over TCP when the answer
// comes back truncated. An answer counts only when it comes from the server we asked (connected
// socket), carries our random ID, QR set, opcode QUERY and exactly our question; then it must
// hold exactly one record of the asked type whose data is one address of the family.
import { lookup } from 'node:dns/promises';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, Packet, Question } from 'dns-packet';
import type { Family } from '../types.js';
import type { DetectorModule } from './types.js';
import type { Parsed } from './address.js';
import { familyOf, parseAddress, quote } from './address.js';
import { parseHostPort } from '../config/values.js';
import { deadline, type Deadline } from '../deadline.js';
import { exchange } from '../dns/transport.js';
import { WireError } from '../dns/errors.js';

export type Qtype = 'A' | 'AAAA' | 'TXT';
export type Qclass = 'IN' | 'CH';
export type Preset = 'opendns' | 'cloudflare' | 'google';

export interface DnsSettings {
  server?: string;
  name?: string;
  qtype?: Qtype;
  class?: Qclass;
  preset?: Preset;
}

export interface Query {
  server: string;
  name: string;
  qtype: Qtype;
  qclass: Qclass;
}

/** What a preset fills in, per family; keys set in the config win. */
export const PRESETS: Record<Preset, Record<Family, Query>> = {
  // resolver1.opendns.com; over IPv6 only the ipv6-sandbox resolvers answer myip with AAAA.
  opendns: {
    ipv4: { server: '208.67.222.222', name: 'myip.opendns.com', qtype: 'A', qclass: 'IN' },
    ipv6: { server: 'resolver1.ipv6-sandbox.opendns.com', name: 'myip.opendns.com', qtype: 'AAAA', qclass: 'IN' },
  },
  cloudflare: {
    ipv4: { server: '1.1.1.1', name: 'whoami.cloudflare', qtype: 'TXT', qclass: 'CH' },
    ipv6: { server: '2606:4700:4700::1111', name: 'whoami.cloudflare', qtype: 'TXT', qclass: 'CH' },
  },
  // ns1.google.com itself: through a recursive resolver the answer is the resolver's address.
  google: {
    ipv4: { server: '216.239.32.10', name: 'o-o.myaddr.l.google.com', qtype: 'TXT', qclass: 'IN' },
    ipv6: { server: '2001:4860:4802:32::a', name: 'o-o.myaddr.l.google.com', qtype: 'TXT', qclass: 'IN' },
  },
};

const MAX_ANSWER = 4096;

export function effectiveQuery(s: DnsSettings, family: Family): Partial<Query> {
  const preset = s.preset ? PRESETS[s.preset][family] : undefined;
  return {
    server: s.server ?? preset?.server,
    name: s.name ?? preset?.name,
    qtype: s.qtype ?? preset?.qtype ?? (family === 'ipv4' ? 'A' : 'AAAA'),
    qclass: s.class ?? preset?.qclass ?? 'IN',
  };
}

const sameName = (a: string, b: string) => a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

/** Is this packet the answer to our query (ID, QR, opcode, question)? */
export function matches(packet: Packet, id: number, q: Question): boolean {
  const questions = packet.questions ?? [];
  return (
    packet.id === id &&
    (packet as { flag_qr?: boolean }).flag_qr === true &&
    (packet as { opcode?: string }).opcode === 'QUERY' &&
    questions.length === 1 &&
    sameName(questions[0]!.name, q.name) &&
    questions[0]!.type === q.type &&
    (questions[0]!.class ?? 'IN') === q.class
  );
}

/** The one address of `family` in a matching answer, or why there is none. */
export function readAnswer(packet: Packet, q: Query, family: Family): Parsed {
  const what = `${q.name} ${q.qclass} ${q.qtype}`;
  const flags = packet as { flag_tc?: boolean; rcode?: string };
  if (flags.flag_tc) return { ok: false, reason: `the answer to ${what} was truncated (TC) even over TCP` };
  if (flags.rcode !== 'NOERROR') return { ok: false, reason: `the server answered ${what} with ${flags.rcode ?? 'an unknown RCODE'}` };
  const records = (packet.answers ?? []).filter((a: Answer) => a.type === q.qtype && (a.class ?? 'IN') === q.qclass);
  if (records.length !== 1) return { ok: false, reason: `the answer to ${what} has ${records.length} ${q.qtype} records, expected exactly one` };
  const data: unknown = (records[0] as { data: unknown }).data;
  if (q.qtype !== 'TXT') return parseAddress(String(data), family);
  const strings = (Array.isArray(data) ? data : [data]) as (Buffer | string)[];
  if (strings.length !== 1) return { ok: false, reason: `the TXT answer to ${what} has ${strings.length} strings, expected exactly one` };
  const text = Buffer.isBuffer(strings[0]) ? strings[0].toString('utf8') : String(strings[0]);
  const parsed = parseAddress(text.trim(), family);
  if (parsed.ok) return parsed;
  if (familyOf(text.trim())) return { ok: false, reason: `the TXT answer to ${what}: ${parsed.reason}` };
  return { ok: false, reason: `the TXT answer to ${what} is not one address: ${quote(text)}` };
}

/**
 * One datagram from the server: the detection's result when it answers our query (ID, QR,
 * opcode, question), or null when it must be ignored (malformed, oversized, or not ours).
 */
export function readDatagram(msg: Buffer, id: number, question: Question, q: Query, family: Family): Parsed | null {
  let packet: Packet;
  try {
    if (msg.length > MAX_ANSWER) return null;
    packet = dnsPacket.decode(msg);
    if (dnsPacket.decode.bytes !== msg.length) return null;
  } catch {
    return null;
  }
  return matches(packet, id, question) ? readAnswer(packet, q, family) : null;
}

export interface DnsDeps {
  /** Resolve a server name to one address of the family. */
  resolve(host: string, family: Family): Promise<string>;
}

const defaultDeps: DnsDeps = {
  resolve: async (host, family) => (await lookup(host, { family: family === 'ipv4' ? 4 : 6 })).address,
};

export function createDnsDetector(deps: DnsDeps = defaultDeps): DetectorModule<DnsSettings> {
  return {
    describe(s) {
      const parts = [s.preset ? `dns ${s.preset}` : 'dns', s.name, s.class, s.qtype, s.server && `@${s.server}`];
      return parts.filter(Boolean).join(' ');
    },
    async detect(s, family, ctx) {
      const q = effectiveQuery(s, family);
      if (!q.server) return { ok: false, reason: 'no DNS server to ask: set server (or preset: opendns | cloudflare | google)' };
      if (!q.name) return { ok: false, reason: 'no name to ask for: set name (or preset: opendns | cloudflare | google)' };
      const hp = parseHostPort(q.server, 53);
      if (!hp) return { ok: false, reason: `server ${quote(q.server)} is not host, host:port or [v6]:port` };
      const timer = deadline(s.timeout, ctx.signal);
      try {
        return await ask(hp, q as Query, family, s.timeout, timer);
      } finally {
        timer.done();
      }
    },
  };

  async function ask(hp: { host: string; port: number }, q: Query, family: Family, timeoutMs: number, timer: Deadline): Promise<Parsed> {
    const signal = timer.signal;

    let address = hp.host;
    const literal = isIP(hp.host);
    if (literal === 0) {
      try {
        address = await Promise.race([deps.resolve(hp.host, family), aborted(signal)]);
      } catch (err) {
        const why = timer.expired() ? `no answer within ${timeoutMs / 1000}s` : (err as Error).message;
        return { ok: false, reason: `cannot find an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address for server ${hp.host}: ${why}` };
      }
    } else if ((literal === 4) !== (family === 'ipv4')) {
      return {
        ok: false,
        reason: `server ${hp.host} is an IPv${literal} address, but an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} detection must ask over ${family === 'ipv4' ? 'IPv4' : 'IPv6'}`,
      };
    }
    return query({ address, port: hp.port, family, signal, timeoutMs, timedOut: () => timer.expired() }, q);
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error('aborted'));
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}

interface Target {
  address: string;
  port: number;
  family: Family;
  signal: AbortSignal;
  timeoutMs: number;
  timedOut(): boolean;
}

async function query(t: Target, q: Query): Promise<Parsed> {
  const where = t.family === 'ipv6' ? `[${t.address}]:${t.port}` : `${t.address}:${t.port}`;
  const id = randomInt(0, 65536);
  const question: Question = { name: q.name, type: q.qtype, class: q.qclass };
  const message = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [question] });
  let mismatched = 0;
  try {
    // UDP, re-sent while no matching answer arrives; over TCP when the answer comes back truncated.
    return await exchange({ host: t.address, port: t.port }, message, {
      timeoutMs: t.timeoutMs,
      signal: t.signal,
      handle(raw) {
        const got = readDatagram(raw, id, question, q, t.family);
        if (got !== null) return got;
        mismatched++;
        throw new WireError('MISMATCH', 'the answer did not match the query');
      },
    });
  } catch (err) {
    const code = err instanceof WireError ? err.code : undefined;
    const message = err instanceof Error ? err.message : String(err);
    if (t.signal.aborted && !t.timedOut()) return { ok: false, reason: 'cancelled' };
    if (t.timedOut() || code === 'TIMEOUT') {
      const extra = mismatched ? ` (ignored ${mismatched} packet(s) that did not match the query)` : '';
      return { ok: false, reason: `no answer from ${where} for ${q.name} ${q.qclass} ${q.qtype} within ${t.timeoutMs / 1000}s${extra}` };
    }
    if (message.includes('ECONNREFUSED')) return { ok: false, reason: `${where}: connection refused (no DNS server on that port?)` };
    if (code === 'MISMATCH') return { ok: false, reason: `${where} answered over TCP, but not to our query (ID, question or flags differ)` };
    return { ok: false, reason: message };
  }
}

export default createDnsDetector();
