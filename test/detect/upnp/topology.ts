// A real UPnP IGD for the tests: three network namespaces joined by veth pairs,
//   lan (veth-lan 192.168.77.2) ↔ (veth-gw 192.168.77.1) igd (wan0 WAN) ↔ (isp0) isp
// with Debian's miniupnpd running in `igd`, and the detector run inside `lan` by a small
// script that imports the built module. Nothing leaves the namespaces, which are deleted (and
// miniupnpd stopped by its pid file) in stop().
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Topology {
  /** Namespace names, unique to this process. */
  lan: string;
  igd: string;
  isp: string;
  dir: string;
  /** Run `node SCRIPT ARGS...` inside the lan namespace; resolves with its stdout. */
  inLan(args: string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }>;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  /** Address/prefix of the router's WAN side, e.g. 11.22.33.44/24 or 100.64.5.6/10. */
  wan: string;
  /** The isp side of the WAN link, also the router's default gateway. */
  isp: string;
  /** Start miniupnpd on the router (default true). */
  miniupnpd?: boolean;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ip(...args: string[]) {
  await run('ip', args);
}

export async function startIgd(opts: TopologyOptions): Promise<Topology> {
  const tag = `ddu${process.pid}`;
  const lan = `${tag}-lan`;
  const igd = `${tag}-igd`;
  const isp = `${tag}-isp`;
  const dir = await mkdtemp(join(tmpdir(), 'ddnsd-upnp-'));
  const pidFile = join(dir, 'miniupnpd.pid');

  const stop = async () => {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    // miniupnpd removes its pid file as it exits: wait for it to be gone before removing the directory.
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      const until = Date.now() + 5000;
      while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const ns of [lan, igd, isp]) await ip('netns', 'del', ns).catch(() => undefined);
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  };

  try {
    for (const ns of [lan, igd, isp]) {
      await ip('netns', 'add', ns);
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    await ip('link', 'add', 'veth-lan', 'netns', lan, 'type', 'veth', 'peer', 'name', 'veth-gw', 'netns', igd);
    await ip('link', 'add', 'wan0', 'netns', igd, 'type', 'veth', 'peer', 'name', 'isp0', 'netns', isp);
    await ip('-n', lan, 'addr', 'add', '192.168.77.2/24', 'dev', 'veth-lan');
    await ip('-n', igd, 'addr', 'add', '192.168.77.1/24', 'dev', 'veth-gw');
    await ip('-n', igd, 'addr', 'add', opts.wan, 'dev', 'wan0');
    await ip('-n', isp, 'addr', 'add', `${opts.isp}/${opts.wan.split('/')[1]}`, 'dev', 'isp0');
    await ip('-n', lan, 'link', 'set', 'veth-lan', 'up');
    await ip('-n', igd, 'link', 'set', 'veth-gw', 'up');
    await ip('-n', igd, 'link', 'set', 'wan0', 'up');
    await ip('-n', isp, 'link', 'set', 'isp0', 'up');
    await ip('-n', igd, 'route', 'add', 'default', 'via', opts.isp);
    await ip('-n', lan, 'route', 'add', 'default', 'via', '192.168.77.1');

    if (opts.miniupnpd === false) return { lan, igd, isp, dir, stop, inLan: (args, env) => inNamespace(lan, args, env) };
    const conf = join(dir, 'miniupnpd.conf');
    await writeFile(
      conf,
      [
        'ext_ifname=wan0',
        'listening_ip=veth-gw',
        'http_port=5000',
        'enable_upnp=yes',
        'enable_natpmp=no',
        'secure_mode=yes',
        'uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b',
        'allow 1024-65535 192.168.77.0/24 1024-65535',
        'deny 0-65535 0.0.0.0/0 0-65535',
        '',
      ].join('\n'),
    );
    const log = join(dir, 'miniupnpd.log');
    const fd = openSync(log, 'w');
    const child = spawn('ip', ['netns', 'exec', igd, 'miniupnpd', '-d', '-f', conf, '-P', pidFile], {
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    child.unref();
    const spawnError = new Promise<never>((_, reject) => child.on('error', reject));
    await Promise.race([waitFor(log, 'HTTP listening on port 5000', 10_000), spawnError]);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    lan,
    igd,
    isp,
    dir,
    stop,
    inLan: (args, env) => inNamespace(lan, args, env),
  };
}

function inNamespace(ns: string, args: string[], env?: NodeJS.ProcessEnv): ReturnType<Topology['inLan']> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...args], { env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

async function waitFor(file: string, text: string, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    const content = await readFile(file, 'utf8').catch(() => '');
    if (content.includes(text)) return;
    if (Date.now() > until) throw new Error(`miniupnpd did not start within ${ms / 1000}s:\n${content}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A script that runs the built upnp detector once and prints its answer as JSON. */
export async function writeDetectScript(dir: string): Promise<string> {
  const upnp = new URL('../../../src/detect/upnp/index.js', import.meta.url).href;
  const http = new URL('../../../src/http.js', import.meta.url).href;
  const script = join(dir, 'detect.mjs');
  await writeFile(
    script,
    `import detector from ${JSON.stringify(upnp)};
import { createHttpClient } from ${JSON.stringify(http)};
const [settings, family] = [JSON.parse(process.argv[2]), process.argv[3] ?? 'ipv4'];
const http = createHttpClient();
const quiet = () => {};
const ctx = { now: () => new Date(), env: process.env, log: { error: quiet, warn: quiet, info: quiet, debug: quiet },
  signal: new AbortController().signal, http, userAgent: 'ddnsd-test' };
const result = await detector.detect({ type: 'upnp', timeout: 5000, accept: 'public', ...settings }, family, ctx);
await http.close();
process.stdout.write(JSON.stringify(result));
`,
  );
  return script;
}
