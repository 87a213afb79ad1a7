// The command line of spec.md: help, version, usage errors, check, status, detect, dry-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';

function cfg(dir: string) {
  return writeConfig(dir, {
    state: join(dir, 'state.json'),
    detect: { ipv4: [{ type: 'static', address: '93.184.216.34' }], ipv6: [{ type: 'static', address: '2001:db8::1' }] },
    providers: { noip: { type: 'dyndns2', server: 'https://dyn.example.net', username: 'me', password: 'hunter2-canary' } },
    records: [{ name: 'home.example.com', provider: 'noip', ipv6: true }],
  });
}

test('--help → every option of spec.md, exit 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const word of ['--once', '--dry-run', 'check', 'status', 'detect', '--config', '--force', '--ip', '--record', '--state', '--log-level', '--log-format', '--json', '--version', 'Exit codes']) {
    assert.ok(r.stdout.includes(word), word);
  }
});

test('--version → the package version', async () => {
  const r = await runCli(['-V']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^ddnsd \d+\.\d+\.\d+\n$/);
});

test('usage errors → exit 2 with the reason', async () => {
  for (const [args, msg] of [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--once', '--ip', 'not-an-ip'], /--ip "not-an-ip": not an IPv4 or IPv6 address/],
    [['--once', '--ip', '1.2.3.4', '--ip', '5.6.7.8'], /--ip given twice for ipv4/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['check', '--dry-run'], /--dry-run goes with --once/],
    [['--once', '--log-level', 'loud'], /--log-level must be/],
  ] as [string[], RegExp][]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, msg);
  }
});

test('no config anywhere → exit 2 saying where it looked', async () => {
  const t = tempDir();
  try {
    const r = await runCli(['--once'], { cwd: t.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no config file found: give --config FILE, set DDNSD_CONFIG/);
  } finally {
    t.cleanup();
  }
});

test('check → effective config with defaults and the secret redacted, exit 0', async () => {
  const t = tempDir();
  try {
    const r = await runCli(['check', '-c', cfg(t.dir)]);
    assert.equal(r.code, 0, r.stderr);
    const eff = JSON.parse(r.stdout);
    assert.equal(eff.providers.noip.password, '<redacted>');
    assert.equal(eff.records[0].ttl, 300);
    assert.equal(eff.max_age, '25d');
    assert.ok(!r.stdout.includes('hunter2-canary'));
  } finally {
    t.cleanup();
  }
});

test('--once --dry-run → the plan on stdout, no state written; exit 1 when a needed family has no address', async () => {
  const t = tempDir();
  try {
    const r = await runCli(['--once', '--dry-run', '-c', cfg(t.dir), '--log-level', 'error']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /home\.example\.com A 93\.184\.216\.34: would update via noip/);
    assert.match(r.stdout, /home\.example\.com AAAA: no address detected — left alone/);
    const s = await runCli(['status', '--json', '-c', cfg(t.dir)]);
    const rows = JSON.parse(s.stdout);
    assert.deepEqual(rows[0], { name: 'home.example.com', family: 'ipv4', provider: 'noip', address: null, updated_at: null, confirmed_at: null, result: null, message: null, next_attempt: null });
    assert.equal(rows[1].family, 'ipv6');
    const v4only = await runCli(['--once', '--dry-run', '-c', cfg(t.dir), '--ip', '2606:4700::1']);
    assert.equal(v4only.code, 0, v4only.stderr);
    assert.match(v4only.stdout, /AAAA 2606:4700::1: would update/);
  } finally {
    t.cleanup();
  }
});

test('detect --json → per family the address and every source; a refused source exits 1', async () => {
  const t = tempDir();
  try {
    const r = await runCli(['detect', '--json', '-c', cfg(t.dir)]);
    assert.equal(r.code, 1, 'ipv6 static is a documentation address, refused under accept: public');
    const out = JSON.parse(r.stdout);
    assert.equal(out.ipv4.address, '93.184.216.34');
    assert.deepEqual(out.ipv4.sources[0], { type: 'static', source: 'static 93.184.216.34', address: '93.184.216.34' });
    assert.equal(out.ipv6.address, null);
    assert.match(out.ipv6.sources[0].reason, /documentation address/);
  } finally {
    t.cleanup();
  }
});


test('--record naming a record that is not in the config → exit 2 listing the records', async () => {
  const t = tempDir();
  try {
    const r = await runCli(['--once', '-c', cfg(t.dir), '--record', 'typo.example.com']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--record typo\.example\.com: no such record in .* \(records: home\.example\.com\)/);
  } finally {
    t.cleanup();
  }
});
