// The network cable pulled: ddnsd runs in a network namespace made by this test that has only a
// loopback interface, so every server and echo service is unreachable (ENETUNREACH at once, the
// way a box without a default route sees it). Each detector and provider must say so in one line,
// back off, and keep the daemon running — never crash with a stack trace.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startDaemon, type DaemonChild } from '../daemon/child.js';
import { sh, uniq } from '../detect-local/support.js';

const NS = uniq('ddnsd-noroute-');
const tmp = tempDir('ddnsd-noroute-');
const TOKEN = 'cf-canary-token-0123456789abcdefghijklmnopqrstu';
const DUCK = 'a7c4d0ad-duck-canary-4e2b-8f1c-0123456789ab';
const SECRET = 'c2VjcmV0LWNhbmFyeS1zZWNyZXQ=';
const children: DaemonChild[] = [];

const config = {
  schedule: '0 0 1 1 *',
  state: join(tmp.dir, 'state.json'),
  detect: {
    ipv4: [
      { type: 'http', url: 'http://192.0.2.1/', timeout: '2s' },
      { type: 'dns', server: '192.0.2.1', name: 'whoami.example', timeout: '2s' },
      { type: 'upnp', timeout: '2s' },
    ],
    ipv6: [{ type: 'http', url: 'http://[2001:db8::1]/', timeout: '2s' }],
  },
  providers: {
    home: { type: 'rfc2136', server: '192.0.2.53:53', zone: 'example.com', key: { name: 'k', algorithm: 'hmac-sha256', secret: SECRET } },
    home6: { type: 'rfc2136', server: '[2001:db8::53]:53', zone: 'example.net', key: { name: 'k', algorithm: 'hmac-sha256', secret: SECRET } },
    dyn: { type: 'dyndns2', server: 'http://192.0.2.80', username: 'me', password: TOKEN, insecure: true },
    cf: { type: 'cloudflare', token: TOKEN, api: 'http://192.0.2.81/client/v4', insecure: true },
    duck: { type: 'duckdns', token: DUCK, server: 'http://192.0.2.82', insecure: true },
  },
  records: [
    { name: 'home.example.com', provider: 'home' },
    { name: 'home.example.net', provider: 'home6', ipv4: false, ipv6: true },
    { name: 'a.example.org', provider: 'dyn' },
    { name: 'b.example.org', provider: 'cf' },
    { name: 'myhome.duckdns.org', provider: 'duck' },
  ],
};
const file = writeConfig(tmp.dir, config);
const IPS = ['--ip', '8.8.4.4', '--ip', '2a00:1450::1'];

before(() => {
  sh(['ip', 'netns', 'add', NS]);
  sh(['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']);
});

after(() => {
  for (const c of children) c.kill('SIGKILL');
  try {
    sh(['ip', 'netns', 'del', NS]);
  } finally {
    tmp.cleanup();
  }
});

function assertClean(out: string) {
  assert.doesNotMatch(out, /\n\s+at |node:internal|Error \[ERR_/, 'no stack trace');
  for (const secret of [TOKEN, DUCK, SECRET]) assert.ok(!out.includes(secret), 'no secret printed');
}

test('no route → ddnsd detect → every source unavailable with the reason, exit 1', async () => {
  const r = await runCli(['detect', '-c', file], { netns: NS });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /http http:\/\/192\.0\.2\.1\/: unavailable — .*network unreachable/);
  assert.match(out, /dns whoami\.example @192\.0\.2\.1: unavailable — 192\.0\.2\.1:53 is unreachable over UDP \(ENETUNREACH\)/);
  assert.match(out, /upnp: unavailable — cannot send the SSDP search: .*ENETUNREACH/);
  assert.match(out, /http http:\/\/\[2001:db8::1\]\/: unavailable — .*network unreachable/);
  assertClean(out);
});

test('no route → --once with --ip → each record fails in one line naming its server, backoff persisted, exit 1; next run sends nothing', async () => {
  const r = await runCli(['--once', '-c', file, ...IPS], { netns: NS });
  const out = r.stdout + r.stderr;
  assert.equal(r.code, 1, out);
  assert.match(out, /home\.example\.com A 8\.8\.4\.4: not updated — 192\.0\.2\.53:53 is unreachable over UDP \(ENETUNREACH\); will retry after /);
  assert.match(out, /home\.example\.net AAAA 2a00:1450::1: not updated — \[2001:db8::53\]:53 is unreachable over UDP \(ENETUNREACH\); will retry after /);
  assert.match(out, /a\.example\.org A 8\.8\.4\.4: not updated — http:\/\/192\.0\.2\.80: network unreachable; will retry after /);
  assert.match(out, /b\.example\.org A 8\.8\.4\.4: not updated — Cloudflare: http:\/\/192\.0\.2\.81: network unreachable; will retry after /);
  assert.match(out, /myhome\.duckdns\.org A 8\.8\.4\.4: not updated — Duck DNS: http:\/\/192\.0\.2\.82: network unreachable; will retry after /);
  assertClean(out);

  const status = await runCli(['status', '--json', '-c', file]);
  const rows = JSON.parse(status.stdout) as { name: string; result: string; next_attempt: string | null }[];
  assert.equal(rows.length, 5);
  for (const row of rows) {
    assert.equal(row.result, 'failed', row.name);
    assert.ok(row.next_attempt && Date.parse(row.next_attempt) > Date.now(), `${row.name} waits`);
  }

  const again = await runCli(['--once', '-c', file, ...IPS], { netns: NS });
  assert.equal(again.code, 1, again.stderr);
  assert.equal((again.stderr.match(/not updated — waiting until/g) ?? []).length, 5, again.stderr);
});

test('no route → ddnsd run → the first cycle fails, the daemon keeps running and stops cleanly on SIGTERM', async () => {
  const d = startDaemon(['-c', file, '--state', join(tmp.dir, 'daemon-state.json'), ...IPS], {}, NS);
  children.push(d);
  assert.ok(await d.waitForLog(/home\.example\.com A 8\.8\.4\.4: not updated — .*ENETUNREACH/), d.log());
  assert.ok(await d.waitForLog(/myhome\.duckdns\.org A 8\.8\.4\.4: not updated/), d.log());
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(d.child.exitCode, null, `still running:\n${d.log()}`);
  d.kill('SIGTERM');
  const { code } = await d.exited;
  assert.equal(code, 0, d.log());
  assertClean(d.log());
});
