// Transport: UDP to IPv6, a truncated UDP answer retried over TCP, big messages straight to TCP,
// stray datagrams ignored while the real answer is awaited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { exchange, type Server } from '../../src/dns/transport.js';
import { checkAnswer, parseMessage } from '../../src/dns/message.js';
import { bindUdpAndTcp } from '../helpers/ports.js';

const REQUEST = Buffer.from('beef28000000000000000000', 'hex');
const answer = (flags: string, id = 'beef') => Buffer.from(`${id}${flags}0000000000000000`, 'hex');
const handle = (raw: Buffer) => {
  const m = parseMessage(raw);
  checkAnswer(m, { id: 0xbeef, opcode: 5, question: { name: 'x', type: 6, class: 1 } });
  return m;
};

type Reply = (msg: Buffer, send: (b: Buffer) => void) => void;

/** An unbound UDP socket that records what it gets and answers through `reply`. */
function udpSocket(host: string, reply: Reply, seen: Buffer[]): dgram.Socket {
  const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  sock.on('message', (msg, from) => {
    seen.push(msg);
    reply(msg, (b) => sock.send(b, from.port, from.address));
  });
  return sock;
}

async function udpServer(host: string, reply: Reply): Promise<{ server: Server; seen: Buffer[]; close(): void }> {
  const seen: Buffer[] = [];
  const sock = udpSocket(host, reply, seen);
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, host, () => {
      sock.off('error', reject); // later errors must fail the test loudly
      resolve();
    });
  });
  return { server: { host, port: sock.address().port }, seen, close: () => sock.close() };
}

/** A UDP and a TCP server on one port (DNS falls back to TCP on the same port). */
async function udpAndTcp(udpReply: Buffer, tcpReply: Buffer) {
  const udpSeen: Buffer[] = [];
  const tcpSeen: Buffer[] = [];
  const srv = net.createServer((c) => {
    c.on('data', (d) => {
      tcpSeen.push(d.subarray(2));
      const len = Buffer.alloc(2);
      len.writeUInt16BE(tcpReply.length);
      c.end(Buffer.concat([len, tcpReply]));
    });
  });
  const { udp, port } = await bindUdpAndTcp('127.0.0.1', () => udpSocket('127.0.0.1', (_m, send) => send(udpReply), udpSeen), srv);
  return {
    udp: { server: { host: '127.0.0.1', port }, seen: udpSeen, close: () => udp.close() },
    tcp: { seen: tcpSeen, close: () => srv.close() },
  };
}

test('server on ::1 → exchange over UDP → its answer', async () => {
  const s = await udpServer('::1', (_m, send) => send(answer('a800')));
  try {
    const m = await exchange(s.server, REQUEST, { timeoutMs: 5000, handle });
    assert.equal(m.rcode, 0);
  } finally {
    s.close();
  }
});

test('truncated UDP answer (TC) → exchange → the same request again over TCP, its answer taken', async () => {
  const { udp, tcp } = await udpAndTcp(answer('aa00'), answer('a808'));
  try {
    const m = await exchange(udp.server, REQUEST, { timeoutMs: 5000, handle });
    assert.equal(m.rcode, 8);
    assert.deepEqual(tcp.seen, [REQUEST]);
  } finally {
    udp.close();
    tcp.close();
  }
});

test('message over 512 octets → exchange → TCP only', async () => {
  const { udp, tcp } = await udpAndTcp(answer('a805'), answer('a800'));
  const big = Buffer.concat([REQUEST, Buffer.alloc(600)]);
  try {
    const m = await exchange(udp.server, big, { timeoutMs: 5000, handle: (raw) => parseMessage(raw) });
    assert.equal(m.rcode, 0);
    assert.equal(udp.seen.length, 0);
  } finally {
    udp.close();
    tcp.close();
  }
});

test('a stray answer with another ID, then the real one → exchange → the real one', async () => {
  const s = await udpServer('127.0.0.1', (_m, send) => {
    send(answer('a805', '1111'));
    setTimeout(() => send(answer('a800')), 50);
  });
  try {
    const m = await exchange(s.server, REQUEST, { timeoutMs: 5000, handle });
    assert.equal(m.rcode, 0);
  } finally {
    s.close();
  }
});

test('only junk comes back → exchange → TIMEOUT that says what was refused', async () => {
  const s = await udpServer('127.0.0.1', (_m, send) => send(Buffer.from('junk')));
  try {
    await assert.rejects(exchange(s.server, REQUEST, { timeoutMs: 800, handle }), /no answer from 127\.0\.0\.1:\d+ over UDP in time; the only answers were refused: the message is 4 octets/);
  } finally {
    s.close();
  }
});
