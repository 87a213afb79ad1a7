// A loopback BIND for the dns detector's tests: an IN view with example.test and a CHAOS view
// with whoami.cloudflare, listening on 127.0.0.1 and ::1 at a free high port. Stopped by pid.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Bind {
  port: number;
  stop(): Promise<void>;
}

export const ZONE = `$TTL 60
@        SOA ns.example.test. admin.example.test. 1 3600 600 86400 60
@        NS  ns
ns       A   127.0.0.1
myip     A   11.22.33.44
myip     AAAA 2001:4860:1234::5
txt      TXT "11.22.33.44"
txt6     TXT "2001:4860:1234::5"
two      A   11.22.33.44
two      A   11.22.33.45
garbage  TXT "hello, world"
multi    TXT "11.22.33.44" "11.22.33.45"
`;

const CHAOS_ZONE = `$TTL 60
@ CH SOA ns.whoami.cloudflare. admin.whoami.cloudflare. 1 3600 600 86400 60
@ CH NS  ns.whoami.cloudflare.
@ CH TXT "11.22.33.46"
`;

/** A port that is free on 127.0.0.1 and ::1, for both UDP and TCP, right now. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const ok = await Promise.all([
      probeTcp(port, '127.0.0.1'),
      probeTcp(port, '::1'),
      probeUdp(port, 'udp4', '127.0.0.1'),
      probeUdp(port, 'udp6', '::1'),
    ]);
    if (ok.every(Boolean)) return port;
  }
}

function probeTcp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

function probeUdp(port: number, type: 'udp4' | 'udp6', host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket(type);
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

export async function startBind(): Promise<Bind> {
  const dir = await mkdtemp(join(tmpdir(), 'ddnsd-bind-'));
  const port = await freePort();
  const conf = join(dir, 'named.conf');
  const pidFile = join(dir, 'named.pid');
  await writeFile(join(dir, 'example.test.zone'), ZONE);
  await writeFile(join(dir, 'whoami.zone'), CHAOS_ZONE);
  await writeFile(
    conf,
    `options { directory "${dir}"; pid-file "${pidFile}"; session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 port ${port} { ::1; };
  recursion no; notify no; dnssec-validation no; allow-transfer { none; }; };
controls { };
view "internet" IN { zone "example.test" { type primary; file "example.test.zone"; }; };
view "chaos" CH { zone "whoami.cloudflare" CH { type primary; file "whoami.zone"; }; };
`,
  );
  let child: ChildProcess | undefined;
  const stop = async () => {
    // named writes into its directory while it shuts down: wait for it to exit before removing it.
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  };
  try {
    await run('named-checkconf', ['-z', conf]);
    const log = openSync(join(dir, 'named.log'), 'w');
    child = spawn('named', ['-g', '-c', conf], { stdio: ['ignore', log, log] });
    closeSync(log);
    child.on('error', () => undefined);
    await ready(port, pidFile, join(dir, 'named.log'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, stop };
}

async function ready(port: number, pidFile: string, log: string) {
  const until = Date.now() + 15_000;
  for (;;) {
    const pid = await readFile(pidFile, 'utf8').catch(() => '');
    if (pid) {
      const { stdout } = await run('dig', ['+short', '+time=1', '+tries=1', '-p', String(port), '@127.0.0.1', 'example.test', 'SOA']).catch(
        () => ({ stdout: '' }),
      );
      if (stdout.trim()) return;
    }
    if (Date.now() > until) throw new Error(`named did not answer within 15s:\n${await readFile(log, 'utf8').catch(() => '')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
