// A real BIND 9 `named` for the tests: 127.0.0.1 at a free high port, in a temp directory, with
// a dynamic zone `example.test` (journal), one key per TSIG algorithm granted `zonesub A AAAA`,
// a key that named knows but the policy does not grant, and a dnssec-keygen style K*.private.
// Stopped by pid. A missing bind9 package makes the tests fail, never skip.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHMS, type Algorithm } from '../../src/dns/tsig.js';

export const ZONE = 'example.test';
export const ALGS = Object.keys(ALGORITHMS) as Algorithm[];

export interface Bind {
  dir: string;
  port: number;
  server: string; // 127.0.0.1:PORT
  /** key file (tsig-keygen output) per algorithm; key name `ddns-<alg>` */
  keyFiles: Record<Algorithm, string>;
  keyName(alg: Algorithm): string;
  secret(alg: Algorithm): string;
  /** A key named knows but update-policy does not grant. */
  ungrantedKeyFile: string;
  /** A key granted A and AAAA at open.<zone> and below only. */
  limitedKeyFile: string;
  /** dnssec-keygen style pair for the key `ddns-kfile` (granted). */
  kPrivateFile: string;
  dig(name: string, type: string): string[];
  serial(): number;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree && port > 1024) return port;
  }
}

function tsigKeygen(alg: Algorithm, name: string): string {
  return execFileSync('tsig-keygen', ['-a', alg, name], { encoding: 'utf8' });
}

export function secretOf(keyFileText: string): string {
  return /secret "([^"]+)"/.exec(keyFileText)![1]!;
}

export async function startBind(): Promise<Bind> {
  const dir = mkdtempSync(join(tmpdir(), 'ddnsd-bind-'));
  const port = await freePort();
  const keyFiles = {} as Record<Algorithm, string>;
  const secrets = {} as Record<Algorithm, string>;
  const includes: string[] = [];
  const grants: string[] = [];
  for (const alg of ALGS) {
    const text = tsigKeygen(alg, `ddns-${alg}`);
    const file = join(dir, `ddns-${alg}.key`);
    writeFileSync(file, text);
    keyFiles[alg] = file;
    secrets[alg] = secretOf(text);
    includes.push(`include "${file}";`);
    grants.push(`grant ddns-${alg} zonesub A AAAA;`);
  }
  const ungrantedKeyFile = join(dir, 'ungranted.key');
  writeFileSync(ungrantedKeyFile, tsigKeygen('hmac-sha256', 'ungranted-key'));
  includes.push(`include "${ungrantedKeyFile}";`);
  const limitedKeyFile = join(dir, 'limited.key');
  writeFileSync(limitedKeyFile, tsigKeygen('hmac-sha256', 'limited-key'));
  includes.push(`include "${limitedKeyFile}";`);
  grants.push(`grant limited-key subdomain open.${ZONE} A AAAA;`);
  const kText = tsigKeygen('hmac-sha256', 'ddns-kfile');
  writeFileSync(join(dir, 'kfile.key'), kText);
  includes.push(`include "${join(dir, 'kfile.key')}";`);
  grants.push('grant ddns-kfile zonesub A AAAA;');
  const kPrivateFile = join(dir, 'Kddns-kfile.+163+12345.private');
  writeFileSync(kPrivateFile, `Private-key-format: v1.3\nAlgorithm: 163 (HMAC_SHA256)\nKey: ${secretOf(kText)}\nBits: AAA=\nCreated: 20260101000000\n`);
  writeFileSync(join(dir, 'Kddns-kfile.+163+12345.key'), `ddns-kfile. IN KEY 512 3 163 ${secretOf(kText)}\n`);

  writeFileSync(
    join(dir, `${ZONE}.zone`),
    `$TTL 300\n@ IN SOA ns.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 300\n  IN NS ns.${ZONE}.\nns IN A 127.0.0.1\nalias IN CNAME ns.${ZONE}.\n`,
  );
  const conf = join(dir, 'named.conf');
  writeFileSync(
    conf,
    `options { directory "${dir}"; pid-file "${dir}/named.pid"; session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; notify no; dnssec-validation no; allow-transfer { none; }; };
controls { };
${includes.join('\n')}
zone "${ZONE}" { type primary; file "${ZONE}.zone"; update-policy { ${grants.join(' ')} }; };
`,
  );
  execFileSync('named-checkconf', [conf]);
  // named logs to a file, not a pipe: a parent that blocks its event loop (execFileSync in the
  // bench) would otherwise leave the pipe full and named stalled on a log write.
  const logFile = join(dir, 'named.log');
  const logFd = openSync(logFile, 'a');
  const child: ChildProcess = spawn('named', ['-g', '-4', '-c', conf], { stdio: ['ignore', 'ignore', logFd] });
  closeSync(logFd);
  const log = () => readFileSync(logFile, 'utf8').slice(-4000);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const dig = (name: string, type: string) =>
    execFileSync('dig', ['+short', '+time=1', '+tries=1', '-p', String(port), '@127.0.0.1', name, type], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '')
      .sort();
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`named exited: ${log()}`);
    try {
      if (dig(ZONE, 'SOA').length > 0) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() - started > 20_000) {
      child.kill('SIGKILL');
      throw new Error(`named did not answer within 20 s: ${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    dir,
    port,
    server: `127.0.0.1:${port}`,
    keyFiles,
    keyName: (alg) => `ddns-${alg}`,
    secret: (alg) => secrets[alg],
    ungrantedKeyFile,
    limitedKeyFile,
    kPrivateFile,
    dig,
    serial: () => Number(dig(ZONE, 'SOA')[0]!.split(' ')[2]),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
