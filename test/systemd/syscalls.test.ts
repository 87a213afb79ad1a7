// The unit's system call filter against what ddnsd really calls: `ddnsd run` under strace for a
// few cycles (an HTTP echo detector, an interface detector, a dyndns2 update, the address-event
// monitor, SIGTERM), every system call it and its children made, checked against the set that
// the SystemCallFilter= lines of ddnsd.service allow, expanded by systemd-analyze. A call outside
// it would fail with EPERM in the service. Needs strace (apt-get install strace).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, tempDir, writeConfig } from '../helpers/cli.js';
import { startDyndns2, startEcho } from '../helpers/http.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = tempDir('ddnsd-syscalls-');
after(() => tmp.cleanup());

/** Every group systemd knows, expanded to system call names. */
function groups(): Map<string, Set<string>> {
  const r = spawnSync('systemd-analyze', ['syscall-filter'], { encoding: 'utf8' });
  if (r.error) throw new Error(`systemd-analyze did not run (apt-get install systemd): ${r.error.message}`);
  const raw = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('@')) raw.set(line.split(/\s/)[0]!, (current = []));
    else if (current && /^\s+[@a-z0-9_-]+$/.test(line)) current.push(line.trim());
  }
  const expand = (name: string): Set<string> =>
    new Set((raw.get(name) ?? []).flatMap((m) => (m.startsWith('@') ? [...expand(m)] : [m])));
  return new Map([...raw.keys()].map((g) => [g, expand(g)]));
}

/** The allow list that the unit's SystemCallFilter= lines add up to. */
function allowed(unit: string): Set<string> {
  const g = groups();
  const out = new Set<string>();
  for (const line of unit.split('\n')) {
    const m = /^SystemCallFilter=(~?)(.*)$/.exec(line);
    if (!m) continue;
    for (const item of m[2]!.trim().split(/\s+/)) {
      const names = item.startsWith('@') ? (g.get(item) ?? new Set<string>()) : new Set([item]);
      for (const n of names) m[1] ? out.delete(n) : out.add(n);
    }
  }
  return out;
}

test('ddnsd run under strace → a few cycles and SIGTERM → every system call and socket family is allowed by ddnsd.service', async () => {
  const echo = await startEcho(() => ({ body: '203.0.113.7\n' }));
  const dyn = await startDyndns2({ username: 'me', password: 'pw', hosts: ['home.example.test'] });
  let child: ChildProcess | undefined;
  try {
    const file = writeConfig(tmp.dir, {
      schedule: '* * * * * *', // every second
      state: join(tmp.dir, 'state.json'),
      detect: { ipv4: [{ type: 'http', url: `${echo.url}/`, accept: 'any' }], ipv6: [{ type: 'interface', interface: 'lo', accept: 'any' }] },
      providers: { home: { type: 'dyndns2', server: dyn.url, username: 'me', password: 'pw' } },
      records: [{ name: 'home.example.test', provider: 'home', ipv6: true }],
    });
    const trace = join(tmp.dir, 'trace');
    const strace = spawn('strace', ['-f', '-qq', '-o', trace, process.execPath, CLI, 'run', '--config', file], {
      env: { PATH: process.env['PATH'] },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = strace;
    let log = '';
    strace.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => strace.on('exit', (code) => resolve(code)));
    const spawnError = new Promise<never>((_, reject) => strace.on('error', (e) => reject(new Error(`strace did not run (apt-get install strace): ${e.message}`))));
    await Promise.race([new Promise((r) => setTimeout(r, 3500)), spawnError]);
    // strace started from a script ignores SIGTERM itself: stop ddnsd (its pid is in the lock).
    process.kill(Number(readFileSync(join(tmp.dir, 'state.json.lock'), 'utf8').split(' ')[0]), 'SIGTERM');
    assert.equal(await Promise.race([exited, spawnError]), 0, log);
    assert.ok(dyn.requests.length >= 1, `no update was sent: ${log}`);

    const used = new Set<string>();
    const families = new Set<string>();
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      const m = /^\d+\s+([a-z_0-9]+)\(/.exec(line);
      if (m) used.add(m[1]!);
      const f = /^\d+\s+socket(?:pair)?\((AF_[A-Z0-9]+)/.exec(line);
      if (f) families.add(f[1]!);
    }
    assert.ok(used.has('execve') && used.has('socket'), 'the trace looks empty');
    const ok = allowed(readFileSync(join(repo, 'systemd/ddnsd.service'), 'utf8'));
    assert.deepEqual([...used].filter((s) => !ok.has(s)).sort(), []);
    const unit = readFileSync(join(repo, 'systemd/ddnsd.service'), 'utf8');
    const allowedFamilies = /^RestrictAddressFamilies=(.*)$/m.exec(unit)![1]!.split(/\s+/);
    assert.deepEqual([...families].filter((f) => !allowedFamilies.includes(f)).sort(), []);
    assert.ok(families.has('AF_INET') && families.has('AF_NETLINK'), [...families].join(' '));
  } finally {
    // strace killed outright takes its tracee with it (it sets PTRACE_O_EXITKILL)
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([echo.close(), dyn.close()]);
  }
});
