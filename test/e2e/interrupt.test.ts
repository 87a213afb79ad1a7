// `ddnsd --once` stopped by a signal (Ctrl-C, `timeout`, a closed terminal) while a provider
// does not answer: one line says so, the lock is released, the state keeps only what was
// confirmed, and the exit code says "try again later".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startServer } from '../helpers/http.js';

const A1 = '93.184.216.34';
const A2 = '93.184.216.35';

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`${sig} while the provider does not answer → one line, exit 1, lock released, state unchanged`, async () => {
    let answer = true;
    const server = await startServer(() => (answer ? { body: `good ${A1}` } : new Promise(() => {})));
    const t = tempDir();
    try {
      const state = join(t.dir, 'state.json');
      const config = writeConfig(t.dir, {
        state,
        providers: { p: { type: 'dyndns2', server: server.url, username: 'u', password: 'pw-canary' } },
        records: [{ name: 'home.example.com', provider: 'p' }],
      });
      assert.equal((await runCli(['--once', '-c', config, '--ip', A1])).code, 0);
      const before = { text: readFileSync(state, 'utf8'), mtime: statSync(state).mtimeMs };

      answer = false;
      const r = await runCli(['--once', '-c', config, '--ip', A2], {
        onSpawn: async (child) => {
          while (server.requests.length < 2 && child.exitCode === null) await sleep(10);
          child.kill(sig);
        },
      });
      assert.equal(r.signal, null, 'ddnsd must not die of the signal');
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.ms < 5000, `took ${r.ms} ms`);
      assert.equal(server.requests.length, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^\\S+ error interrupted by ${sig}; nothing more sent, state holds only confirmed outcomes\\n$`));
      assert.equal(existsSync(`${state}.lock`), false, 'the lock is left behind');
      assert.deepEqual({ text: readFileSync(state, 'utf8'), mtime: statSync(state).mtimeMs }, before);
    } finally {
      t.cleanup();
      await server.close();
    }
  });
}

test('SIGTERM while the address detector does not answer → only that line, nothing planned or sent, no state', async () => {
  const server = await startServer(() => new Promise(() => {}));
  const t = tempDir();
  try {
    const state = join(t.dir, 'state.json');
    const config = writeConfig(t.dir, {
      state,
      detect: { ipv4: [{ type: 'http', url: `${server.url}/`, accept: 'any' }] },
      providers: { p: { type: 'dyndns2', server: server.url, username: 'u', password: 'pw-canary' } },
      records: [{ name: 'home.example.com', provider: 'p' }],
    });
    for (const args of [[], ['--dry-run']]) {
      const seen = server.requests.length;
      const r = await runCli(['--once', '-c', config, ...args], {
        onSpawn: async (child) => {
          while (server.requests.length === seen && child.exitCode === null) await sleep(10);
          child.kill('SIGTERM');
        },
      });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '', 'no plan for a run that was stopped');
      assert.match(r.stderr, /^\S+ error interrupted by SIGTERM; nothing more sent, state holds only confirmed outcomes\n$/);
      assert.equal(server.requests.length, seen + 1, 'only the detector was asked');
      assert.equal(existsSync(state), false);
      assert.equal(existsSync(`${state}.lock`), false);
    }
  } finally {
    t.cleanup();
    await server.close();
  }
});
