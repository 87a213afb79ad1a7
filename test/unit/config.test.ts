import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultStatePath, loadConfig } from '../../src/config/load.js';
import { tempDir, writeConfig } from '../helpers/cli.js';

const base = {
  detect: { ipv4: [{ type: 'static', address: '93.184.216.34' }] },
  providers: { noip: { type: 'dyndns2', server: 'https://dynupdate.example.net', username: 'me', password: 'pw-canary' } },
  records: [{ name: 'home.example.com', provider: 'noip' }],
};

async function load(config: object | string, env: NodeJS.ProcessEnv = {}) {
  const t = tempDir();
  try {
    const file = writeConfig(t.dir, config);
    return await loadConfig({ config: file, cwd: t.dir, env, isRoot: false });
  } finally {
    t.cleanup();
  }
}

async function loadError(config: object | string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    await load(config, env);
  } catch (err) {
    assert.equal((err as { kind?: string }).kind, 'config');
    return (err as Error).message;
  }
  throw new Error('expected a config error');
}

test('minimal config → defaults filled in (ipv4 on, ipv6 off, ttl 300, 25d max_age, 5s timeout)', async () => {
  const c = await load(base);
  assert.deepEqual(c.records[0], { name: 'home.example.com', provider: 'noip', ipv4: true, ipv6: false, ttl: 300 });
  assert.equal(c.maxAgeMs, 25 * 86_400_000);
  assert.equal(c.detect.ipv4[0]!.timeout, 5000);
  assert.equal(c.detect.ipv4[0]!.accept, 'public');
  assert.deepEqual(c.secrets, ['pw-canary']);
});

test('unknown key anywhere → error naming the key path', async () => {
  assert.match(await loadError({ ...base, shedule: '* * * * *' }), /shedule: unknown key/);
  assert.match(await loadError({ ...base, providers: { noip: { ...base.providers.noip, pasword: 'x' } } }), /providers\.noip\.pasword: unknown key/);
  assert.match(await loadError({ ...base, records: [{ name: 'a.example.com', provider: 'noip', ttl: 60, ipv7: true }] }), /records\.0\.ipv7: unknown key/);
});

test('unknown provider type, missing key, bad duration → errors naming the place', async () => {
  assert.match(await loadError({ ...base, providers: { noip: { type: 'dydns2' } } }), /providers\.noip\.type: unknown type "dydns2"/);
  assert.match(await loadError({ ...base, providers: { noip: { type: 'dyndns2', server: 'https://x.example', username: 'me' } } }), /providers\.noip\.password: missing/);
  assert.match(await loadError({ ...base, max_age: '25 days' }), /max_age: expected a duration/);
  assert.match(await loadError({ ...base, records: [{ name: 'home.example.com', provider: 'nope' }] }), /records\[0\]\.provider: no provider named "nope"/);
  assert.match(await loadError({ ...base, records: [{ name: 'bad..name', provider: 'noip' }] }), /records\.0\.name: expected a host name/);
});

test('${VAR} and k_file (relative to the config file) → resolved; missing → named', async () => {
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, 'noip.pass'), 'from-file\n');
    chmodSync(join(t.dir, 'noip.pass'), 0o600);
    const file = writeConfig(t.dir, { ...base, providers: { noip: { type: 'dyndns2', server: 'https://x.example', username: '${NOIP_USER}', password_file: 'noip.pass' } } });
    const c = await loadConfig({ config: file, cwd: '/', env: { NOIP_USER: 'me@example.com' }, isRoot: false });
    assert.equal(c.providers['noip']!['password'], 'from-file');
    assert.equal(c.providers['noip']!['username'], 'me@example.com');
    assert.deepEqual(c.warnings, []);
    chmodSync(join(t.dir, 'noip.pass'), 0o644);
    const loose = await loadConfig({ config: file, cwd: '/', env: { NOIP_USER: 'x' }, isRoot: false });
    assert.match(loose.warnings[0]!, /noip\.pass .*readable by other users/);
  } finally {
    t.cleanup();
  }
  assert.match(await loadError({ ...base, providers: { noip: { ...base.providers.noip, password: '${NOPE}' } } }), /providers\.noip\.password: environment variable NOPE is not set/);
  const missing = await loadError({ ...base, providers: { noip: { type: 'dyndns2', server: 'https://x.example', username: 'me', password_file: 'absent.pass' } } });
  assert.match(missing, /providers\.noip\.password_file: .*absent\.pass: no such file/);
});

test('credentials over plain HTTP to a non-loopback host → error unless insecure: true', async () => {
  const plain = { ...base, providers: { noip: { ...base.providers.noip, server: 'http://dyn.example.net' } } };
  assert.match(await loadError(plain), /providers\.noip\.server: credentials would travel over plain HTTP/);
  await load({ ...base, providers: { noip: { ...base.providers.noip, server: 'http://dyn.example.net', insecure: true } } });
  await load({ ...base, providers: { noip: { ...base.providers.noip, server: 'http://127.0.0.1:8080' } } });
});

test('YAML syntax error and missing file → error naming the file', async () => {
  assert.match(await loadError('records: [\n  - x: {\n'), /config file .*config\.yml: /);
  await assert.rejects(loadConfig({ config: '/nonexistent/ddnsd.yml', cwd: '/', env: {}, isRoot: false }), /config file \/nonexistent\/ddnsd\.yml: no such file/);
});

test('search order: DDNSD_CONFIG, then ddnsd.config.yml in the working directory', async () => {
  const t = tempDir();
  try {
    writeConfig(t.dir, base, 'ddnsd.config.yml');
    const found = await loadConfig({ cwd: t.dir, env: {}, isRoot: false });
    assert.equal(found.file, join(t.dir, 'ddnsd.config.yml'));
    const other = writeConfig(t.dir, base, 'elsewhere.yml');
    const viaEnv = await loadConfig({ cwd: t.dir, env: { DDNSD_CONFIG: other }, isRoot: false });
    assert.equal(viaEnv.file, other);
  } finally {
    t.cleanup();
  }
});

test('default state path: STATE_DIRECTORY, root, then ~/.local/state', () => {
  assert.equal(defaultStatePath({ STATE_DIRECTORY: '/var/lib/ddnsd' }, false), '/var/lib/ddnsd/state.json');
  assert.equal(defaultStatePath({}, true), '/var/lib/ddnsd/state.json');
  assert.equal(defaultStatePath({ HOME: '/home/pi' }, false), '/home/pi/.local/state/ddnsd/state.json');
  assert.equal(defaultStatePath({ HOME: '/home/pi', XDG_STATE_HOME: 'relative' }, false), '/home/pi/.local/state/ddnsd/state.json', 'a relative XDG_STATE_HOME is ignored');
  assert.equal(defaultStatePath({ HOME: '/home/pi', XDG_STATE_HOME: '/srv/state' }, false), '/srv/state/ddnsd/state.json');
});
