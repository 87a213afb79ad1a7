// Several records of one zone in one UPDATE, against a real BIND 9: one round trip and one zone
// transaction when all goes well; record by record when the answer may concern one of them.
// A small UDP and TCP relay in front of named counts the messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { startBind, ZONE, type Bind } from './bind.js';
import { bindUdpAndTcp } from '../helpers/ports.js';
import { change, testContext } from './context.js';
import { BATCH, Rfc2136 } from '../../providers/rfc2136/index.js';
import type { Rfc2136Settings } from '../../providers/rfc2136/config.js';
import type { Change, Outcome } from '../../src/types.js';

let bind: Bind;
let port: number;
let sent = 0;
const closers: (() => void)[] = [];
before(async () => {
  bind = await startBind();
  // UDP: each datagram is a message.
  let relay: dgram.Socket;
  const upstream = dgram.createSocket('udp4');
  const clients = new Map<number, dgram.RemoteInfo>();
  const makeRelay = () => {
    const r = dgram.createSocket('udp4');
    r.on('message', (msg, from) => {
      sent += 1;
      clients.set(msg.readUInt16BE(0), from);
      upstream.send(msg, bind.port, '127.0.0.1');
    });
    return r;
  };
  upstream.on('message', (msg) => {
    const to = clients.get(msg.readUInt16BE(0));
    if (to) relay.send(msg, to.port, to.address);
  });
  // TCP (messages over 512 bytes): count the length-prefixed messages the client writes.
  const tcp = net.createServer((client) => {
    const server = net.connect(bind.port, '127.0.0.1');
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        sent += 1;
        pending = pending.subarray(2 + pending.readUInt16BE(0));
      }
    });
    client.pipe(server).pipe(client);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  ({ udp: relay, port } = await bindUdpAndTcp('127.0.0.1', makeRelay, tcp));
  closers.push(() => relay.close(), () => upstream.close(), () => tcp.close());
});
after(async () => {
  for (const close of closers) close();
  await bind?.stop();
});

const provider = (extra: Partial<Rfc2136Settings> = {}) =>
  new Rfc2136('home', { server: `127.0.0.1:${port}`, zone: ZONE, key_file: bind.keyFiles['hmac-sha256'], tcp: false, timeout: 10_000, ...extra });
const status = (o: Outcome[]) => o.map((x) => (x.status === 'failed' ? `failed ${x.error.kind} ${x.error.message}` : x.status));
const drift = (c: Change): Change => ({ ...c, previous: c.address, why: 'drift' });

async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; messages: number }> {
  const before = sent;
  const result = await fn();
  return { result, messages: sent - before };
}

