// The registry entries of interface, ssh and command: what a config may say, and the config
// errors for what it may not (a shell string for command above all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { detectorTypes } from '../../src/detect/index.js';

const check = (type: string, settings: Record<string, unknown>) => v.safeParse(v.strictObject(detectorTypes[type]!.entries), settings);
const message = (r: ReturnType<typeof check>) => (r.success ? '(valid)' : r.issues.map((i) => i.message).join('; '));

test('command as a shell string → validate → config error saying argv list, no shell', () => {
  const r = check('command', { command: '/usr/local/bin/myip --v4' });
  assert.match(message(r), /expected an argv list .* not a shell string/);
});

test('command as an argv list → validate → accepted; empty list or empty program → error', () => {
  assert.equal(check('command', { command: ['/usr/local/bin/myip', '--v4'] }).success, true);
  assert.match(message(check('command', { command: [] })), /at least the program/);
  assert.match(message(check('command', { command: [''] })), /must not be empty/);
});

test('ssh settings → validate → port as number or digits; host never an option; paths listed', () => {
  const ok = check('ssh', { host: 'me@gw.example.net', port: '2222', identity: '/k', known_hosts: '/kh' });
  assert.equal(ok.success, true);
  assert.equal(ok.success && ok.output.port, 2222);
  assert.equal(check('ssh', {}).success, true);
  assert.match(message(check('ssh', { host: '-oProxyCommand=touch /tmp/x' })), /not starting with -/);
  assert.match(message(check('ssh', { host: 'me@gw', port: 70000 })), /from 1 to 65535/);
  assert.deepEqual(detectorTypes.ssh!.paths, ['identity', 'known_hosts']);
});

test('interface settings → validate → optional; names that ip would take as options or paths refused', () => {
  assert.equal(check('interface', {}).success, true);
  assert.equal(check('interface', { interface: 'enp3s0' }).success, true);
  assert.match(message(check('interface', { interface: '-j' })), /interface name/);
  assert.match(message(check('interface', { interface: 'a-very-long-interface' })), /interface name/);
  assert.match(message(check('interface', { interface: 'eth 0' })), /interface name/);
});

test('a misspelt key → validate → error', () => {
  assert.equal(check('interface', { iface: 'eth0' }).success, false);
});
