// A tiny loopback UDP DNS server for answers BIND would never give: each query is handed to
// `reply`, which returns the datagrams to send back (possibly none, possibly forged ones); with
// `tcp`, the same port answers over TCP too.
import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Packet } from 'dns-packet';
import { bindUdpAndTcp } from '../../helpers/ports.js';

export interface FakeServer {
  port: number;
  queries: Packet[];
  close(): Promise<void>;
}

/** With `tcp`, the same port also answers over TCP, one answer per query. */
export async function fakeDns(reply: (query: Packet) => Buffer[], tcp?: (query: Packet) => Buffer): Promise<FakeServer> {
  const queries: Packet[] = [];
  const makeUdp = () => {
    const socket: Socket = createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const query = dnsPacket.decode(msg);
      queries.push(query);
      for (const out of reply(query)) socket.send(out, rinfo.port, rinfo.address);
    });
    return socket;
  };
  if (!tcp) {
    const socket = makeUdp();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject); // later errors must fail the test loudly
        resolve();
      });
    });
    return { port: socket.address().port, queries, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
  }
  const server = createServer((conn) => {
    let buf = Buffer.alloc(0);
    conn.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      const query = dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      queries.push(query);
      const out = tcp(query);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(out.length);
      conn.end(Buffer.concat([len, out]));
    });
  });
  const { udp, port } = await bindUdpAndTcp('127.0.0.1', makeUdp, server);
  return {
    port,
    queries,
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The proper answer to `query`, with `address` as its one A record; fields may be overridden. */
export function answer(query: Packet, address: string, override: Partial<Packet> = {}): Buffer {
  const q = query.questions![0]!;
  return dnsPacket.encode({
    type: 'response',
    id: query.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [q],
    answers: [{ type: 'A', class: 'IN', name: q.name, ttl: 60, data: address }],
    ...override,
  });
}