test('three records moved from what ddnsd published → apply → one message, one zone transaction, all updated', async () => {
  const names = ['b1', 'b2', 'b3'].map((n) => `${n}.${ZONE}`);
  await provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.10')), testContext());
  const serial = bind.serial();
  const { result, messages } = await counted(() => provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.11', '192.0.2.10')), testContext()));
  assert.deepEqual(status(result), ['updated', 'updated', 'updated']);
  assert.equal(messages, 1);
  assert.equal(bind.serial(), serial + 1, 'one transaction: the serial moves once');
  for (const n of names) assert.deepEqual(bind.dig(n, 'A'), ['192.0.2.11']);
});

test('new records, none in place → apply → a probe for all, one per record, then one message replaces them all', async () => {
  const names = ['n1', 'n2', 'n3'].map((n) => `${n}.${ZONE}`);
  const serial = bind.serial();
  const { result, messages } = await counted(() => provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.15')), testContext()));
  assert.deepEqual(status(result), ['updated', 'updated', 'updated']);
  assert.equal(messages, 1 + names.length + 1);
  assert.equal(bind.serial(), serial + 1);
  for (const n of names) assert.deepEqual(bind.dig(n, 'A'), ['192.0.2.15']);
});

test('new records, all already in place → apply → one probe message, in sync, serial unchanged', async () => {
  const names = ['m1', 'm2', 'm3'].map((n) => `${n}.${ZONE}`);
  await provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.16')), testContext());
  const serial = bind.serial();
  const { result, messages } = await counted(() => provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.16')), testContext()));
  assert.deepEqual(status(result), ['in-sync', 'in-sync', 'in-sync']);
  assert.equal(messages, 1);
  assert.equal(bind.serial(), serial);
});

test('A and AAAA of one name moved → apply → one message replaces both', async () => {
  const name = `dual-batch.${ZONE}`;
  await provider().apply([change(name, 'ipv4', '192.0.2.20'), change(name, 'ipv6', '2001:db8::20')], testContext());
  const { result, messages } = await counted(() =>
    provider().apply([change(name, 'ipv4', '192.0.2.21', '192.0.2.20'), change(name, 'ipv6', '2001:db8::21', '2001:db8::20')], testContext()),
  );
  assert.deepEqual(status(result), ['updated', 'updated']);
  assert.equal(messages, 1);
  assert.deepEqual(bind.dig(name, 'A'), ['192.0.2.21']);
  assert.deepEqual(bind.dig(name, 'AAAA'), ['2001:db8::21']);
});

test('records in sync → check → one prerequisite-only message, all in sync, serial unchanged', async () => {
  const names = ['c1', 'c2', 'c3', 'c4'].map((n) => `${n}.${ZONE}`);
  await provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.30')), testContext());
  const serial = bind.serial();
  const { result, messages } = await counted(() => provider().check!(names.map((n) => drift(change(n, 'ipv4', '192.0.2.30'))), testContext()));
  assert.deepEqual(result, ['in-sync', 'in-sync', 'in-sync', 'in-sync']);
  assert.equal(messages, 1);
  assert.equal(bind.serial(), serial);
});

test('one of several records changed behind ddnsd → check → that one differs, the others in sync', async () => {
  const names = ['d1', 'd2', 'd3'].map((n) => `${n}.${ZONE}`);
  await provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.40')), testContext());
  await provider().apply([change(names[1]!, 'ipv4', '192.0.2.41', '192.0.2.40')], testContext()); // someone else
  const { result, messages } = await counted(() => provider().check!(names.map((n) => drift(change(n, 'ipv4', '192.0.2.40'))), testContext()));
  assert.deepEqual(result, ['in-sync', 'differs', 'in-sync']);
  assert.equal(messages, 1 + names.length, 'the batch, then one probe per record');
});

test('one record changed by another writer among several → apply → the others updated, that one warned about and replaced', async () => {
  const names = ['e1', 'e2', 'e3'].map((n) => `${n}.${ZONE}`);
  await provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.50')), testContext());
  await provider().apply([change(names[2]!, 'ipv4', '192.0.2.59', '192.0.2.50')], testContext()); // another writer
  const ctx = testContext();
  const out = await provider().apply(names.map((n) => change(n, 'ipv4', '192.0.2.51', '192.0.2.50')), ctx);
  assert.deepEqual(status(out), ['updated', 'updated', 'updated']);
  for (const n of names) assert.deepEqual(bind.dig(n, 'A'), ['192.0.2.51']);
  const warnings = ctx.lines.filter((l) => l.startsWith('warn'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`${names[2]} A: the server no longer holds 192\\.0\\.2\\.50`));
});

test('a name the update-policy does not grant among granted ones → apply → the granted ones updated, that one REFUSED', async () => {
  const p = () => provider({ key_file: bind.limitedKeyFile });
  const names = [`a.open.${ZONE}`, `shut.${ZONE}`, `b.open.${ZONE}`];
  const out = await p().apply(names.map((n) => change(n, 'ipv4', '192.0.2.60')), testContext());
  assert.deepEqual(status(out).map((s) => s.replace(/ \(REFUSED\).*/, ' (REFUSED)')), [
    'updated',
    `failed permanent server 127.0.0.1:${port} refused the key "limited-key" for shut.${ZONE} A (REFUSED)`,
    'updated',
  ]);
  assert.deepEqual(bind.dig(`a.open.${ZONE}`, 'A'), ['192.0.2.60']);
  assert.deepEqual(bind.dig(`shut.${ZONE}`, 'A'), []);
});

test('more records than one message holds → apply → one message per BATCH records, all updated', async () => {
  const names = Array.from({ length: BATCH + 3 }, (_, i) => `many${i}.${ZONE}`);
  await provider().apply(names.map((n) => change(n, 'ipv4', '198.51.100.1')), testContext());
  const serial = bind.serial();
  const { result, messages } = await counted(() => provider().apply(names.map((n) => change(n, 'ipv4', '198.51.100.2', '198.51.100.1')), testContext()));
  assert.ok(result.every((o) => o.status === 'updated'));
  assert.equal(messages, 2);
  assert.equal(bind.serial(), serial + 2);
  assert.deepEqual(bind.dig(names.at(-1)!, 'A'), ['198.51.100.2']);
});

test('a wrong secret with several records → apply → every record fails once with BADSIG, no message per record', async () => {
  const wrong = Buffer.alloc(32, 7).toString('base64');
  const names = ['w1', 'w2', 'w3'].map((n) => `${n}.${ZONE}`);
  const { result, messages } = await counted(() =>
    provider({ key_file: undefined, key: { name: 'ddns-hmac-sha256', algorithm: 'hmac-sha256', secret: wrong } }).apply(
      names.map((n) => change(n, 'ipv4', '192.0.2.70', '192.0.2.69')),
      testContext(),
    ),
  );
  assert.equal(messages, 1);
  for (const s of status(result)) assert.match(s, /^failed permanent .*refused the key "ddns-hmac-sha256" \(NOTAUTH\/BADSIG\)/);
});
