// SSDP discovery (UPnP Device Architecture §1.3): one M-SEARCH per search target to
// 239.255.255.250:1900 over UDP, then collect the unicast replies for a bounded time. A reply
// counts only when it is `HTTP/1.1 200`, names one of our search targets, and its LOCATION is
// an http:// URL on the host that sent the reply (a device describes itself, never a third host).
import { createSocket } from 'node:dgram';

export const SEARCH_TARGETS = [
  'urn:schemas-upnp-org:device:InternetGatewayDevice:1',
  'urn:schemas-upnp-org:device:InternetGatewayDevice:2',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
] as const;

const GROUP = '239.255.255.250';
const PORT = 1900;
/** Seconds a device may wait before answering; UDA says at least 1. */
const MX = 1;
/** After the first usable reply, wait this long for the others (one box often answers each
 * search target separately), then stop. */
const SETTLE_MS = 300;
const MAX_REPLIES = 16;
const MAX_DATAGRAM = 4096;

export interface SsdpReply {
  location: string;
  st: string;
  from: string;
}

export type Discovery = { ok: true; replies: SsdpReply[]; ignored: string[] } | { ok: false; reason: string };

export interface DiscoverOptions {
  /** Give up collecting after this long. */
  waitMs: number;
  /** Send from this local IPv4 address (selects the interface for multicast). */
  localAddress?: string;
  signal: AbortSignal;
}

export function mSearch(st: string): Buffer {
  return Buffer.from(
    `M-SEARCH * HTTP/1.1\r\nHOST: ${GROUP}:${PORT}\r\nST: ${st}\r\nMAN: "ssdp:discover"\r\nMX: ${MX}\r\n\r\n`,
    'latin1',
  );
}

/** The LOCATION and ST of an SSDP search reply, or null when it is not one. */
export function parseSsdpReply(datagram: Buffer): { location: string; st: string } | null {
  const text = datagram.subarray(0, MAX_DATAGRAM).toString('latin1');
  const lines = text.split(/\r?\n/);
  if (!/^HTTP\/1\.[01] 200(?: |$)/.test(lines[0] ?? '')) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  const location = headers.get('location');
  const st = headers.get('st');
  return location && st ? { location, st } : null;
}

/** Why a reply from `from` is not usable, or null when it is. */
export function checkReply(reply: { location: string; st: string }, from: string): string | null {
  if (!(SEARCH_TARGETS as readonly string[]).includes(reply.st)) return `reply from ${from} is for ${reply.st}`;
  let url: URL;
  try {
    url = new URL(reply.location);
  } catch {
    return `reply from ${from} has an invalid LOCATION`;
  }
  if (url.protocol !== 'http:') return `reply from ${from} has a non-http LOCATION (${url.protocol})`;
  if (url.hostname !== from) return `reply from ${from} points LOCATION at another host (${url.hostname}); ignored`;
  return null;
}

export function discover(opts: DiscoverOptions): Promise<Discovery> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: 'udp4' });
    const replies: SsdpReply[] = [];
    const ignored: string[] = [];
    const timers: NodeJS.Timeout[] = [];
    let done = false;

    const finish = (result: Discovery) => {
      if (done) return;
      done = true;
      timers.forEach(clearTimeout);
      opts.signal.removeEventListener('abort', onAbort);
      socket.close();
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, reason: 'cancelled' });
    const send = () => {
      for (const st of SEARCH_TARGETS) {
        socket.send(mSearch(st), PORT, GROUP, (err) => {
          if (err) finish({ ok: false, reason: `cannot send the SSDP search: ${err.message}` });
        });
      }
    };

    socket.on('error', (err) => finish({ ok: false, reason: `SSDP socket error: ${err.message}` }));
    socket.on('message', (msg, rinfo) => {
      const reply = parseSsdpReply(msg);
      if (!reply) return;
      const why = checkReply(reply, rinfo.address);
      if (why) {
        if (ignored.length < MAX_REPLIES) ignored.push(why);
        return;
      }
      if (replies.some((r) => r.location === reply.location)) return;
      replies.push({ ...reply, from: rinfo.address });
      if (replies.length === 1) timers.push(setTimeout(() => finish({ ok: true, replies, ignored }), SETTLE_MS));
      if (replies.length >= MAX_REPLIES) finish({ ok: true, replies, ignored });
    });

    if (opts.signal.aborted) return onAbort();
    opts.signal.addEventListener('abort', onAbort);
    socket.bind({ port: 0, address: opts.localAddress }, () => {
      try {
        socket.setMulticastTTL(2);
        if (opts.localAddress) socket.setMulticastInterface(opts.localAddress);
      } catch (err) {
        return finish({ ok: false, reason: `cannot set up SSDP multicast: ${(err as Error).message}` });
      }
      send();
      // UDP may drop a datagram: search once more when nothing has answered a while later.
      timers.push(setTimeout(() => replies.length === 0 && send(), Math.min(1000, opts.waitMs / 3)));
      timers.push(setTimeout(() => finish({ ok: true, replies, ignored }), opts.waitMs));
    });
  });
}
