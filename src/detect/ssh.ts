// `ssh`: our address as an ssh server sees it. sshd puts `client_ip client_port server_ip
// server_port` in SSH_CONNECTION of every session. Without `host`, ddnsd itself runs inside such
// a session (started over ssh by the box whose address we want) and reads its own environment;
// with `host`, ddnsd logs into that server with the system ssh (argv array, BatchMode, no local
// shell) and reads the remote value.
import type { Family } from '../types.js';
import type { DetectorModule } from './types.js';
import type { Parsed } from './address.js';
import { familyOf, parseAddress, quote } from './address.js';
import { lastLine, runProcess, type RunFn } from './process.js';

export interface SshDeps {
  run: RunFn;
  /** The ssh program (argv prefix). */
  ssh: readonly string[];
}

export type SshSettings = {
  host?: string | undefined;
  port?: number | undefined;
  identity?: string | undefined;
  known_hosts?: string | undefined;
};

/** What the remote shell runs; every common login shell (sh, bash, zsh, csh, fish) understands it. */
export const REMOTE_COMMAND = 'echo "$SSH_CONNECTION"';
const MAX_OUTPUT = 4096;

export function createSshDetector(deps: SshDeps): DetectorModule<SshSettings> {
  return {
    describe: (s) => (s.host ? `ssh ${s.host}${s.port ? ` port ${s.port}` : ''}` : 'ssh (SSH_CONNECTION)'),
    async detect(s, family, ctx) {
      if (!s.host) {
        // port, identity and known_hosts without host are config errors (detect/index.ts).
        const value = ctx.env.SSH_CONNECTION;
        if (value === undefined || value.trim() === '') {
          return {
            ok: false,
            reason: 'SSH_CONNECTION is not set: ddnsd is not running in an ssh session; set host to ask an ssh server',
          };
        }
        return parseSshConnection(value, family);
      }

      const argv = sshArgv(deps.ssh, s, family);
      const r = await deps.run(argv, { timeoutMs: s.timeout, signal: ctx.signal, env: ctx.env, maxBytes: MAX_OUTPUT });
      if (r.error) return { ok: false, reason: `cannot run ssh: ${r.error}` };
      if (r.timedOut) return { ok: false, reason: `ssh ${s.host} did not answer within ${s.timeout} ms` };
      if (r.overflow) return { ok: false, reason: `ssh ${s.host} printed more than ${MAX_OUTPUT} bytes` };
      if (r.code !== 0) {
        const why = lastLine(r.stderr) || `exit status ${r.code}`;
        return { ok: false, reason: `ssh ${s.host} failed: ${why}` };
      }
      const out = r.stdout.trim();
      if (out === '') return { ok: false, reason: `ssh ${s.host}: the remote SSH_CONNECTION is empty` };
      if (out.includes('\n')) {
        return { ok: false, reason: `ssh ${s.host} printed more than one line: ${quote(out)} (a login script that prints?)` };
      }
      return parseSshConnection(out, family);
    },
  };
}

/** The ssh argv: options from the settings, `-4`/`-6`, then `--`, the destination and the remote command. */
export function sshArgv(ssh: readonly string[], s: SshSettings & { timeout: number }, family: Family): string[] {
  const argv = [
    ...ssh,
    family === 'ipv4' ? '-4' : '-6',
    '-T', // no terminal
    '-x', // no X11
    '-a', // no agent forwarding
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${Math.max(1, Math.ceil(s.timeout / 1000))}`,
  ];
  if (s.port !== undefined) argv.push('-p', String(s.port));
  if (s.identity !== undefined) argv.push('-o', `IdentityFile=${sshConfigPath(s.identity)}`, '-o', 'IdentitiesOnly=yes');
  if (s.known_hosts !== undefined) argv.push('-o', `UserKnownHostsFile=${sshConfigPath(s.known_hosts)}`);
  argv.push('--', s.host ?? '', REMOTE_COMMAND);
  return argv;
}

/**
 * A file path as an ssh config value: ssh splits values on whitespace (UserKnownHostsFile takes
 * several files) and expands `%` tokens and `~`, so quote it, escape `"` and `\`, double `%`.
 */
export function sshConfigPath(path: string): string {
  return `"${path.replace(/[\\"]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
}

/** Field 1 of `client_ip client_port server_ip server_port`, strictly. */
export function parseSshConnection(value: string, family: Family): Parsed {
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 4) {
    return {
      ok: false,
      reason: `SSH_CONNECTION has ${fields.length} fields, expected 4 (client address, client port, server address, server port): ${quote(value)}`,
    };
  }
  const [client = '', clientPort = '', server = '', serverPort = ''] = fields;
  if (!isPort(clientPort) || !isPort(serverPort)) {
    return { ok: false, reason: `SSH_CONNECTION has a port that is not a number from 1 to 65535: ${quote(value)}` };
  }
  if (client.includes('%')) {
    return { ok: false, reason: `SSH_CONNECTION names a zone-scoped address ${quote(client)}: a link-local address cannot be published` };
  }
  const parsed = parseAddress(client, family);
  if (!parsed.ok) return { ok: false, reason: `SSH_CONNECTION's client field: ${parsed.reason}` };
  if (familyOf(server.split('%')[0] ?? '') === null) {
    return { ok: false, reason: `SSH_CONNECTION's server field is not an address: ${quote(value)}` };
  }
  return parsed;
}

function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535;
}

export default createSshDetector({ run: runProcess, ssh: ['ssh'] });
