// interface against the real kernel: a network namespace made by this test, with addresses the
// kernel itself flags — a temporary (privacy) address it generates from a mngtmpaddr one, a
// deprecated, a tentative and a dadfailed one — and two links, one holding the default routes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterfaceDetector, type AddrInfo } from '../../src/detect/interface.js';
import { runProcess } from '../../src/detect/process.js';
import { checkAccept } from '../../src/detect/address.js';
import { settings, sh, testContext, uniq } from './support.js';

const NS = uniq('ddl-if-');
const EMPTY = uniq('ddl-if0-');
const ip = (...args: string[]) => sh(['ip', '-n', NS, ...args]);
const sysctl = (kv: string) => sh(['ip', 'netns', 'exec', NS, 'sysctl', '-q', '-w', kv]);
const detector = createInterfaceDetector({ run: runProcess, ip: ['ip', '-n', NS] });
const ctx = testContext();

function addrInfo(dev: string): AddrInfo[] {
  const links = JSON.parse(ip('-j', 'addr', 'show', 'dev', dev)) as { addr_info: AddrInfo[] }[];
  return links.flatMap((l) => l.addr_info);
}

before(async () => {
  sh(['ip', 'netns', 'add', NS]);
  sh(['ip', 'netns', 'add', EMPTY]);
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'lan0p');
  ip('link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'wan0p');
  sysctl('net.ipv6.conf.lan0.use_tempaddr=2'); // privacy addresses, as on a desktop
  sysctl('net.ipv6.conf.lan0.dad_transmits=200'); // DAD lasts minutes: a tentative address stays so
  for (const dev of ['lan0', 'lan0p', 'wan0', 'wan0p']) ip('link', 'set', dev, 'up');

  // lan0: the addresses a careful admin must pass over, plus one stable public and one ULA.
  ip('addr', 'add', '2a0f:ddd5:1::1/64', 'dev', 'lan0', 'nodad', 'preferred_lft', '0'); // deprecated
  ip('addr', 'add', '2a0f:ddd5:1::2/64', 'dev', 'lan0p', 'nodad'); // the duplicate on the peer...
  ip('addr', 'add', '2a0f:ddd5:1::2/64', 'dev', 'lan0'); // ...makes this one fail DAD
  ip('addr', 'add', '2a0f:ddd5:1::3/64', 'dev', 'lan0'); // tentative for minutes
  ip('addr', 'add', 'fd00:1::1/64', 'dev', 'lan0', 'nodad'); // ULA, stable
  // SLAAC-style: the kernel derives a temporary address from a mngtmpaddr one.
  ip('addr', 'add', '2a0f:ddd5:1::50/64', 'dev', 'lan0', 'mngtmpaddr', 'nodad', 'valid_lft', '7200', 'preferred_lft', '3600');
  ip('addr', 'add', '192.168.7.2/24', 'dev', 'lan0');
  ip('addr', 'add', '81.2.70.5/24', 'dev', 'lan0');

  // wan0 holds the default routes; two stable addresses, added highest first.
  ip('addr', 'add', '2a0f:ddd5:2::9/64', 'dev', 'wan0', 'nodad');
  ip('addr', 'add', '2a0f:ddd5:2::4/64', 'dev', 'wan0', 'nodad');
  ip('addr', 'add', '81.2.69.160/24', 'dev', 'wan0');
  ip('route', 'add', 'default', 'via', '81.2.69.1', 'dev', 'wan0');
  ip('-6', 'route', 'add', 'default', 'via', '2a0f:ddd5:2::1', 'dev', 'wan0');

  // Wait for the kernel's DAD verdict on ::2 (the first probe goes out within about a second).
  for (let i = 0; i < 100 && !addrInfo('lan0').some((a) => a.local === '2a0f:ddd5:1::2' && a.dadfailed); i++) {
    await sleep(100);
  }
});

after(() => {
  for (const ns of [NS, EMPTY]) {
    try {
      sh(['ip', 'netns', 'del', ns]);
    } catch {
      // not created
    }
  }
});

test('the namespace really holds kernel-flagged temporary, deprecated, tentative and dadfailed addresses', () => {
  const infos = addrInfo('lan0');
  const temporary = infos.filter((a) => a.temporary);
  assert.equal(temporary.length, 1, 'the kernel made one privacy address from the mngtmpaddr one');
  assert.match(temporary[0]!.local ?? '', /^2a0f:ddd5:1:0:/);
  assert.equal(infos.find((a) => a.local === '2a0f:ddd5:1::1')?.deprecated, true);
  assert.equal(infos.find((a) => a.local === '2a0f:ddd5:1::2')?.dadfailed, true);
  assert.equal(infos.find((a) => a.local === '2a0f:ddd5:1::3')?.tentative, true);
});

test('lan0 with privacy, deprecated, tentative, dadfailed, ULA and a mngtmpaddr address → detect IPv6 → the mngtmpaddr one', async () => {
  const got = await detector.detect(settings('interface', { interface: 'lan0' }), 'ipv6', ctx);
  assert.deepEqual(got, { ok: true, address: '2a0f:ddd5:1::50' });
});

test('lan0 with a private and a public IPv4 → detect IPv4 → the public one', async () => {
  const got = await detector.detect(settings('interface', { interface: 'lan0' }), 'ipv4', ctx);
  assert.deepEqual(got, { ok: true, address: '81.2.70.5' });
});

test('no interface key → detect both families → the default-route link wan0; lowest of two stable IPv6', async () => {
  const s = settings('interface', {});
  assert.deepEqual(await detector.detect(s, 'ipv4', ctx), { ok: true, address: '81.2.69.160' });
  assert.deepEqual(await detector.detect(s, 'ipv6', ctx), { ok: true, address: '2a0f:ddd5:2::4' });
});

test('an interface that does not exist → detect → unavailable naming it', async () => {
  const got = await detector.detect(settings('interface', { interface: 'eth9' }), 'ipv6', ctx);
  assert.deepEqual(got, { ok: false, reason: 'interface eth9 does not exist' });
});

test('a namespace without routes → detect without interface key → unavailable, says to set interface', async () => {
  const bare = createInterfaceDetector({ run: runProcess, ip: ['ip', '-n', EMPTY] });
  const got = await bare.detect(settings('interface', {}), 'ipv6', ctx);
  assert.deepEqual(got, { ok: false, reason: 'no default IPv6 route on this box; name the interface with the interface key' });
});

test('only loopback addresses → detect IPv6 on lo → ::1, which accept: public later refuses', async () => {
  const got = await detector.detect(settings('interface', { interface: 'lo' }), 'ipv6', ctx);
  assert.deepEqual(got, { ok: true, address: '::1' });
  assert.deepEqual(checkAccept('::1', 'public'), { ok: false, reason: '::1 is a loopback address; refused under accept: public' });
});
