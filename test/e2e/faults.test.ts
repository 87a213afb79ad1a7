// Faults a user meets: a corrupt state file, a state path that is not a state file or cannot be
// read or written, a missing secret file, a typo in the config, two runs at once, a stale lock —
// and no secret in any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startDyndns2, startServer } from '../helpers/http.js';

const A1 = '93.184.216.34';

function config(dir: string, server: string, extra: Record<string, unknown> = {}) {
  return writeConfig(dir, {
    state: join(dir, 'state.json'),
    providers: { p: { type: 'dyndns2', server, username: 'u', password: 'p' } },
    records: [{ name: 'home.example.com', provider: 'p' }],
    ...extra,
  });
}

test('corrupt state file → warning naming it, kept as .corrupt, one update, state rewritten; no update loop', async () => {
  const server = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
  const t = tempDir();
  try {
    const file = config(t.dir, server.url);
    writeFileSync(join(t.dir, 'state.json'), '{"version":1,"records":');
    const r = await runCli(['--once', '-c', file, '--ip', A1]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /state file .*state\.json is corrupt \(invalid JSON\)/);
    assert.match(r.stderr, /kept the damaged state file as .*state\.json\.corrupt/);
    assert.equal(readFileSync(join(t.dir, 'state.json.corrupt'), 'utf8'), '{"version":1,"records":');
    const again = await runCli(['--once', '-c', file, '--ip', A1]);
    assert.equal(again.code, 0);
    assert.equal(server.requests.length, 1);
    assert.equal(JSON.parse(readFileSync(join(t.dir, 'state.json'), 'utf8')).version, 1);
  } finally {
    t.cleanup();
    await server.close();
  }
});

test('state directory cannot be written → exit 2 naming it, nothing sent', async () => {
  const server = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, 'not-a-dir'), '');
    const file = config(t.dir, server.url, { state: join(t.dir, 'not-a-dir', 'state.json') });
    const r = await runCli(['--once', '-c', file, '--ip', A1]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot write the state file .*not-a-dir\/state\.json/);
    assert.equal(server.requests.length, 0);
  } finally {
    t.cleanup();
    await server.close();
  }
});

test('missing secret file → exit 2 naming the key and the file, nothing sent', async () => {
  const t = tempDir();
  try {
    const file = writeConfig(t.dir, {
      providers: { noip: { type: 'dyndns2', server: 'https://dyn.example.net', username: 'u', password_file: 'noip.pass' } },
      records: [{ name: 'home.example.com', provider: 'noip' }],
    });
    const r = await runCli(['--once', '-c', file, '--ip', A1]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /providers\.noip\.password_file: .*noip\.pass: no such file/);
  } finally {
    t.cleanup();
  }
});

test('unknown config key → exit 2 naming it (check and --once alike)', async () => {
  const t = tempDir();
  try {
    const file = config(t.dir, 'http://127.0.0.1:1', { max_aeg: '1d' });
    for (const args of [['check'], ['--once', '--ip', A1]]) {
      const r = await runCli([...args, '-c', file]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /max_aeg: unknown key/);
    }
  } finally {
    t.cleanup();
  }
});

for (const [what, setup, says] of [
  ['the config file itself (JSON here)', (dir: string, file: string) => file, /is not a ddnsd state file \(no "version": 1\); refusing/],
  ['a password file', (dir: string) => (writeFileSync(join(dir, 'pw'), 'canary-pw-1357\n', { mode: 0o600 }), join(dir, 'pw')), /is not a ddnsd state file \(not a JSON object\); refusing/],
  ['a newer ddnsd\'s state', (dir: string) => (writeFileSync(join(dir, 'new.json'), '{"version":2,"salt":"x","records":{}}'), join(dir, 'new.json')), /written by a newer ddnsd \(state version 2\)/],
  ['a directory', (dir: string) => dir, /is a directory; set state: \/ --state to a file in it/],
] as const) {
  test(`--state pointing at ${what} → --once → exit 2 naming it, nothing sent, the file untouched`, async () => {
    const server = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
    const t = tempDir();
    try {
      const file = config(t.dir, server.url);
      const target = setup(t.dir, file);
      const before = statSync(target).isFile() ? readFileSync(target, 'utf8') : null;
      const r = await runCli(['--once', '-c', file, '--ip', A1, '--state', target]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, says);
      assert.ok(r.stderr.includes(target));
      assert.doesNotMatch(r.stderr, /canary/);
      assert.equal(server.requests.length, 0);
      if (before !== null) assert.equal(readFileSync(target, 'utf8'), before);
    } finally {
      t.cleanup();
      await server.close();
    }
  });
}

