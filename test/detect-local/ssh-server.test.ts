// ssh against a real OpenSSH server started by this test on loopback, with throwaway host and
// user keys; the client files live in a directory whose name has a space and a % in it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import detector from '../../src/detect/ssh.js';
import { checkAccept } from '../../src/detect/address.js';
import { settings, testContext } from './support.js';
import { startSshd, type Sshd } from './sshd.js';

let sshd: Sshd;
let clientDir: string;
const ctx = testContext({ PATH: process.env.PATH, HOME: process.env.HOME });

before(async () => {
  clientDir = mkdtempSync(join(tmpdir(), 'ddnsd ssh client %h '));
  sshd = await startSshd(clientDir);
});

after(async () => {
  await sshd?.stop();
  rmSync(clientDir, { recursive: true, force: true });
});

const remote = (host: string, extra: Record<string, unknown> = {}, timeout = 20_000) =>
  settings('ssh', { host, port: sshd.port, identity: sshd.identity, known_hosts: sshd.knownHosts, ...extra }, { timeout });

test('real sshd on 127.0.0.1 → detect IPv4 → 127.0.0.1, which accept: public then refuses', async () => {
  const got = await detector.detect(remote('root@127.0.0.1'), 'ipv4', ctx);
  assert.deepEqual(got, { ok: true, address: '127.0.0.1' });
  assert.deepEqual(checkAccept('127.0.0.1', 'public'), {
    ok: false,
    reason: '127.0.0.1 is a loopback address; refused under accept: public',
  });
});

test('real sshd on ::1 → detect IPv6 → ::1', async () => {
  assert.deepEqual(await detector.detect(remote('root@::1'), 'ipv6', ctx), { ok: true, address: '::1' });
});

test('a key the server does not accept → detect → unavailable: Permission denied', async () => {
  const got = await detector.detect(remote('root@127.0.0.1', { identity: sshd.strangerIdentity }), 'ipv4', ctx);
  assert.equal(got.ok, false);
  assert.match(!got.ok ? got.reason : '', /^ssh root@127\.0\.0\.1 failed: .*Permission denied \(publickey\)/);
});

test('a server whose host key is not in known_hosts → detect → unavailable: Host key verification failed', async () => {
  const empty = join(clientDir, 'empty_known_hosts');
  writeFileSync(empty, '');
  const got = await detector.detect(remote('root@127.0.0.1', { known_hosts: empty }), 'ipv4', ctx);
  assert.equal(got.ok, false);
  assert.match(!got.ok ? got.reason : '', /^ssh root@127\.0\.0\.1 failed: Host key verification failed\./);
});

test('a server that accepts but never speaks → detect with a 1.5 s timeout → unavailable, ssh killed', async () => {
  const sockets: Socket[] = [];
  const mute: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve, reject) => {
    mute.once('error', reject);
    mute.listen(0, '127.0.0.1', resolve);
  });
  const port = (mute.address() as AddressInfo).port;
  try {
    const started = Date.now();
    const got = await detector.detect(remote('root@127.0.0.1', { port }, 1500), 'ipv4', ctx);
    assert.equal(got.ok, false);
    assert.match(!got.ok ? got.reason : '', /^ssh root@127\.0\.0\.1 (did not answer within 1500 ms|failed: .*[Tt]imed out)/);
    assert.ok(Date.now() - started < 15_000);
  } finally {
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => mute.close(r));
  }
});
