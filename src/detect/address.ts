// Address syntax and classification. Syntax is strict (Node's own parser, no zone ids, no
// leading zeros); what counts as public comes from ipaddr.js's special-purpose ranges.
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Family } from '../types.js';

export type Accept = 'public' | 'any';

export type Parsed = { ok: true; address: string } | { ok: false; reason: string };

/** The family of a textual address, or null when it is not exactly one address. */
export function familyOf(text: string): Family | null {
  if (isIPv4(text) && ipaddr.IPv4.isValidFourPartDecimal(text)) return 'ipv4';
  if (isIPv6(text) && !text.includes('%')) return 'ipv6';
  return null;
}

/** Parse one address of the given family; IPv6 comes back in RFC 5952 form. */
export function parseAddress(text: string, family: Family): Parsed {
  const got = familyOf(text);
  if (got === null) return { ok: false, reason: `not an IP address: ${quote(text)}` };
  if (got !== family) return { ok: false, reason: `${text} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address` };
  if (family === 'ipv4') return { ok: true, address: text };
  const v6 = ipaddr.IPv6.parse(text);
  if (v6.isIPv4MappedAddress()) return { ok: false, reason: `${text} is an IPv4-mapped address, not an IPv6 one` };
  return { ok: true, address: v6.toRFC5952String() };
}

// Parsed on first use: parsing CIDRs compiles ipaddr's regular expressions (~2 ms), which a
// start-up that never checks an address (accept: any, --version) need not pay.
let documentation: [ipaddr.IPv4 | ipaddr.IPv6, number][] | undefined;
const DOCUMENTATION_CIDRS = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20'];

const RANGE_WORDS: Record<string, string> = {
  private: 'a private (RFC 1918) address',
  carrierGradeNat: 'a shared CGNAT (100.64.0.0/10) address — behind another NAT (CGNAT?)',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique local (ULA) address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  unspecified: 'the unspecified address',
  reserved: 'a reserved address',
  ipv4Mapped: 'an IPv4-mapped address',
};

/** Why this address is not a public one, or null when it is. */
export function notPublic(address: string): string | null {
  const ip = ipaddr.parse(address);
  const range = ip.range();
  if (range === 'unicast') return null;
  documentation ??= DOCUMENTATION_CIDRS.map((c) => ipaddr.parseCIDR(c));
  for (const [net, bits] of documentation) {
    if (ip.kind() === net.kind() && ip.match(net, bits)) return 'a documentation address';
  }
  return RANGE_WORDS[range] ?? `a special-purpose address (${range})`;
}

/** Apply `accept`; the reason names the address and why it was refused. */
export function checkAccept(address: string, accept: Accept): Parsed {
  if (accept === 'any') return { ok: true, address };
  const why = notPublic(address);
  return why ? { ok: false, reason: `${address} is ${why}; refused under accept: public` } : { ok: true, address };
}

/**
 * Read an echo service's answer. The whole answer must be exactly one address of the asked
 * family, as plain text, a Cloudflare-trace `ip=` line among `key=value` lines, or JSON
 * `{"ip": "..."}`. Anything else is refused with a reason, never guessed at.
 */
export function parseEchoBody(body: string, family: Family): Parsed {
  const text = body.trim();
  if (text === '') return { ok: false, reason: 'the answer is empty' };
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, reason: `the answer is not valid JSON: ${quote(text)}` };
    }
    const ip = (json as { ip?: unknown } | null)?.ip;
    if (typeof ip !== 'string') return { ok: false, reason: 'the JSON answer has no string "ip" field' };
    return parseAddress(ip.trim(), family);
  }
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines.every((l) => /^[a-z_]+=/.test(l))) {
    const ips = lines.filter((l) => l.startsWith('ip='));
    if (ips.length !== 1) return { ok: false, reason: `the trace answer has ${ips.length} ip= lines, expected one` };
    return parseAddress(ips[0]!.slice(3).trim(), family);
  }
  if (lines.length > 1) return { ok: false, reason: `the answer has ${lines.length} lines, expected one address: ${quote(text)}` };
  return parseAddress(text, family);
}

/** A short printable excerpt of untrusted text, for a reason. */
export function quote(text: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max)}…` : clean);
}
