// Address events end to end: `ddnsd run` inside a network namespace this test creates, with an
// `interface` detector on a veth interface and an RFC 2136 provider pointing at a real BIND in
// the same namespace. Changing the interface's address must update the record without waiting
// for the schedule (once a year here). The measured delay is printed as a diagnostic.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, tempDir, writeConfig } from '../helpers/cli.js';

const ns = `ddnsd-ev-${process.pid}`;
const port = 5300;
const inNs = (...argv: string[]) => ['ip', 'netns', 'exec', ns, ...argv];
const run = (...argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tmp = tempDir('ddnsd-events-');
const children: ChildProcess[] = [];

function dig(name: string): string {
  try {
    return run(...inNs('dig', '+short', '+time=1', '+tries=1', '-p', String(port), '@127.0.0.1', name, 'A')).trim();
  } catch {
    return '';
  }
}

before(async () => {
  run('ip', 'netns', 'add', ns);
  run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
  run('ip', '-n', ns, 'link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'wan1');
  run('ip', '-n', ns, 'link', 'set', 'wan0', 'up');
  run('ip', '-n', ns, 'link', 'set', 'wan1', 'up');
  run('ip', '-n', ns, 'addr', 'add', '198.51.100.1/24', 'dev', 'wan0');

  const dir = tmp.dir;
  writeFileSync(join(dir, 'ddns-key.key'), run('tsig-keygen', '-a', 'hmac-sha256', 'ddns-key'));
  writeFileSync(join(dir, 'example.test.zone'), '$TTL 300\n@ IN SOA ns hostmaster 1 3600 600 86400 300\n  IN NS ns\nns IN A 127.0.0.1\n');
  writeFileSync(
    join(dir, 'named.conf'),
    `options { directory "${dir}"; pid-file "${dir}/named.pid"; session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; notify no; dnssec-validation no; allow-transfer { none; }; };
controls { };
include "${dir}/ddns-key.key";
zone "example.test" { type primary; file "example.test.zone"; update-policy { grant ddns-key zonesub A AAAA; }; };
`,
  );
  run('named-checkconf', join(dir, 'named.conf'));
  const named = spawn('ip', ['netns', 'exec', ns, 'named', '-g', '-4', '-c', join(dir, 'named.conf')], { stdio: 'ignore' });
  children.push(named);
  for (let i = 0; i < 200 && !dig('ns.example.test'); i++) await sleep(100);
  assert.equal(dig('ns.example.test'), '127.0.0.1', 'named did not start');
});

after(async () => {
  for (const c of children.reverse()) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }
  }
  try {
    run('ip', 'netns', 'del', ns);
  } finally {
    tmp.cleanup();
  }
});

test('ddnsd run with an interface detector → the interface gets a new address → record updated on BIND without waiting for the schedule', async (t) => {
  const file = writeConfig(tmp.dir, {
    schedule: '0 0 1 1 *',
    state: join(tmp.dir, 'state.json'),
    log: { level: 'debug' },
    detect: { ipv4: [{ type: 'interface', interface: 'wan0', accept: 'any' }] },
    providers: { bind: { type: 'rfc2136', server: `127.0.0.1:${port}`, zone: 'example.test', key_file: join(tmp.dir, 'ddns-key.key') } },
    records: [{ name: 'home.example.test', provider: 'bind', ttl: 60 }],
  });
  const daemon = spawn('ip', ['netns', 'exec', ns, process.execPath, CLI, 'run', '--config', file], {
    env: { PATH: process.env['PATH'] },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(daemon);
  let log = '';
  daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));

  for (let i = 0; i < 300 && dig('home.example.test') !== '198.51.100.1'; i++) await sleep(50);
  assert.equal(dig('home.example.test'), '198.51.100.1', log);
  for (let i = 0; i < 100 && !/watching address changes: ipv4 on wan0/.test(log); i++) await sleep(50);
  await sleep(500); // let `ip monitor` subscribe

  run('ip', '-n', ns, 'addr', 'del', '198.51.100.1/24', 'dev', 'wan0');
  const t0 = Date.now();
  run('ip', '-n', ns, 'addr', 'add', '198.51.100.2/24', 'dev', 'wan0');
  let answer = '';
  for (let i = 0; i < 400 && answer !== '198.51.100.2'; i++) {
    answer = dig('home.example.test');
    if (answer !== '198.51.100.2') await sleep(20);
  }
  const ms = Date.now() - t0;
  assert.equal(answer, '198.51.100.2', log);
  t.diagnostic(`ip addr add → record updated on BIND: ${ms} ms`);
  for (let i = 0; i < 100 && !/home\.example\.test A 198\.51\.100\.2: updated/.test(log); i++) await sleep(50);
  assert.match(log, /cycle started \(address change on wan0\)/);
  assert.match(log, /home\.example\.test A 198\.51\.100\.2: updated/);

  daemon.kill('SIGTERM');
  const code = await new Promise((r) => daemon.once('exit', r));
  assert.equal(code, 0, log);
});
