// command: real child processes from small scripts in a temp dir — one address wins; anything
// else (exit status, timeout, flood, two addresses) is unavailable with the reason.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import detector from '../../src/detect/command.js';
import { settings, testContext } from './support.js';

let dir: string;
const script = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};
const ctx = testContext();
const run = (command: string[], family: 'ipv4' | 'ipv6' = 'ipv4', timeout = 10_000) =>
  detector.detect(settings('command', { command }, { timeout }), family, ctx);
const reasonOf = (p: { ok: boolean; reason?: string }) => (p.ok ? '(ok)' : (p.reason ?? ''));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddnsd-cmd-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a script printing one address → detect → that address', async () => {
  const s = script('myip', 'echo 81.2.69.160');
  assert.deepEqual(await run([s]), { ok: true, address: '81.2.69.160' });
});

test('arguments and DDNSD_FAMILY → detect IPv6 → the script sees both, literally', async () => {
  const s = script('echoargs', '[ "$1" = \'$(reboot) *\' ] && [ "$DDNSD_FAMILY" = ipv6 ] && echo 2A01:4F8::0:1');
  assert.deepEqual(await run([s, '$(reboot) *'], 'ipv6'), { ok: true, address: '2a01:4f8::1' });
});

test('a non-zero exit → detect → unavailable with the status and last stderr line', async () => {
  const s = script('fails', 'echo 81.2.69.160; echo "router unreachable" >&2; exit 3');
  assert.equal(reasonOf(await run([s])), `${s} exited with status 3: router unreachable`);
});

test('a script outliving the timeout → detect → killed, unavailable', async () => {
  const s = script('slow', 'sleep 30; echo 81.2.69.160');
  const started = Date.now();
  assert.equal(reasonOf(await run([s], 'ipv4', 500)), `${s} did not finish within 500 ms and was killed`);
  assert.ok(Date.now() - started < 15_000);
});

test('more than 100 KiB of output → detect → killed, unavailable', async () => {
  const s = script('flood', 'yes 81.2.69.160');
  assert.equal(reasonOf(await run([s])), `${s} printed more than 100 KiB and was killed`);
});

test('two addresses, a name, the wrong family, nothing → detect → unavailable, nothing guessed', async () => {
  const cases: [string, RegExp][] = [
    ['echo 81.2.69.160; echo 81.2.69.161', /has 2 lines, expected one address/],
    ['echo "my ip is 81.2.69.160"', /not an IP address/],
    ['echo 2a01:4f8::1', /is not an IPv4 address/],
    ['true', /the answer is empty/],
  ];
  for (const [i, [body, reason]] of cases.entries()) {
    const s = script(`bad${i}`, body);
    assert.match(reasonOf(await run([s])), reason);
  }
});

test('a program that does not exist → detect → unavailable: not found', async () => {
  assert.equal(reasonOf(await run(['/nonexistent/myip'])), 'cannot run /nonexistent/myip: /nonexistent/myip: not found');
});

test('arguments carrying a token → describe → only the program and the argument count', () => {
  const s = settings('command', { command: ['/usr/local/bin/myip', '--token', 'canary-7f3a'] });
  assert.equal(detector.describe(s), 'command /usr/local/bin/myip (+2 args)');
});
