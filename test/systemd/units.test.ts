// The unit files as shipped, checked by systemd's own tools. systemd need not be running: the
// tools work on a root directory, here a temporary one holding the system's real unit files
// (for the targets ours name), our units, the built ddnsd program at /usr/bin/ddnsd (where
// `npm install -g .` puts it on this machine kind; systemd looks in /usr/local/bin as well) and
// the `kill` that ExecReload names. systemd-analyze requires every ExecStart program to exist.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const units = ['ddnsd.service', 'ddnsd-once.service', 'ddnsd.timer'];
let root = '';

function analyze(args: string[]) {
  const r = spawnSync('systemd-analyze', [...args, `--root=${root}`], { encoding: 'utf8' });
  if (r.error) throw new Error(`systemd-analyze did not run (apt-get install systemd): ${r.error.message}`);
  return r;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'ddnsd-units-'));
  mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
  copyFileSync(join(repo, 'dist/cli.js'), join(root, 'usr/bin/ddnsd'));
  copyFileSync('/usr/bin/kill', join(root, 'usr/bin/kill')); // procps
  for (const u of units) copyFileSync(join(repo, 'systemd', u), join(root, 'etc/systemd/system', u));
});

after(() => rmSync(root, { recursive: true, force: true }));

test('shipped units → systemd-analyze verify → no error and no warning', () => {
  const r = analyze(['verify', ...units]);
  assert.equal(r.stderr + r.stdout, '');
  assert.equal(r.status, 0);
});

for (const unit of ['ddnsd.service', 'ddnsd-once.service']) {
  test(`${unit} → systemd-analyze security --offline → overall exposure 1.5 or lower`, () => {
    const r = analyze(['security', '--offline=yes', unit]);
    assert.equal(r.status, 0, r.stderr);
    const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[1]) <= 1.5, `exposure ${m[1]}:\n${r.stdout}`);
  });
}

test('ddnsd.service → settings read → non-root, network-online, no restart loop on exit 2 or 3', () => {
  const text = readFileSync(join(repo, 'systemd/ddnsd.service'), 'utf8');
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!]);
  }
  const one = (k: string) => settings.get(k)?.at(-1);
  assert.equal(one('DynamicUser'), 'yes');
  assert.equal(one('After'), 'network-online.target');
  assert.equal(one('Wants'), 'network-online.target');
  assert.equal(one('Restart'), 'on-failure');
  assert.deepEqual(one('RestartPreventExitStatus')?.split(' ').sort(), ['2', '3']);
  assert.equal(one('RestrictAddressFamilies'), 'AF_INET AF_INET6 AF_UNIX AF_NETLINK');
  assert.equal(one('CapabilityBoundingSet'), '');
  assert.equal(one('StateDirectory'), 'ddnsd');
  assert.equal(one('ConfigurationDirectory'), 'ddnsd');
  assert.match(one('ExecStart') ?? '', /^ddnsd run\b/);
  assert.match(text, /^# +LoadCredential=\S+:\S+$/m);
});
