// The state directory on a full disk (a 64 KiB tmpfs mounted by this test, filled up): ddnsd says
// so in one line and exits 1 (it passes, unlike a permission problem), leaves no empty lock file
// behind to block the next run, and carries on as soon as there is space again. The tests run in
// order and each starts from what the one before left.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startDyndns2, type Dyndns2Server } from '../helpers/http.js';
import { sh } from '../detect-local/support.js';

const tmp = tempDir('ddnsd-diskfull-');
const full = join(tmp.dir, 'full');
const state = join(full, 'state.json');
let dyn: Dyndns2Server;
let file: string;
let fillOnRequest = false;

/** Write zeros until the file system refuses. */
function fill() {
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(full, `filler-${i}`), Buffer.alloc(4096));
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
      return;
    }
  }
}
const unfill = () => readdirSync(full).filter((f) => f.startsWith('filler-')).forEach((f) => rmSync(join(full, f)));

before(async () => {
  mkdirSync(full);
  sh(['mount', '-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', full]);
  const override = () => {
    if (fillOnRequest) fill(); // the disk fills while the update is on its way
    return undefined;
  };
  dyn = await startDyndns2({ username: 'me', password: 'pw-canary-2468', hosts: ['home.example.test'], override });
  file = writeConfig(tmp.dir, {
    state,
    detect: { ipv4: [{ type: 'static', address: '192.0.2.1', accept: 'any' }] },
    providers: { home: { type: 'dyndns2', server: dyn.url, username: 'me', password: 'pw-canary-2468' } },
    records: [{ name: 'home.example.test', provider: 'home' }],
  });
});

after(async () => {
  try {
    sh(['umount', full]);
  } finally {
    tmp.cleanup();
    await dyn?.close();
  }
});

test('state directory full → --once → exit 1 naming the file and "free some space", nothing sent, no lock left behind', async () => {
  fill();
  const r = await runCli(['--once', '-c', file, '--ip', '203.0.113.7']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot write the state file ${state.replace(/[.]/g, '\\.')}: no space left in .*free some space`));
  assert.equal(dyn.requests.length, 0);
  assert.ok(!existsSync(`${state}.lock`), 'no empty lock file to block the next run');
  assert.doesNotMatch(r.stdout + r.stderr, /pw-canary-2468|\n\s+at /);
});

test('state directory nearly full (the lock fits, a new state would not) → --once → exit 1 before anything is sent', async () => {
  unfill();
  fill();
  const fillers = readdirSync(full).filter((f) => f.startsWith('filler-'));
  for (const f of fillers.slice(0, 2)) rmSync(join(full, f)); // 8 KiB free
  const r = await runCli(['--once', '-c', file, '--ip', '203.0.113.7']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cannot write the state file .*: no space left in .*free some space/);
  assert.equal(dyn.requests.length, 0, 'an update whose outcome cannot be kept is not sent');
  assert.ok(!existsSync(`${state}.lock`));
});

test('space again → --once right away → updated, state written', async () => {
  unfill();
  const r = await runCli(['--once', '-c', file, '--ip', '203.0.113.7']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(dyn.requests.length, 1);
  assert.ok(existsSync(state));
});

test('disk fills during the update → --once → exit 1 saying so, the old state file intact, no temp file; with space the next run confirms', async () => {
  fillOnRequest = true;
  const r = await runCli(['--once', '-c', file, '--ip', '203.0.113.8']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(dyn.records.get('home.example.test'), '203.0.113.8');
  assert.match(r.stderr, /no space left/);
  const status = await runCli(['status', '--json', '-c', file]);
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { address: string }[])[0]!.address, '203.0.113.7', 'the last state written whole');
  assert.deepEqual(readdirSync(full).filter((f) => f.includes('.tmp-')), [], 'no temp file left');
  fillOnRequest = false;
  unfill();
  const again = await runCli(['--once', '-c', file, '--ip', '203.0.113.8']);
  assert.equal(again.code, 0, again.stderr);
});