test('state file another user owns, mode 0600 → --once as nobody → exit 2 "cannot read the state file", nothing sent, file kept', async () => {
  const server = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
  const t = tempDir();
  try {
    chmodSync(t.dir, 0o777);
    const file = config(t.dir, server.url);
    chmodSync(file, 0o644);
    const first = await runCli(['--once', '-c', file, '--ip', A1]); // as root, like `sudo ddnsd --once`
    assert.equal(first.code, 0, first.stderr);
    const before = readFileSync(join(t.dir, 'state.json'), 'utf8');
    const r = await runCli(['--once', '-c', file, '--ip', '93.184.216.35'], { uid: 65534, gid: 65534 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot read the state file .*state\.json \(permission denied\); .*run ddnsd as the user that owns it/);
    assert.equal(server.requests.length, 1);
    assert.equal(readFileSync(join(t.dir, 'state.json'), 'utf8'), before);
  } finally {
    t.cleanup();
    await server.close();
  }
});

test('HOME set but empty, no state configured → check as nobody → the state goes under the home from the user database, never under the cwd', async () => {
  const t = tempDir();
  try {
    chmodSync(t.dir, 0o755);
    const file = writeConfig(t.dir, { records: [{ name: 'home.example.com', provider: 'p' }], providers: { p: { type: 'dyndns2', server: 'http://127.0.0.1:9', username: 'u', password: 'p' } } });
    chmodSync(file, 0o644);
    const r = await runCli(['check', '-c', file], { uid: 65534, gid: 65534, env: { HOME: '' }, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const state = (JSON.parse(r.stdout) as { state: string }).state;
    assert.ok(state.startsWith('/') && state.endsWith('/.local/state/ddnsd/state.json'), state);
  } finally {
    t.cleanup();
  }
});

test('two runs at once on one state file → the second exits 4 and sends nothing', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const server = await startServer(async () => {
    await gate;
    return { body: `good ${A1}` };
  });
  const t = tempDir();
  try {
    const file = config(t.dir, server.url);
    const first = runCli(['--once', '-c', file, '--ip', A1]);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    const second = await runCli(['--once', '-c', file, '--ip', A1]);
    assert.equal(second.code, 4, second.stderr);
    assert.match(second.stderr, /another ddnsd \(pid \d+\) holds the lock/);
    release();
    assert.equal((await first).code, 0);
    assert.equal(server.requests.length, 1);
  } finally {
    t.cleanup();
    await server.close();
  }
});

test('lock left by a power cut, its pid now another process → --once → taken over, updated, exit 0', async () => {
  const server = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
  const t = tempDir();
  try {
    const file = config(t.dir, server.url);
    // The test runner is alive, but it did not start at the time the lock says.
    writeFileSync(join(t.dir, 'state.json.lock'), `${process.pid} 1\n`);
    const r = await runCli(['--once', '-c', file, '--ip', A1]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 1);
  } finally {
    t.cleanup();
    await server.close();
  }
});

test('debug run with canary secrets → no secret in any output, state or error', async () => {
  const CANARY_PW = 'CANARY-pw-7f3a9';
  const CANARY_ENV = 'CANARY-env-51c2';
  const server = await startServer(() => ({ body: 'badauth' }));
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, 'pw'), `${CANARY_PW}\n`, { mode: 0o600 });
    const file = writeConfig(t.dir, {
      state: join(t.dir, 'state.json'),
      providers: {
        a: { type: 'dyndns2', server: server.url, username: 'u', password_file: 'pw' },
        b: { type: 'dyndns2', server: server.url, username: 'u', password: '${SECRET}' },
      },
      records: [{ name: 'a.example.com', provider: 'a' }, { name: 'b.example.com', provider: 'b' }],
    });
    const env = { SECRET: CANARY_ENV };
    const outputs: string[] = [];
    for (const args of [['--once', '--ip', A1], ['--once', '--ip', A1], ['check'], ['status'], ['status', '--json'], ['--once', '--dry-run', '--ip', A1]]) {
      for (const format of ['text', 'json']) {
        const r = await runCli([...args, '-c', file, '--log-level', 'debug', '--log-format', format], { env });
        outputs.push(r.stdout, r.stderr);
      }
    }
    outputs.push(readFileSync(join(t.dir, 'state.json'), 'utf8'));
    const all = outputs.join('\n');
    assert.match(all, /badauth/, 'the runs did reach the provider');
    assert.ok(!all.includes(CANARY_PW), 'password from a file leaked');
    assert.ok(!all.includes(CANARY_ENV), 'password from the environment leaked');
    assert.ok(!all.includes(Buffer.from(`u:${CANARY_PW}`).toString('base64')), 'Basic auth header leaked');
  } finally {
    t.cleanup();
    await server.close();
  }
});
