// The program (dist/cli.js, from src/boot.cjs) compiles the bundle with the V8 code cache the
// build wrote. The cache is only an optimisation: this Node must accept the one the build made,
// and with no cache, a damaged one or one V8 refuses, the program must run exactly as with it,
// without writing anything next to itself (the installed dist/ may be read-only).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { tempDir, writeConfig } from '../helpers/cli.js';

const dist = fileURLToPath(new URL('../../../dist/', import.meta.url));
const bundle = join(dist, 'ddnsd.js');
const tmp = tempDir('ddnsd-cache-');
let config = '';

/** Does V8 refuse this cache for the bundle? (What boot.cjs hands V8 after the digest.) */
function rejected(cache: Buffer): boolean {
  const script = new Script(Module.wrap(readFileSync(bundle, 'latin1')), { filename: bundle, cachedData: cache });
  return script.cachedDataRejected === true;
}

const withDigest = (payload: Buffer) => Buffer.concat([createHash('sha256').update(payload).digest(), payload]);

/** A copy of dist/ in its own directory, with `cache` as ddnsd.js.cache (none when null). */
function distWith(name: string, cache: Buffer | null): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  for (const f of ['cli.js', 'ddnsd.js', 'package.json']) copyFileSync(join(dist, f), join(dir, f));
  if (cache) writeFileSync(join(dir, 'ddnsd.js.cache'), cache);
  return dir;
}

function run(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(dir, 'cli.js'), ...args], { cwd: tmp.dir, env: { PATH: process.env['PATH'] } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

before(() => {
  config = writeConfig(tmp.dir, {
    state: join(tmp.dir, 'state.json'),
    detect: { ipv4: [{ type: 'static', address: '93.184.216.34' }] },
    providers: { p: { type: 'dyndns2', server: 'https://dyn.example.net', username: 'me', password: 'pw-canary' } },
    records: [{ name: 'home.example.com', provider: 'p' }],
  });
});
after(() => tmp.cleanup());

test('the build → its code cache → digest matches and this Node accepts it', () => {
  const file = readFileSync(`${bundle}.cache`);
  const payload = file.subarray(32);
  assert.deepEqual(file.subarray(0, 32), createHash('sha256').update(payload).digest());
  assert.equal(rejected(payload), false);
});

test('another script’s cache with a valid digest → V8 refuses it', () => {
  const other = new Script('1 + 1').createCachedData();
  assert.equal(rejected(other), true);
});

const good = readFileSync(`${bundle}.cache`);
const damaged = Buffer.from(good);
for (let i = 40; i < damaged.length; i += 997) damaged[i]! ^= 0xff;
const variants: [string, Buffer | null][] = [
  ['missing', null],
  ['empty', Buffer.alloc(0)],
  ['truncated', good.subarray(0, good.length >> 1)],
  ['damaged (digest no longer matches)', damaged],
  ['random bytes', createHash('sha512').update('x').digest()],
  ['refused by V8 (another script’s, valid digest)', withDigest(new Script('1 + 1').createCachedData())],
];

for (const [i, [name, cache]] of variants.entries()) {
  test(`code cache ${name} → --version and --once --dry-run → same output and exit as with the build's, nothing written`, async () => {
    const dir = distWith(`v${i}`, cache);
    const files = readdirSync(dir).sort();
    for (const args of [['-V'], ['--once', '--dry-run', '-c', config]]) {
      const want = await run(dist, args);
      const got = await run(dir, args);
      assert.equal(want.code, 0, want.stderr);
      assert.deepEqual({ code: got.code, stdout: got.stdout }, { code: want.code, stdout: want.stdout }, got.stderr);
    }
    assert.deepEqual(readdirSync(dir).sort(), files);
  });
}
