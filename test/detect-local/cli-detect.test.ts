// End to end: `node dist/cli.js detect --json -c CONFIG` with the interface (inside a network
// namespace this test creates), ssh (SSH_CONNECTION in the child's environment) and command
// detectors, and the config error for a command given as a shell string.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { sh, uniq } from './support.js';
import { startSshd } from './sshd.js';

const NS = uniq('ddl-cli-');
const tmp = tempDir('ddnsd-detect-local-');

interface Source {
  type: string;
  source: string;
  address?: string;
  reason?: string;
}
interface FamilyOut {
  address: string | null;
  sources: Source[];
}

function config(detect: object, families: { ipv4?: boolean; ipv6?: boolean } = { ipv4: true }): string {
  return writeConfig(tmp.dir, {
    state: join(tmp.dir, 'state.json'),
    detect,
    providers: { p: { type: 'dyndns2', server: 'http://127.0.0.1:9', username: 'u', password: 'never-sent' } },
    records: [{ name: 'home.example.com', provider: 'p', ipv4: families.ipv4 ?? false, ipv6: families.ipv6 ?? false }],
  }, `${uniq('config-')}.yml`);
}

const parse = (stdout: string) => JSON.parse(stdout) as Record<'ipv4' | 'ipv6', FamilyOut>;

before(() => {
  sh(['ip', 'netns', 'add', NS]);
  const ip = (...args: string[]) => sh(['ip', '-n', NS, ...args]);
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'wan0p');
  sh(['ip', 'netns', 'exec', NS, 'sysctl', '-q', '-w', 'net.ipv6.conf.wan0.use_tempaddr=2']);
  ip('link', 'set', 'wan0', 'up');
  ip('link', 'set', 'wan0p', 'up');
  ip('addr', 'add', '2a0f:ddd5:7::1/64', 'dev', 'wan0', 'nodad', 'preferred_lft', '0'); // deprecated
  ip('addr', 'add', '2a0f:ddd5:7::80/64', 'dev', 'wan0', 'mngtmpaddr', 'nodad', 'valid_lft', '7200', 'preferred_lft', '3600');
  ip('addr', 'add', '81.2.69.160/24', 'dev', 'wan0');
  ip('route', 'add', 'default', 'via', '81.2.69.1', 'dev', 'wan0');
  ip('-6', 'route', 'add', 'default', 'via', '2a0f:ddd5:7::fffe', 'dev', 'wan0');
});

after(() => {
  try {
    sh(['ip', 'netns', 'del', NS]);
  } finally {
    tmp.cleanup();
  }
});

test('interface detectors inside a netns with a privacy address → ddnsd detect --json → the stable addresses, exit 0', async () => {
  const cfg = config({ ipv4: [{ type: 'interface' }], ipv6: [{ type: 'interface', interface: 'wan0' }] }, { ipv4: true, ipv6: true });
  const temporary = JSON.parse(sh(['ip', '-n', NS, '-j', '-6', 'addr', 'show', 'dev', 'wan0']))[0].addr_info.filter(
    (a: { temporary?: boolean }) => a.temporary,
  );
  assert.equal(temporary.length, 1, 'the kernel made a privacy address the detector must pass over');
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'ip',
      ['netns', 'exec', NS, process.execPath, CLI, 'detect', '--json', '-c', cfg],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
  assert.equal(r.code, 0, r.stderr);
  const out = parse(r.stdout);
  assert.equal(out.ipv4.address, '81.2.69.160');
  assert.equal(out.ipv6.address, '2a0f:ddd5:7::80');
  assert.deepEqual(out.ipv6.sources, [{ type: 'interface', source: 'interface wan0', address: '2a0f:ddd5:7::80' }]);
});

test('SSH_CONNECTION with a private client → detect --json → refused under accept: public, taken with accept: any', async () => {
  const cfg = config({ ipv4: [{ type: 'ssh' }, { type: 'ssh', accept: 'any' }] });
  const r = await runCli(['detect', '--json', '-c', cfg], { env: { SSH_CONNECTION: '192.168.1.20 50122 192.168.1.1 22' } });
  assert.equal(r.code, 0, r.stderr);
  const out = parse(r.stdout);
  assert.equal(out.ipv4.address, '192.168.1.20');
  assert.match(out.ipv4.sources[0]!.reason ?? '', /192\.168\.1\.20 is a private .* accept: public/);
  assert.equal(out.ipv4.sources[1]!.address, '192.168.1.20');
});

test('SSH_CONNECTION with a zone-scoped IPv6 client → detect --json → unavailable with the reason, exit 1', async () => {
  const cfg = config({ ipv6: [{ type: 'ssh', accept: 'any' }] }, { ipv6: true });
  const r = await runCli(['detect', '--json', '-c', cfg], { env: { SSH_CONNECTION: 'fe80::1%eth0 50122 fe80::2%eth0 22' } });
  assert.equal(r.code, 1, r.stderr);
  const out = parse(r.stdout);
  assert.equal(out.ipv6.address, null);
  assert.match(out.ipv6.sources[0]!.reason ?? '', /zone-scoped address "fe80::1%eth0"/);
});

test('a failing command, then one printing an address → detect --json → the second wins, the first explained', async () => {
  const script = join(tmp.dir, 'myip');
  writeFileSync(script, '#!/bin/sh\n[ "$1" = --fail ] && { echo "no route to router" >&2; exit 2; }\necho 81.2.69.160\n');
  chmodSync(script, 0o755);
  const cfg = config({ ipv4: [{ type: 'command', command: [script, '--fail'] }, { type: 'command', command: [script] }] });
  const r = await runCli(['detect', '--json', '-c', cfg]);
  assert.equal(r.code, 0, r.stderr);
  const out = parse(r.stdout);
  assert.equal(out.ipv4.address, '81.2.69.160');
  assert.equal(out.ipv4.sources[0]!.reason, `${script} exited with status 2: no route to router`);
});

test('command given as a shell string → detect → config error naming the key, exit 2', async () => {
  const cfg = config({ ipv4: [{ type: 'command', command: '/usr/local/bin/myip --v4' }] });
  const r = await runCli(['detect', '--json', '-c', cfg]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /command/);
  assert.match(r.stderr, /argv list/);
});

test('ssh with host and key files relative to the config → detect --json → the address a real sshd saw', async () => {
  const clientDir = join(tmp.dir, 'client');
  mkdirSync(clientDir);
  const sshd = await startSshd(clientDir);
  try {
    const keys = join(tmp.dir, 'keys');
    mkdirSync(keys);
    copyFileSync(sshd.identity, join(keys, 'id'));
    chmodSync(join(keys, 'id'), 0o600);
    copyFileSync(sshd.knownHosts, join(keys, 'known_hosts'));
    const ssh = { type: 'ssh', host: 'root@127.0.0.1', port: sshd.port, identity: 'keys/id', known_hosts: 'keys/known_hosts', timeout: '20s' };
    const cfg = config({ ipv4: [ssh, { ...ssh, accept: 'any' }] });
    const r = await runCli(['detect', '--json', '-c', cfg]);
    assert.equal(r.code, 0, r.stderr);
    const out = parse(r.stdout);
    assert.match(out.ipv4.sources[0]!.reason ?? '', /127\.0\.0\.1 is a loopback address; refused under accept: public/);
    assert.equal(out.ipv4.address, '127.0.0.1');
  } finally {
    await sshd.stop();
  }
});
