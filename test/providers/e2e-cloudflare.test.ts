// Cloudflare through the built program: `ddnsd --once` against a loopback API, run after run,
// with the state file carrying what each run learnt.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { failure, startFakeCloudflare } from './fake-cloudflare.js';
import type { FakeCloudflare } from './fake-cloudflare.js';

const TOKEN = 'cfCANARYtok&en=%2B+0123456789abcdef';
const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';

describe('cloudflare end to end (ddnsd --once)', () => {
  let cf: FakeCloudflare;
  let tmp: { dir: string; cleanup(): void };
  let config: string;
  let state: string;
  before(async () => {
    cf = await startFakeCloudflare(TOKEN, [{ id: ZONE, name: 'example.com' }]);
  });
  beforeEach(() => {
    cf.reset();
    tmp = tempDir();
    writeFileSync(join(tmp.dir, 'cf.token'), `${TOKEN}\n`, { mode: 0o600 });
    config = writeConfig(tmp.dir, {
      providers: { cf: { type: 'cloudflare', token_file: 'cf.token', api: cf.api } },
      records: [{ name: 'home.example.com', provider: 'cf', ipv6: true }],
    });
    state = join(tmp.dir, 'state.json');
  });
  afterEach(() => tmp.cleanup());
  after(() => cf.close());

  const once = async (...ips: string[]) => {
    cf.seen.length = 0;
    const r = await runCli(['--once', '--log-level', 'debug', '-c', config, '--state', state, ...ips.flatMap((ip) => ['--ip', ip])]);
    const out = r.stdout + r.stderr;
    assert.ok(!out.includes('CANARY'), `token in output:\n${out}`);
    assert.ok(!readFileSync(state, 'utf8').includes('CANARY'), 'token in the state file');
    return { ...r, out };
  };

  it('first run, same again, address changed → exit 0 each; create, read only, PATCH', async () => {
    const first = await once('203.0.113.7', '2001:db8::7');
    assert.equal(first.code, 0, first.out);
    assert.deepEqual(cf.records.map((r) => `${r.type} ${r.content}`), ['A 203.0.113.7', 'AAAA 2001:db8::7']);
    assert.deepEqual(cf.writes().map((w) => w.method), ['POST', 'POST']);

    const same = await once('203.0.113.7', '2001:db8::7');
    assert.equal(same.code, 0, same.out);
    assert.deepEqual(cf.writes(), [], 'nothing written when nothing changed');

    const changed = await once('203.0.113.8', '2001:db8::7');
    assert.equal(changed.code, 0, changed.out);
    const writes = cf.writes();
    assert.equal(writes.length, 1);
    assert.equal(writes[0]!.method, 'PATCH');
    assert.deepEqual(JSON.parse(writes[0]!.body), { content: '203.0.113.8' });
  });

  it('record edited in the dashboard → next run → put back', async () => {
    await once('203.0.113.7', '2001:db8::7');
    cf.records.find((r) => r.type === 'A')!.content = '192.0.2.99';
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 0, r.out);
    assert.equal(cf.records.find((x) => x.type === 'A')!.content, '203.0.113.7');
  });

  it('IPv6 unavailable → run → A updated, AAAA left alone, exit 1', async () => {
    cf.records.push({ id: 'q1', zone_id: ZONE, name: 'home.example.com', type: 'AAAA', content: '2001:db8::1', ttl: 300, proxied: false, comment: null });
    const r = await once('203.0.113.7');
    assert.equal(r.code, 1, r.out);
    assert.equal(cf.records.find((x) => x.type === 'AAAA')!.content, '2001:db8::1');
    assert.ok(cf.seen.every((s) => !s.url.includes('AAAA')), 'the AAAA record is not even read');
  });

  it('HTTP 401 → run → exit 3 with the token message; next run → exit 3, no request', async () => {
    cf.override = () => failure(401, 10000, 'Authentication error');
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 3, r.out);
    assert.match(r.out, /rejected the API token .*invalid, expired or revoked/);
    const again = await once('203.0.113.7', '2001:db8::7');
    assert.equal(again.code, 3, again.out);
    assert.equal(cf.seen.length, 0);
  });

  it('HTTP 403 on the write → run → exit 3 naming Zone → DNS → Edit, in one line', async () => {
    cf.override = (req) => (req.method !== 'GET' ? failure(403, 10000, 'Authentication error') : undefined);
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 3, r.out);
    const line = r.out.split('\n').find((l) => l.includes('home.example.com A '));
    assert.match(line ?? '', /lacks the permission Zone → DNS → Edit/);
  });

  it('success: false with HTTP 200 → run → exit 3; next run → no request', async () => {
    cf.override = (req) => (req.method === 'POST' ? failure(200, 81053, 'An A, AAAA, or CNAME record with that host already exists.') : undefined);
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 3, r.out);
    assert.match(r.out, /81053/);
    await once('203.0.113.7', '2001:db8::7');
    assert.equal(cf.seen.length, 0);
  });

  it('HTTP 200 with invalid JSON → run → exit 3', async () => {
    cf.override = () => ({ status: 200, body: '{"success": tru' });
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 3, r.out);
    assert.match(r.out, /not JSON/);
  });

  it('HTTP 429 → run → exit 1; next run → exit 1, no request (Retry-After persisted)', async () => {
    cf.override = () => ({ status: 429, headers: { 'retry-after': '1' }, body: '' });
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 1, r.out);
    const saved = JSON.stringify(JSON.parse(readFileSync(state, 'utf8')));
    assert.match(saved, /next_attempt/);
    const again = await once('203.0.113.7', '2001:db8::7');
    assert.equal(again.code, 1, again.out);
    assert.equal(cf.seen.length, 0);
  });

  it('HTTP 503 → run → exit 1', async () => {
    cf.override = () => ({ status: 503, body: 'unavailable' });
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 1, r.out);
  });

  it('api over plain HTTP to a remote host → run → exit 2, nothing sent', async () => {
    config = writeConfig(tmp.dir, {
      providers: { cf: { type: 'cloudflare', token_file: 'cf.token', api: 'http://cf.example.net/client/v4' } },
      records: [{ name: 'home.example.com', provider: 'cf' }],
    });
    const r = await runCli(['--once', '-c', config, '--state', state, '--ip', '203.0.113.7']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr + r.stdout, /insecure: true/);
  });
});
