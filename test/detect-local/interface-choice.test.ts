// interface: which address is chosen from the kernel's flags, and what is said when none is
// usable — with iproute2 faked through the deps seam (the netns test runs the real thing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseAddress, createInterfaceDetector, defaultRouteDevice, type AddrInfo } from '../../src/detect/interface.js';
import type { RunFn, RunResult } from '../../src/detect/process.js';
import { settings, testContext } from './support.js';

const v6 = (local: string, flags: Partial<AddrInfo> = {}): AddrInfo => ({
  family: 'inet6',
  local,
  scope: 'global',
  valid_life_time: 4294967295,
  ...flags,
});
const v4 = (local: string, flags: Partial<AddrInfo> = {}): AddrInfo => ({ family: 'inet', local, scope: 'global', ...flags });

test('privacy, deprecated, tentative, dadfailed and a stable address → choose → the stable one', () => {
  const got = chooseAddress(
    [
      v6('2a01:4f8:1::9a3b:11ff:2c4d:1', { temporary: true, dynamic: true, valid_life_time: 600 }),
      v6('2a01:4f8:1::1', { deprecated: true }),
      v6('2a01:4f8:1::2', { tentative: true }),
      v6('2a01:4f8:1::3', { dadfailed: true, tentative: true }),
      v6('2a01:4f8:1::50', { mngtmpaddr: true, dynamic: true, valid_life_time: 7200 }),
      v6('fe80::1', { scope: 'link' }),
    ],
    'ipv6',
    'eth0',
  );
  assert.deepEqual(got, { ok: true, address: '2a01:4f8:1::50' });
});

test('a dynamic non-EUI-64 address and an EUI-64 one → choose → the EUI-64 (stable) one', () => {
  const got = chooseAddress(
    [
      v6('2a01:4f8:1::1', { dynamic: true, valid_life_time: 3600 }),
      v6('2a01:4f8:1:0:211:22ff:fe33:4455', { dynamic: true, valid_life_time: 3600 }),
    ],
    'ipv6',
    'eth0',
  );
  assert.deepEqual(got, { ok: true, address: '2a01:4f8:1:0:211:22ff:fe33:4455' });
});

test('several stable addresses in any order → choose → always the lowest', () => {
  const a = [v6('2a01:4f8:1::20'), v6('2a01:4f8:1::3'), v6('2a01:4f8:2::1')];
  for (const order of [a, [...a].reverse(), [a[1]!, a[2]!, a[0]!]]) {
    assert.deepEqual(chooseAddress(order, 'ipv6', 'eth0'), { ok: true, address: '2a01:4f8:1::3' });
  }
});

test('a stable ULA and a dynamic public address → choose → the public one', () => {
  const got = chooseAddress([v6('fd00::1'), v6('2a01:4f8:1::7', { dynamic: true, valid_life_time: 300 })], 'ipv6', 'eth0');
  assert.deepEqual(got, { ok: true, address: '2a01:4f8:1::7' });
});

test('only a ULA → choose → the ULA (accept decides later)', () => {
  assert.deepEqual(chooseAddress([v6('fd00::1')], 'ipv6', 'eth0'), { ok: true, address: 'fd00::1' });
});

test('only unusable addresses → choose → unavailable naming each skipped address and why', () => {
  const got = chooseAddress(
    [v6('2a01:4f8:1::1', { temporary: true }), v6('2a01:4f8:1::2', { deprecated: true }), v6('fe80::1', { scope: 'link' })],
    'ipv6',
    'wan0',
  );
  assert.equal(got.ok, false);
  assert.match(
    !got.ok ? got.reason : '',
    /^interface wan0 has no usable IPv6 address \(skipped 2a01:4f8:1::1 \(temporary\), 2a01:4f8:1::2 \(deprecated\), fe80::1 \(link-local\)\)$/,
  );
});

test('IPv4: a private primary and a public secondary → choose → the public one', () => {
  const got = chooseAddress([v4('192.168.1.2'), v4('198.18.0.1'), v4('81.2.69.160', { secondary: true })], 'ipv4', 'eth0');
  assert.deepEqual(got, { ok: true, address: '81.2.69.160' });
});

