// Duck DNS through the built program: `ddnsd --once` against a loopback Duck DNS.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startFakeDuckdns } from './fake-duckdns.js';
import type { FakeDuckdns } from './fake-duckdns.js';

const TOKEN = 'duckCANARY&t=%2B+0000-1111';

describe('duckdns end to end (ddnsd --once)', () => {
  let duck: FakeDuckdns;
  let tmp: { dir: string; cleanup(): void };
  let config: string;
  let state: string;
  before(async () => {
    duck = await startFakeDuckdns(TOKEN, ['myhome', 'cabin']);
  });
  beforeEach(() => {
    for (const d of duck.domains.values()) {
      delete d.ipv4;
      delete d.ipv6;
    }
    duck.override = null;
    tmp = tempDir();
    config = writeConfig(tmp.dir, {
      providers: { duck: { type: 'duckdns', token: '${DUCK_TOKEN}', server: duck.base } },
      records: [
        { name: 'myhome.duckdns.org', provider: 'duck', ipv6: true },
        { name: 'cabin.duckdns.org', provider: 'duck', ipv6: true },
      ],
    });
    state = join(tmp.dir, 'state.json');
  });
  afterEach(() => tmp.cleanup());
  after(() => duck.close());

  const once = async (...ips: string[]) => {
    duck.seen.length = 0;
    const r = await runCli(['--once', '--log-level', 'debug', '-c', config, '--state', state, ...ips.flatMap((ip) => ['--ip', ip])], { env: { DUCK_TOKEN: TOKEN } });
    const out = r.stdout + r.stderr;
    assert.ok(!out.includes('CANARY') && !out.includes(encodeURIComponent(TOKEN)), `token in output:\n${out}`);
    if (existsSync(state)) assert.ok(!readFileSync(state, 'utf8').includes('CANARY'), 'token in the state file');
    return { ...r, out };
  };

  it('first run → one request for both names and families; same again → no request; changed → one', async () => {
    const first = await once('203.0.113.7', '2001:db8::7');
    assert.equal(first.code, 0, first.out);
    assert.equal(duck.seen.length, 1);
    const q = duck.seen[0]!.query;
    assert.deepEqual([q.get('domains'), q.get('token'), q.get('ip'), q.get('ipv6')], ['myhome,cabin', TOKEN, '203.0.113.7', '2001:db8::7']);
    assert.deepEqual(duck.domains.get('cabin'), { ipv4: '203.0.113.7', ipv6: '2001:db8::7' });

    const same = await once('203.0.113.7', '2001:db8::7');
    assert.equal(same.code, 0, same.out);
    assert.equal(duck.seen.length, 0, 'no request when nothing changed');

    const changed = await once('203.0.113.8', '2001:db8::7');
    assert.equal(changed.code, 0, changed.out);
    assert.equal(duck.seen.length, 1);
    assert.equal(duck.seen[0]!.query.get('ip'), '203.0.113.8');
    assert.equal(duck.seen[0]!.query.has('ipv6'), false, 'an unchanged family is not sent');
  });

  it('IPv6 unavailable → run → only ip= sent, AAAA kept, exit 1', async () => {
    duck.domains.get('myhome')!.ipv6 = '2001:db8::1';
    const r = await once('203.0.113.7');
    assert.equal(r.code, 1, r.out);
    assert.equal(duck.seen.length, 1);
    assert.equal(duck.seen[0]!.query.has('ipv6'), false);
    assert.equal(duck.domains.get('myhome')!.ipv6, '2001:db8::1');
  });

  it('KO → run → exit 3; next run → exit 3 and no request', async () => {
    duck.override = () => ({ status: 200, body: 'KO' });
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 3, r.out);
    assert.match(r.out, /KO/);
    const again = await once('203.0.113.7', '2001:db8::7');
    assert.equal(again.code, 3, again.out);
    assert.equal(duck.seen.length, 0);
  });

  it('HTTP 502 → run → exit 1', async () => {
    duck.override = () => ({ status: 502, body: 'bad gateway' });
    const r = await once('203.0.113.7', '2001:db8::7');
    assert.equal(r.code, 1, r.out);
  });

  it('a record outside duckdns.org → run → exit 2, nothing sent', async () => {
    config = writeConfig(tmp.dir, {
      providers: { duck: { type: 'duckdns', token: '${DUCK_TOKEN}', server: duck.base } },
      records: [{ name: 'home.example.com', provider: 'duck' }],
    });
    const r = await once('203.0.113.7');
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /duckdns\.org/);
    assert.equal(duck.seen.length, 0);
  });

  it('ddnsd check → prints the effective config → token redacted', async () => {
    const r = await runCli(['check', '-c', config], { env: { DUCK_TOKEN: TOKEN } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes('CANARY'));
    assert.match(r.stdout, /duckdns/);
  });
});
