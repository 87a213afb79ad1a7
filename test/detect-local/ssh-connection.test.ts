// ssh without a real server: SSH_CONNECTION from ddnsd's own environment, strict parsing of the
// value, and the argv handed to the system ssh (faked through the deps seam).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSshDetector, parseSshConnection, sshArgv, sshConfigPath } from '../../src/detect/ssh.js';
import { checkAccept } from '../../src/detect/address.js';
import type { RunFn, RunOptions, RunResult } from '../../src/detect/process.js';
import { settings, testContext } from './support.js';
import { detectorTypes } from '../../src/detect/index.js';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';

const local = createSshDetector({
  run: () => Promise.reject(new Error('no ssh without host')),
  ssh: ['ssh'],
});

test('SSH_CONNECTION of our own session → detect IPv4 → the first field', async () => {
  const ctx = testContext({ SSH_CONNECTION: '81.2.69.160 51234 198.51.100.2 22' });
  assert.deepEqual(await local.detect(settings('ssh', {}), 'ipv4', ctx), { ok: true, address: '81.2.69.160' });
});

test('SSH_CONNECTION over IPv6 → detect IPv6 → the first field in RFC 5952 form', async () => {
  const ctx = testContext({ SSH_CONNECTION: '2A01:4F8:0:0::0:9 51234 2001:db8::2 22' });
  assert.deepEqual(await local.detect(settings('ssh', {}), 'ipv6', ctx), { ok: true, address: '2a01:4f8::9' });
});

test('SSH_CONNECTION over IPv4, IPv6 asked → detect → unavailable, says it is not IPv6', async () => {
  const ctx = testContext({ SSH_CONNECTION: '81.2.69.160 51234 198.51.100.2 22' });
  assert.deepEqual(await local.detect(settings('ssh', {}), 'ipv6', ctx), {
    ok: false,
    reason: "SSH_CONNECTION's client field: 81.2.69.160 is not an IPv6 address",
  });
});

test('no SSH_CONNECTION → detect → unavailable, says to set host', async () => {
  const got = await local.detect(settings('ssh', {}), 'ipv4', testContext({}));
  assert.equal(got.ok, false);
  assert.match(!got.ok ? got.reason : '', /^SSH_CONNECTION is not set: .*set host/);
});

test('port or identity without host → ddnsd check → config error naming the keys, exit 2', async () => {
  const t = tempDir();
  try {
    const config = writeConfig(t.dir, {
      state: `${t.dir}/state.json`,
      detect: { ipv4: [{ type: 'ssh', port: 2222, identity: '/k' }] },
      providers: { p: { type: 'dyndns2', server: 'http://127.0.0.1:9', username: 'u', password: 'p' } },
      records: [{ name: 'home.example.com', provider: 'p' }],
    });
    const r = await runCli(['check', '-c', config]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /detect\.ipv4\[0\]: port, identity need host: set host \(user@server\) to ask an ssh server, or remove them to read SSH_CONNECTION/);
  } finally {
    t.cleanup();
  }
});

test('known_hosts alone without host → validate → names it; with host → fine', () => {
  const validate = detectorTypes['ssh']!.validate!;
  assert.match(validate({ known_hosts: '/k' })!, /^known_hosts needs host: /);
  assert.equal(validate({ host: 'me@server', port: 22, known_hosts: '/k' }), null);
  assert.equal(validate({}), null);
});

const malformed: [string, RegExp][] = [
  ['81.2.69.160 51234 22', /has 3 fields, expected 4/],
  ['81.2.69.160 51234 198.51.100.2 22 extra', /has 5 fields, expected 4/],
  ['client.example.net 51234 198.51.100.2 22', /client field: not an IP address: "client.example.net"/],
  ['UNKNOWN 65535 UNKNOWN 65535', /client field: not an IP address: "UNKNOWN"/],
  ['fe80::1%eth0 51234 fe80::2%eth0 22', /zone-scoped address "fe80::1%eth0"/],
  ['81.2.69.160 port 198.51.100.2 22', /port that is not a number/],
  ['81.2.69.160 51234 198.51.100.2 70000', /port that is not a number/],
  ['081.2.69.160 51234 198.51.100.2 22', /client field: not an IP address/],
  ['81.2.69.160 51234 server 22', /server field is not an address/],
];
for (const [value, reason] of malformed) {
  test(`malformed SSH_CONNECTION ${JSON.stringify(value)} → parse → unavailable with the reason`, () => {
    const family = value.startsWith('fe80') ? 'ipv6' : 'ipv4';
    const got = parseSshConnection(value, family);
    assert.equal(got.ok, false);
    assert.match(!got.ok ? got.reason : '', reason);
  });
}

