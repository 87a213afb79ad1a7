// Only the answer to our query counts: a packet with another ID, another question or without
// QR is ignored (the detector keeps waiting), and a truncated answer is asked again over TCP.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import detector from '../../../src/detect/dns.js';
import { answer, fakeDns, type FakeServer } from './fake-server.js';
import { testContext } from './context.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const detect = (port: number, timeout = 5000) =>
  detector.detect({ type: 'dns', timeout, accept: 'public', server: `127.0.0.1:${port}`, name: 'myip.example.test' }, 'ipv4', testContext());

test('forged answers (wrong ID, wrong question, no QR, garbage) before the real one → dns detect → the real answer', async () => {
  server = await fakeDns((q) => [
    answer(q, '6.6.6.1', { id: (q.id! + 1) % 65536 }),
    answer(q, '6.6.6.2', { questions: [{ type: 'A', class: 'IN', name: 'other.example.test' }] }),
    answer(q, '6.6.6.3', { questions: [{ type: 'AAAA', class: 'IN', name: 'myip.example.test' }] }),
    answer(q, '6.6.6.4', { type: 'query', flags: 0 }),
    Buffer.from('not dns at all'),
    answer(q, '11.22.33.44'),
  ]);
  assert.deepEqual(await detect(server.port), { ok: true, address: '11.22.33.44' });
  const query = server.queries[0]!;
  assert.deepEqual(query.questions, [{ name: 'myip.example.test', type: 'A', class: 'IN' }]);
});

test('only forged answers → dns detect → unavailable after the timeout, saying packets were ignored', async () => {
  server = await fakeDns((q) => [answer(q, '6.6.6.1', { id: (q.id! + 1) % 65536 })]);
  const got = await detect(server.port, 1500);
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /^no answer from 127\.0\.0\.1:\d+ for myip\.example\.test IN A within 1\.5s \(ignored \d+ packet\(s\) that did not match the query\)$/);
});

test('a silent server → dns detect → the query is re-sent, then unavailable after the timeout', async () => {
  server = await fakeDns(() => []);
  const got = await detect(server.port, 2500);
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /within 2\.5s$/);
  assert.ok(server.queries.length >= 2, `expected a retry, saw ${server.queries.length} queries`);
  assert.equal(new Set(server.queries.map((q) => q.id)).size, 1);
});

test('queries → dns detect twice → random IDs, recursion desired', async () => {
  server = await fakeDns((q) => [answer(q, '11.22.33.44')]);
  await detect(server.port);
  await detect(server.port);
  await detect(server.port);
  const ids = server.queries.map((q) => q.id);
  assert.equal(new Set(ids).size, 3, `IDs repeat: ${ids.join(',')}`);
  assert.ok(server.queries.every((q) => (q.flags! & dnsPacket.RECURSION_DESIRED) !== 0));
});

test('a truncated answer (TC) → dns detect → asked again over TCP → its answer', async () => {
  server = await fakeDns(
    (q) => [answer(q, '6.6.6.6', { flags: dnsPacket.TRUNCATED_RESPONSE })],
    (q) => answer(q, '11.22.33.44'),
  );
  assert.deepEqual(await detect(server.port), { ok: true, address: '11.22.33.44' });
  assert.equal(server.queries.length, 2);
  assert.equal(server.queries[0]!.id, server.queries[1]!.id);
});

test('a truncated answer (TC) and nothing on TCP → dns detect → unavailable, saying TCP was refused', async () => {
  server = await fakeDns((q) => [answer(q, '11.22.33.44', { flags: dnsPacket.TRUNCATED_RESPONSE })]);
  const got = await detect(server.port);
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /^127\.0\.0\.1:\d+: connection refused/);
});

test('an answer over TCP for another question → dns detect → unavailable: did not match', async () => {
  server = await fakeDns(
    (q) => [answer(q, '6.6.6.6', { flags: dnsPacket.TRUNCATED_RESPONSE })],
    (q) => answer(q, '6.6.6.7', { questions: [{ type: 'A', class: 'IN', name: 'other.example.test' }] }),
  );
  const got = await detect(server.port);
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /^127\.0\.0\.1:\d+ answered over TCP, but not to our query/);
});

test('nothing listening on the port → dns detect → unavailable: connection refused', async () => {
  server = await fakeDns(() => []);
  const port = server.port;
  await server.close();
  server = undefined;
  const got = await detect(port);
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.reason, /connection refused/);
});
