// A server that is down or silent costs a bounded time, once per run, and is transient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { Rfc2136 } from '../../providers/rfc2136/index.js';
import { change, checkOne, testContext } from './context.js';
import { freePort } from './bind.js';

const KEY = { name: 'ddns-key', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 1).toString('base64') };

test('nothing listening on the port → check → transient, naming the server', async () => {
  const port = await freePort();
  const p = new Rfc2136('home', { server: `127.0.0.1:${port}`, zone: 'example.test', key: KEY, tcp: false, timeout: 10_000 });
  await assert.rejects(checkOne(p, 'a.example.test', 'ipv4', '192.0.2.1', testContext()), (e: Error & { kind?: string }) => {
    return e.kind === 'transient' && e.message.includes(`127.0.0.1:${port}`);
  });
});

test('a server that never answers → three checks and an apply → all transient, one UDP transaction retried, then no more traffic', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  const ids: number[] = [];
  const opcodes = new Set<number>();
  silent.on('message', (m) => {
    ids.push(m.readUInt16BE(0));
    opcodes.add((m[2]! >> 3) & 0xf);
  });
  try {
    const p = new Rfc2136('home', { server: `127.0.0.1:${silent.address().port}`, zone: 'example.test', key: KEY, tcp: false, timeout: 2_000 });
    const started = Date.now();
    for (const n of ['a', 'b', 'c']) {
      await assert.rejects(checkOne(p, `${n}.example.test`, 'ipv4', '192.0.2.1', testContext()), (e: Error & { kind?: string }) => {
        return e.kind === 'transient' && /no answer from 127\.0\.0\.1:\d+ over UDP in time/.test(e.message);
      });
    }
    const out = await p.apply([change('d.example.test', 'ipv4', '192.0.2.1'), change('e.example.test', 'ipv4', '192.0.2.1')], testContext());
    assert.deepEqual(out.map((o) => o.status === 'failed' && o.error.kind), ['transient', 'transient']);
    assert.ok(ids.length >= 2, `the request was retried (${ids.length} datagrams)`);
    assert.equal(new Set(ids).size, 1, 'only the first transaction went out');
    assert.deepEqual([...opcodes], [5], 'zone and server set: no discovery query, only UPDATE');
    assert.ok(Date.now() - started < 20_000, 'bounded by the timeout, not by the number of records');
  } finally {
    silent.close();
  }
});

for (const [zone, says] of [
  [undefined, 'cannot find the zone of a\\.example\\.test'],
  ['example.test', 'cannot find the primary server of zone example\\.test'],
] as const) {
  test(`server absent, zone ${zone ?? 'absent'}, the resolver silent → apply → transient, saying what it was looking for and which resolver failed`, async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const port = silent.address().port;
    try {
      const p = new Rfc2136('home', { zone, key: KEY, tcp: false, timeout: 1_000 }, { resolvers: () => [{ host: '127.0.0.1', port }], lookup: async () => '127.0.0.2' });
      const [o] = await p.apply([change('a.example.test', 'ipv4', '192.0.2.1')], testContext());
      assert.ok(o!.status === 'failed' && o!.error.kind === 'transient');
      assert.match(o!.status === 'failed' ? o!.error.message : '', new RegExp(`^${says}: no answer from 127\\.0\\.0\\.1:${port} over UDP in time`));
    } finally {
      silent.close();
    }
  });
}