test('a private client address → detect, then accept: public → refused as private', async () => {
  const ctx = testContext({ SSH_CONNECTION: '192.168.1.20 51234 192.168.1.1 22' });
  const got = await local.detect(settings('ssh', {}, { accept: 'public' }), 'ipv4', ctx);
  assert.deepEqual(got, { ok: true, address: '192.168.1.20' });
  assert.deepEqual(checkAccept('192.168.1.20', 'public'), {
    ok: false,
    reason: '192.168.1.20 is a private (RFC 1918) address; refused under accept: public',
  });
});

test('host with port, identity and known_hosts → argv → no shell, options first, -- before the destination', () => {
  const argv = sshArgv(
    ['ssh'],
    { host: 'ddns@gw.example.net', port: 2222, identity: '/etc/ddnsd/id', known_hosts: '/etc/ddnsd/kh', timeout: 4500 },
    'ipv6',
  );
  assert.deepEqual(argv, [
    'ssh', '-6', '-T', '-x', '-a',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    '-p', '2222',
    '-o', 'IdentityFile="/etc/ddnsd/id"', '-o', 'IdentitiesOnly=yes',
    '-o', 'UserKnownHostsFile="/etc/ddnsd/kh"',
    '--', 'ddns@gw.example.net', 'echo "$SSH_CONNECTION"',
  ]);
});

test('a path with spaces, quotes and % → ssh config value → quoted and escaped', () => {
  assert.equal(sshConfigPath('/srv/my keys/%h "x"\\y'), '"/srv/my keys/%%h \\"x\\"\\\\y"');
});

/** A fake ssh returning a fixed result, recording what it was asked. */
function fakeSsh(result: Partial<RunResult>): { run: RunFn; seen: { argv: readonly string[]; opts: RunOptions }[] } {
  const seen: { argv: readonly string[]; opts: RunOptions }[] = [];
  return {
    seen,
    run: async (argv, opts) => {
      seen.push({ argv, opts });
      return { code: 0, stdout: '', stderr: '', timedOut: false, overflow: false, ...result };
    },
  };
}

const remote = (r: Partial<RunResult>) => {
  const f = fakeSsh(r);
  return { f, d: createSshDetector({ run: f.run, ssh: ['ssh'] }) };
};
const withHost = settings('ssh', { host: 'me@gw.example.net' }, { timeout: 3000 });

test('remote prints its SSH_CONNECTION → detect → first field; output bounded, timeout passed on', async () => {
  const { f, d } = remote({ stdout: '81.2.69.160 40022 198.51.100.2 22\n' });
  assert.deepEqual(await d.detect(withHost, 'ipv4', testContext()), { ok: true, address: '81.2.69.160' });
  assert.equal(f.seen[0]!.opts.timeoutMs, 3000);
  assert.equal(f.seen[0]!.opts.maxBytes, 4096);
});

test('ssh fails (exit 255) → detect → unavailable with ssh\'s last stderr line', async () => {
  const { d } = remote({ code: 255, stderr: 'Warning: something\nme@gw.example.net: Permission denied (publickey).\n' });
  assert.deepEqual(await d.detect(withHost, 'ipv4', testContext()), {
    ok: false,
    reason: 'ssh me@gw.example.net failed: me@gw.example.net: Permission denied (publickey).',
  });
});

test('remote prints a banner line too → detect → unavailable, not guessed', async () => {
  const { d } = remote({ stdout: 'Welcome!\n81.2.69.160 40022 198.51.100.2 22\n' });
  const got = await d.detect(withHost, 'ipv4', testContext());
  assert.equal(got.ok, false);
  assert.match(!got.ok ? got.reason : '', /more than one line/);
});

test('remote SSH_CONNECTION empty, ssh timing out or missing → detect → unavailable with each reason', async () => {
  const cases: [Partial<RunResult>, RegExp][] = [
    [{ stdout: '\n' }, /the remote SSH_CONNECTION is empty/],
    [{ code: null, timedOut: true }, /did not answer within 3000 ms/],
    [{ code: null, error: 'ssh: not found' }, /^cannot run ssh: ssh: not found$/],
    [{ code: null, overflow: true }, /printed more than 4096 bytes/],
  ];
  for (const [result, reason] of cases) {
    const got = await remote(result).d.detect(withHost, 'ipv4', testContext());
    assert.equal(got.ok, false);
    assert.match(!got.ok ? got.reason : '', reason);
  }
});
