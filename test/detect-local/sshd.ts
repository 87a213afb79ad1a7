// A throwaway OpenSSH server on a loopback port for tests: its own host key, one authorised user
// key, started in the foreground and stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sh } from './support.js';

export interface Sshd {
  port: number;
  /** A private key the server accepts for root. */
  identity: string;
  /** A known_hosts file naming the server's host key on 127.0.0.1 and ::1. */
  knownHosts: string;
  /** A private key the server does not accept. */
  strangerIdentity: string;
  dir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Start sshd; `clientDir` (which may hold spaces and %) receives the client-side files. */
export async function startSshd(clientDir: string): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'ddnsd-sshd-'));
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
  const keygen = (file: string) => sh(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'ddnsd-test', '-f', file]);
  keygen(join(dir, 'host_key'));
  const identity = join(clientDir, 'id_ed25519');
  const strangerIdentity = join(clientDir, 'stranger');
  keygen(identity);
  keygen(strangerIdentity);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${identity}.pub`));
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const port = await freePort();
  const knownHosts = join(clientDir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n[::1]:${port} ${hostPub}\n`);
  const conf = join(dir, 'sshd_config');
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      'ListenAddress ::1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PrintMotd no',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  await ready(child, port);
  return {
    port,
    identity,
    knownHosts,
    strangerIdentity,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

function ready(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const done = () => {
      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
      child.stderr!.off('data', onData);
      child.stderr!.resume(); // keep draining sshd's log so it never blocks on a full pipe
    };
    const fail = (e: Error) => {
      done();
      child.kill('SIGKILL');
      reject(e);
    };
    const onError = (e: Error) => fail(new Error(`cannot start sshd (is openssh-server installed?): ${e.message}`));
    const onExit = (code: number | null) => fail(new Error(`sshd exited with ${code}:\n${log}`));
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      // One line per ListenAddress; ready once both sockets are bound.
      if ((log.match(/Server listening on/g) ?? []).length >= 2) {
        done();
        resolve();
      }
    };
    const timer = setTimeout(() => fail(new Error(`sshd did not start on port ${port} within 15 s:\n${log}`)), 15_000);
    child.once('error', onError);
    child.once('exit', onExit);
    child.stderr!.on('data', onData);
  });
}
