// Faults a user meets: a corrupt state file, a state directory that cannot be written, a
// missing secret file, a typo in the config, two runs at once, a stale lock — and no secret in
// any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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

test('corrupt state file → warning naming it, one update, state rewritten; no update loop', async () => {
  const server = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
  const t = tempDir();
  try {
    const file = config(t.dir, server.url);
    writeFileSync(join(t.dir, 'state.json'), '{"version":1,"records":');
    const r = await runCli(['--once', '-c', file, '--ip', A1]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /state file .*state\.json is corrupt/);
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