test('IPv4: a public primary and a public secondary → choose → the primary', () => {
  const got = chooseAddress([v4('81.2.69.161', { secondary: true }), v4('81.2.69.160')], 'ipv4', 'eth0');
  assert.deepEqual(got, { ok: true, address: '81.2.69.160' });
});

test('IPv4 asked, only IPv6 present → choose → unavailable', () => {
  const got = chooseAddress([v6('2a01:4f8:1::1')], 'ipv4', 'eth0');
  assert.deepEqual(got, { ok: false, reason: 'interface eth0 has no usable IPv4 address' });
});

test('several default routes → pick device → lowest metric; multipath → first nexthop; unreachable ignored', () => {
  assert.equal(
    defaultRouteDevice([
      { dst: 'default', dev: 'wlan0', metric: 600 },
      { dst: 'default', dev: 'eth0', metric: 100 },
    ]),
    'eth0',
  );
  assert.equal(defaultRouteDevice([{ dst: 'default', nexthops: [{ dev: 'ppp0' }, { dev: 'eth1' }] }]), 'ppp0');
  assert.equal(defaultRouteDevice([{ dst: 'default', type: 'unreachable', dev: 'lo', metric: 1 }]), null);
  assert.equal(defaultRouteDevice([]), null);
});

/** A fake iproute2: answers by the argv it is given, records the calls. */
function fakeIp(answers: Record<string, Partial<RunResult>>): { run: RunFn; calls: string[][] } {
  const calls: string[][] = [];
  const run: RunFn = async (argv) => {
    calls.push([...argv]);
    const a = answers[argv.join(' ')];
    if (!a) throw new Error(`unexpected argv ${argv.join(' ')}`);
    return { code: 0, stdout: '', stderr: '', timedOut: false, overflow: false, ...a };
  };
  return { run, calls };
}

test('no interface key → detect → asks for the default route, then that device', async () => {
  const ip = fakeIp({
    'ip -j -6 route show default': { stdout: JSON.stringify([{ dst: 'default', gateway: 'fe80::1', dev: 'eth1', metric: 1024 }]) },
    'ip -j -6 addr show dev eth1': {
      stdout: JSON.stringify([{ ifname: 'eth1', addr_info: [v6('2a01:4f8:1::5', { temporary: true }), v6('2a01:4f8:1::6')] }]),
    },
  });
  const d = createInterfaceDetector({ run: ip.run, ip: ['ip'] });
  const got = await d.detect(settings('interface', {}), 'ipv6', testContext());
  assert.deepEqual(got, { ok: true, address: '2a01:4f8:1::6' });
  assert.equal(ip.calls.length, 2);
});

test('no default route → detect → unavailable, says to set interface', async () => {
  const ip = fakeIp({ 'ip -j -4 route show default': { stdout: '[]' } });
  const got = await createInterfaceDetector({ run: ip.run, ip: ['ip'] }).detect(settings('interface', {}), 'ipv4', testContext());
  assert.deepEqual(got, { ok: false, reason: 'no default IPv4 route on this box; name the interface with the interface key' });
});

test('unknown interface → detect → unavailable, names it', async () => {
  const ip = fakeIp({ 'ip -j -4 addr show dev eth9': { code: 1, stderr: 'Device "eth9" does not exist.\n' } });
  const d = createInterfaceDetector({ run: ip.run, ip: ['ip'] });
  const got = await d.detect(settings('interface', { interface: 'eth9' }), 'ipv4', testContext());
  assert.deepEqual(got, { ok: false, reason: 'interface eth9 does not exist' });
});

test('ip missing or printing garbage → detect → unavailable with the reason', async () => {
  const missing = fakeIp({ 'ip -j -4 addr show dev eth0': { code: null, error: 'ip: not found' } });
  const s = settings('interface', { interface: 'eth0' });
  const a = await createInterfaceDetector({ run: missing.run, ip: ['ip'] }).detect(s, 'ipv4', testContext());
  assert.deepEqual(a, { ok: false, reason: 'cannot run ip (iproute2): ip: not found' });
  const garbage = fakeIp({ 'ip -j -4 addr show dev eth0': { stdout: 'inet 1.2.3.4' } });
  const b = await createInterfaceDetector({ run: garbage.run, ip: ['ip'] }).detect(s, 'ipv4', testContext());
  assert.equal(b.ok, false);
  assert.match(!b.ok ? b.reason : '', /not JSON/);
});
