// The address watcher against the real kernel: `ip -o monitor address` inside a network
// namespace this test creates (and deletes), so nothing on the host changes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { matters, parseMonitorLine, watchAddresses, watchedInterfaces } from '../../src/watch.js';
import { recordingLogger } from './fakes.js';

const ns = `ddnsd-watch-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const monitor = ['ip', 'netns', 'exec', ns, 'ip', '-o', 'monitor', 'address'];

before(() => {
  ip('netns', 'add', ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
});
after(() => ip('netns', 'del', ns));

async function waitFor(cond: () => boolean, ms: number) {
  for (let waited = 0; waited < ms && !cond(); waited += 20) await sleep(20);
  return cond();
}

test('ip monitor lines → parsed → interface, family, deletion, usable (global and settled) or not', () => {
  const ev = (line: string) => {
    const e = parseMonitorLine(line);
    return e && { iface: e.iface, family: e.family, deleted: e.deleted, usable: e.usable };
  };
  assert.deepEqual(ev('2: eth0    inet 203.0.113.7/24 brd 203.0.113.255 scope global eth0\\       valid_lft forever'), { iface: 'eth0', family: 'ipv4', deleted: false, usable: true });
  assert.deepEqual(ev('Deleted 3: ppp0    inet6 2001:db8::5/64 scope global \\       valid_lft 86400sec'), { iface: 'ppp0', family: 'ipv6', deleted: true, usable: true });
  assert.deepEqual(ev('7: veth-lan@if6    inet 10.0.0.2/24 scope global veth-lan'), { iface: 'veth-lan', family: 'ipv4', deleted: false, usable: true });
  assert.equal(ev('3: wan0    inet6 fe80::74f8:afff:fe52:485a/64 scope link  valid_lft forever')?.usable, false);
  assert.equal(ev('3: wan0    inet6 2001:db8::9/64 scope global tentative \\       valid_lft forever')?.usable, false);
  assert.equal(ev('1: lo    inet 127.0.0.1/8 scope host lo')?.usable, false);
  assert.equal(ev('       valid_lft forever preferred_lft forever'), null);
});

test('interface detectors in the config → watched → per family: names, any (default route), or nothing', () => {
  const iface = (name?: string) => (name ? { type: 'interface', interface: name } : { type: 'interface' });
  assert.deepEqual(watchedInterfaces({ ipv4: [iface('eth0'), { type: 'http' }, iface('ppp0')], ipv6: [] }), { ipv4: new Set(['eth0', 'ppp0']) });
  assert.deepEqual(watchedInterfaces({ ipv4: [iface('eth0'), iface()], ipv6: [iface('eth1')] }), { ipv4: 'any', ipv6: new Set(['eth1']) });
  assert.equal(watchedInterfaces({ ipv4: [{ type: 'http' }], ipv6: [{ type: 'static' }] }), null);
});

test('address events → matters? → only usable addresses of a watched family on a watched interface', () => {
  const e = parseMonitorLine('2: eth0    inet 203.0.113.7/24 scope global eth0')!;
  assert.equal(matters(e, { ipv4: new Set(['eth0']) }), true);
  assert.equal(matters(e, { ipv4: 'any' }), true);
  assert.equal(matters(e, { ipv4: new Set(['ppp0']) }), false);
  assert.equal(matters(e, { ipv6: 'any' }), false);
  assert.equal(matters(parseMonitorLine('2: eth0    inet6 fe80::1/64 scope link')!, { ipv6: 'any' }), false);
});

test('address added in a namespace → watcher on lo → onChange with lo; other interfaces filtered', async () => {
  const { log, lines } = recordingLogger();
  const seen: string[] = [];
  const seenOther: string[] = [];
  const w = watchAddresses({ watched: { ipv4: new Set(['lo']) }, onChange: (e) => seen.push(e.iface), log, command: monitor });
  const other = watchAddresses({ watched: { ipv4: new Set(['eth9']) }, onChange: (e) => seenOther.push(e.iface), log, command: monitor });
  try {
    await sleep(500); // let both monitors subscribe
    ip('-n', ns, 'addr', 'add', '198.51.100.42/32', 'dev', 'lo');
    assert.ok(await waitFor(() => seen.length > 0, 5000), 'no event');
    assert.equal(seen[0], 'lo');
    ip('-n', ns, 'addr', 'del', '198.51.100.42/32', 'dev', 'lo');
    assert.ok(await waitFor(() => seen.length > 1, 5000), 'no event for the deletion');
    assert.deepEqual(seenOther, []);
    assert.deepEqual(lines, []);
  } finally {
    w.stop();
    other.stop();
  }
});

test('the monitor program is missing → watcher starts → warning names the fix, no crash, no retries', async () => {
  const { log, lines } = recordingLogger();
  const w = watchAddresses({ watched: { ipv4: 'any' }, onChange: () => {}, log, command: ['/nonexistent/ip', 'monitor'], restartMs: 10 });
  await waitFor(() => lines.length > 0, 5000);
  await sleep(100);
  w.stop();
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^warn address events off — could not run "\/nonexistent\/ip monitor" .*install iproute2.*cycles still run per schedule/);
});

test('the monitor exits → watcher → restarts it after the pause and logs why', async () => {
  const { log, lines } = recordingLogger();
  const w = watchAddresses({ watched: { ipv4: 'any' }, onChange: () => {}, log, command: ['sh', '-c', 'exit 7'], restartMs: 50 });
  try {
    assert.ok(await waitFor(() => lines.length >= 2, 5000));
    assert.match(lines[0]!, /^warn address events paused — "sh -c exit 7" exited \(code 7\); restarting it/);
  } finally {
    w.stop();
  }
});
