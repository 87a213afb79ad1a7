// RFC 2136 UPDATE messages, named after the RFC: a zone, prerequisites, updates.
// dns-packet cannot write these (no class NONE, opcode ignored, no empty-RDATA typed RRs), so
// the sections are encoded here; dns-packet encodes the plain SOA query of zone discovery.
import dnsPacket from 'dns-packet';
import ipaddr from 'ipaddr.js';
import { checkHostName, isSubdomain, Writer } from './name.js';
import { WireError } from './errors.js';

export const OPCODE_UPDATE = 5;
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, TSIG: 250, ANY: 255 } as const;

export type AddressType = 'A' | 'AAAA';

/** RFC 2136 §2.4 prerequisites. */
export type Prerequisite =
  | { kind: 'yxrrset'; name: string; type: AddressType } // RRset exists (value-independent)
  | { kind: 'yxrrset'; name: string; type: AddressType; addresses: string[] } // RRset is exactly these (value-dependent)
  | { kind: 'nxrrset'; name: string; type: AddressType } // RRset does not exist
  | { kind: 'yxdomain'; name: string } // name is in use
  | { kind: 'nxdomain'; name: string }; // name is not in use

/** RFC 2136 §2.5 updates. */
export type Update =
  | { kind: 'add'; name: string; type: AddressType; ttl: number; address: string }
  | { kind: 'delete-rrset'; name: string; type: AddressType }
  | { kind: 'delete-rr'; name: string; type: AddressType; address: string }
  | { kind: 'delete-name'; name: string };

export interface UpdateMessage {
  id: number;
  zone: string;
  prerequisites: Prerequisite[];
  updates: Update[];
}

/** The RDATA of an A or AAAA record; refuses an address of the wrong family. */
export function addressRdata(type: AddressType, address: string): Buffer {
  const ok = type === 'A' ? ipaddr.IPv4.isValidFourPartDecimal(address) : ipaddr.IPv6.isValid(address) && !address.includes('%');
  if (!ok) throw new WireError('BAD_NAME', `${address} is not an ${type === 'A' ? 'IPv4' : 'IPv6'} address`);
  return Buffer.from(ipaddr.parse(address).toByteArray());
}

function rr(w: Writer, name: string, type: number, klass: number, ttl: number, rdata: Buffer): void {
  w.name(name);
  w.u16(type);
  w.u16(klass);
  w.u32(ttl);
  w.u16(rdata.length);
  w.bytes(rdata);
}

const EMPTY = Buffer.alloc(0);

/**
 * Encode an UPDATE. Every name is validated and must lie inside the zone (else the server would
 * answer NOTZONE). `compress: true` (default) compresses names the way BIND's nsupdate does, so
 * our bytes equal nsupdate's for the same change; `false` writes every name in full.
 */
export function encodeUpdate(msg: UpdateMessage, opts: { compress?: boolean } = {}): Buffer {
  const zone = checkHostName(msg.zone, 'zone');
  const owner = (n: string) => {
    const name = checkHostName(n);
    if (!isSubdomain(name, zone)) throw new WireError('BAD_NAME', `${name} is not inside the zone ${zone}`);
    return name;
  };
  const w = new Writer(opts.compress ?? true);
  w.u16(msg.id);
  w.u16(OPCODE_UPDATE << 11);
  const prereqs = msg.prerequisites.flatMap((p) => (p.kind === 'yxrrset' && 'addresses' in p ? p.addresses.map(() => p) : [p]));
  w.u16(1);
  w.u16(prereqs.length);
  w.u16(msg.updates.length);
  w.u16(0);
  w.name(zone);
  w.u16(TYPE.SOA);
  w.u16(CLASS.IN);
  for (const p of msg.prerequisites) {
    const name = owner(p.name);
    switch (p.kind) {
      case 'yxrrset':
        if ('addresses' in p) for (const a of p.addresses) rr(w, name, TYPE[p.type], CLASS.IN, 0, addressRdata(p.type, a));
        else rr(w, name, TYPE[p.type], CLASS.ANY, 0, EMPTY);
        break;
      case 'nxrrset':
        rr(w, name, TYPE[p.type], CLASS.NONE, 0, EMPTY);
        break;
      case 'yxdomain':
        rr(w, name, TYPE.ANY, CLASS.ANY, 0, EMPTY);
        break;
      case 'nxdomain':
        rr(w, name, TYPE.ANY, CLASS.NONE, 0, EMPTY);
        break;
    }
  }
  for (const u of msg.updates) {
    const name = owner(u.name);
    switch (u.kind) {
      case 'add':
        if (!Number.isInteger(u.ttl) || u.ttl < 0 || u.ttl > 0x7fffffff) throw new WireError('BAD_NAME', `TTL ${u.ttl} is out of range`);
        rr(w, name, TYPE[u.type], CLASS.IN, u.ttl, addressRdata(u.type, u.address));
        break;
      case 'delete-rrset':
        rr(w, name, TYPE[u.type], CLASS.ANY, 0, EMPTY);
        break;
      case 'delete-rr':
        rr(w, name, TYPE[u.type], CLASS.NONE, 0, addressRdata(u.type, u.address));
        break;
      case 'delete-name':
        rr(w, name, TYPE.ANY, CLASS.ANY, 0, EMPTY);
        break;
    }
  }
  return w.toBuffer();
}

/** A plain QUERY for NAME SOA (zone discovery), through dns-packet. */
export function encodeSoaQuery(id: number, name: string): Buffer {
  return dnsPacket.encode({ id, type: 'query', flags: 0, questions: [{ name: checkHostName(name), type: 'SOA', class: 'IN' }] });
}
