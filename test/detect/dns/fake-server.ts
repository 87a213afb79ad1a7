// A tiny loopback UDP DNS server for answers BIND would never give: each query is handed to
// `reply`, which returns the datagrams to send back (possibly none, possibly forged ones).
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { Packet } from 'dns-packet';

export interface FakeServer {
  port: number;
  queries: Packet[];
  close(): Promise<void>;
}

export async function fakeDns(reply: (query: Packet) => Buffer[]): Promise<FakeServer> {
  const socket: Socket = createSocket('udp4');
  const queries: Packet[] = [];
  socket.on('message', (msg, rinfo) => {
    const query = dnsPacket.decode(msg);
    queries.push(query);
    for (const out of reply(query)) socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    queries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
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
