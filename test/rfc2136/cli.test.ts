// The rfc2136 provider end to end through the built CLI (`node dist/cli.js --once`), against a
// real BIND 9: exit codes 0/1/2/3 as spec.md defines them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startBind, ALGS, ZONE, type Bind } from './bind.js';

let bind: Bind;
const dirs: { cleanup(): void }[] = [];
before(async () => {
  bind = await startBind();
});
after(async () => {
  for (const d of dirs) d.cleanup();
  await bind?.stop();
});

function setup(provider: Record<string, unknown>, records: Record<string, unknown>[]) {
  const t = tempDir();
  dirs.push(t);
  const state = join(t.dir, 'state.json');
  const config = writeConfig(t.dir, {
    state,
    providers: { home: { type: 'rfc2136', server: bind.server, zone: ZONE, key_file: bind.keyFiles['hmac-sha256'], ...provider } },
    records: records.map((r) => ({ provider: 'home', ...r })),
  });
  const once = (...args: string[]) => runCli(['--once', '-c', config, '--state', state, ...args]);
  return { dir: t.dir, config, once };
}

test('first run, same address again, then a new address → exit 0 each; serial moves only on change; one A record remains', async () => {
  const s = setup({}, [{ name: `home.${ZONE}` }]);
  const first = await s.once('--ip', '203.0.113.20');
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(bind.dig(`home.${ZONE}`, 'A'), ['203.0.113.20']);
  const serial = bind.serial();

  const same = await s.once('--ip', '203.0.113.20');
  assert.equal(same.code, 0, same.stderr);
  assert.equal(bind.serial(), serial, 'nothing changed → the zone serial does not move');
  assert.equal(same.stderr, '', 'a run confirmed in sync by the probe prints nothing (quiet cron)');

  const moved = await s.once('--ip', '203.0.113.21');
  assert.equal(moved.code, 0, moved.stderr);
  assert.deepEqual(bind.dig(`home.${ZONE}`, 'A'), ['203.0.113.21']);
  assert.ok(bind.serial() > serial);
});

test('record changed behind ddnsd\'s back → next run → the probe notices and puts the address back', async () => {
  const s = setup({}, [{ name: `drift.${ZONE}` }]);
  assert.equal((await s.once('--ip', '203.0.113.30')).code, 0);
  const other = setup({}, [{ name: `drift.${ZONE}` }]);
  assert.equal((await other.once('--ip', '203.0.113.31')).code, 0);
  const r = await s.once('--ip', '203.0.113.30');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(bind.dig(`drift.${ZONE}`, 'A'), ['203.0.113.30']);
});

test('AAAA record → --once --ip v6 → exit 0, dig sees it', async () => {
  const s = setup({}, [{ name: `v6.${ZONE}`, ipv4: false, ipv6: true, ttl: 120 }]);
  const r = await s.once('--ip', '2001:db8::20');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(bind.dig(`v6.${ZONE}`, 'AAAA'), ['2001:db8::20']);
});

for (const alg of ALGS) {
  test(`key file with ${alg} → --once → exit 0`, async () => {
    const s = setup({ key_file: bind.keyFiles[alg] }, [{ name: `cli-${alg}.${ZONE}` }]);
    const r = await s.once('--ip', '198.51.100.20');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(bind.dig(`cli-${alg}.${ZONE}`, 'A'), ['198.51.100.20']);
  });
}

test('dnssec-keygen K*.private key file → --once → exit 0', async () => {
  const s = setup({ key_file: bind.kPrivateFile }, [{ name: `cli-kfile.${ZONE}` }]);
  const r = await s.once('--ip', '198.51.100.21');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(bind.dig(`cli-kfile.${ZONE}`, 'A'), ['198.51.100.21']);
});

test('wrong secret (inline key) → --once → exit 3 naming the key, secret never printed; next run exit 3 again', async () => {
  const canary = Buffer.from('canary-secret-for-rfc2136-tests!').toString('base64');
  const s = setup({ key_file: undefined, key: { name: 'ddns-hmac-sha256', algorithm: 'hmac-sha256', secret: canary } }, [{ name: `wrong.${ZONE}` }]);
  const r = await s.once('--ip', '198.51.100.22');
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /refused the key "ddns-hmac-sha256" \(NOTAUTH\/BADSIG\)/);
  assert.ok(!r.stderr.includes(canary) && !r.stdout.includes(canary));
  const again = await s.once('--ip', '198.51.100.22');
  assert.equal(again.code, 3);
  const checked = await runCli(['check', '-c', s.config]);
  assert.ok(!checked.stdout.includes(canary), 'ddnsd check redacts key.secret');
});

test('key the update-policy does not grant → --once → REFUSED, exit 3', async () => {
  const s = setup({ key_file: bind.ungrantedKeyFile }, [{ name: `ungranted.${ZONE}` }]);
  const r = await s.once('--ip', '198.51.100.23');
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /refused the key "ungranted-key" .*\(REFUSED\)/);
});

test('record outside the zone → --once → exit 2 before anything is sent', async () => {
  const s = setup({}, [{ name: 'home.example.org' }]);
  const r = await s.once('--ip', '198.51.100.24');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /home\.example\.org is not inside the zone example\.test/);
});

test('broken key file → --once → exit 2 naming the file', async () => {
  const s = setup({}, [{ name: `x.${ZONE}` }]);
  const bad = join(s.dir, 'bad.key');
  writeFileSync(bad, 'key "k" { algorithm hmac-sha256; };\n');
  writeConfig(s.dir, {
    state: join(s.dir, 'state.json'),
    providers: { home: { type: 'rfc2136', server: bind.server, zone: ZONE, key_file: bad } },
    records: [{ name: `x.${ZONE}`, provider: 'home' }],
  });
  const r = await s.once('--ip', '198.51.100.25');
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(bad), r.stderr);
  assert.match(r.stderr, /no secret/);
});

test('server that never answers, three records → --once → exit 1 within about 30 s', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  try {
    const s = setup({ server: `127.0.0.1:${silent.address().port}` }, [{ name: `a.${ZONE}` }, { name: `b.${ZONE}` }, { name: `c.${ZONE}` }]);
    const r = await s.once('--ip', '198.51.100.26');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no answer from 127\.0\.0\.1:\d+/);
    assert.ok(r.ms < 35_000, `took ${r.ms} ms`);
  } finally {
    silent.close();
  }
});
