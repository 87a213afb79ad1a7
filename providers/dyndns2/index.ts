// dyndns2: `GET /nic/update?hostname=a,b&myip=ADDR` with Basic auth, one answer line per host.
// Hosts of one provider that need the same address share one request. Every return code maps
// to an outcome; the codes that mean "a human must act" stop the record (permanent), the ones
// that mean "later" carry a retry time.
//
// Both families follow the service's convention (config.ts `dual_stack`). Only the families in
// the change list are sent, and never as an empty value: deSEC, for one, deletes a record on an
// empty `myip`, and takes the connection's address when it is absent, so for deSEC the family
// that is not due is sent as `preserve`.
import { configError, DdnsError, permanent, transient } from '../../src/errors.js';
import { retryAfter } from '../../src/url.js';
import type { RunContext } from '../../src/context.js';
import type { Change, Outcome } from '../../src/types.js';
import type { Provider, ProviderModule, Settings } from '../types.js';
import { sameAddress, scrub, scrubError } from '../shared.js';
import { effective } from './config.js';
import type { Effective } from './config.js';

export type Dyndns2Settings = Effective;

/** One host in one request: the addresses due for it, and the changes they answer. */
interface HostUpdate {
  host: string;
  ipv4?: string;
  ipv6?: string;
  changes: Change[];
}

/** dyndns2 allows at most 20 hosts per request. */
const MAX_HOSTS = 20;

const STOP: Record<string, string> = {
  badauth: 'check username/password',
  '!donator': 'the request used a feature of paid accounts; check the provider settings',
  notfqdn: 'the host name is not a fully qualified name; check records[].name',
  nohost: 'the host is not in this account; check records[].name and username',
  numhost: 'too many hosts in one request, or a round-robin host; contact the provider',
  abuse: 'the host is blocked for abuse; unblock it at the provider before ddnsd tries again',
  badagent: 'the provider refused this client (user agent or method); report it to ddnsd',
  '!yours': 'the host belongs to another account; check records[].name',
  badsys: 'the provider refused the system parameter; check server',
  '!active': 'the domain is not activated at the provider',
};

export function updateUrl(server: string): URL {
  const url = new URL(server);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/nic/update';
  return url;
}

export class Dyndns2 implements Provider {
  constructor(
    readonly name: string,
    private readonly s: Dyndns2Settings,
  ) {}

  async apply(changes: readonly Change[], ctx: RunContext): Promise<Outcome[]> {
    // Per host (or per host and family, for services that take one family per request) ...
    const hosts = new Map<string, HostUpdate>();
    for (const c of changes) {
      const key = this.s.dualStack === 'separate' ? `${c.record.name} ${c.family}` : c.record.name;
      const h = hosts.get(key) ?? { host: c.record.name, changes: [] };
      h[c.family] = c.address;
      h.changes.push(c);
      hosts.set(key, h);
    }
    // ... then hosts that need the same addresses share a request.
    const groups = new Map<string, HostUpdate[]>();
    for (const h of hosts.values()) {
      const key = `${h.ipv4 ?? ''} ${h.ipv6 ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), h]);
    }
    const outcomes: Outcome[] = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += MAX_HOSTS) {
        // A server may echo the credentials, and a failure's message is stored: scrub it here.
        const sent = await this.send(group.slice(i, i + MAX_HOSTS), ctx);
        outcomes.push(...sent.map((o) => (o.status === 'failed' ? { ...o, error: scrubError(o.error, this.secrets()) } : o)));
      }
    }
    return outcomes;
  }

  /** The address parameters for one request; never an empty value. */
  addressParams(h: { ipv4?: string; ipv6?: string }): [string, string][] {
    const { ipv4, ipv6 } = h;
    switch (this.s.dualStack) {
      case 'combined':
      case 'separate':
        return [['myip', [ipv4, ipv6].filter((a): a is string => !!a).join(',')]];
      case 'myipv6': {
        const out: [string, string][] = [];
        const v4 = ipv4 ?? this.s.keep;
        const v6 = ipv6 ?? this.s.keep;
        if (v4) out.push(['myip', v4]);
        if (v6) out.push(['myipv6', v6]);
        return out;
      }
    }
  }

  private async send(batch: HostUpdate[], ctx: RunContext): Promise<Outcome[]> {
    const url = updateUrl(this.s.server);
    url.searchParams.set('hostname', batch.map((h) => h.host).join(','));
    for (const [k, value] of this.addressParams(batch[0]!)) {
      if (value === '') throw new Error('dyndns2: refusing to send an empty address');
      url.searchParams.set(k, value);
    }
    const host = url.hostname;
    const fail = (error: DdnsError): Outcome[] => batch.flatMap((h) => h.changes.map((change) => ({ change, status: 'failed' as const, error })));
    let res;
    try {
      res = await ctx.http.request({
        url: url.toString(),
        timeoutMs: 10_000,
        signal: ctx.signal,
        headers: {
          authorization: `Basic ${this.credentials()}`,
          'user-agent': ctx.userAgent,
        },
      });
    } catch (err) {
      return fail(err as DdnsError);
    }
    const now = ctx.now();
    if (res.status === 401 || res.status === 403) {
      return fail(permanent('BADAUTH', `HTTP ${res.status} (badauth) from ${host}; check username/password`));
    }
    if (res.status === 429) {
      return fail(transient('RATE_LIMITED', `HTTP 429 (rate limited) from ${host}`, { retryAfter: retryAfter(res.headers, now) }));
    }
    if (res.status >= 500) {
      return fail(transient('HTTP_5XX', `HTTP ${res.status} from ${host}`, { retryAfter: retryAfter(res.headers, now) }));
    }
    if (res.status < 200 || res.status >= 300) {
      return fail(permanent('HTTP_STATUS', `HTTP ${res.status} from ${host}; check server (the update URL)`));
    }
    const lines = res.body.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) return fail(transient('EMPTY_ANSWER', `empty answer from ${host}`));
    // One line for several hosts: an account-wide answer (or a server that answers once).
    const perHost = lines.length === batch.length ? lines : lines.length === 1 ? batch.map(() => lines[0]!) : null;
    if (!perHost) {
      return fail(transient('BAD_ANSWER', `${host} answered ${lines.length} lines for ${batch.length} hosts`));
    }
    return batch.flatMap((h, i) => h.changes.map((change) => this.outcome(change, perHost[i]!, host, now)));
  }

  private outcome(change: Change, line: string, host: string, now: Date): Outcome {
    const [code = '', echoed] = line.split(/\s+/, 2);
    if (code === 'good' || code === 'nochg') {
      if (echoed === '127.0.0.1' && change.address !== '127.0.0.1') {
        return { change, status: 'failed', error: permanent('IGNORED', `${host} ignored the request (good 127.0.0.1); report it to ddnsd`) };
      }
      if (echoed && !echoed.split(',').some((e) => sameAddress(e, change.address))) {
        return { change, status: 'failed', error: transient('ECHO_MISMATCH', `${host} answered "${code} ${echoed}", not ${change.address}`) };
      }
      return { change, status: code === 'good' ? 'updated' : 'in-sync' };
    }
    const stop = STOP[code];
    if (stop) return { change, status: 'failed', error: permanent(code.toUpperCase(), `${code} from ${host}; ${stop}`) };
    if (code === 'dnserr' || code === '911') {
      const at = new Date(now.getTime() + 30 * 60_000);
      return { change, status: 'failed', error: transient(code === '911' ? 'OUTAGE' : 'DNSERR', `${code} from ${host} (provider trouble); waiting 30 minutes`, { retryAfter: at }) };
    }
    const wait = /^w(\d+)([smh])$/.exec(code);
    if (wait) {
      const ms = Number(wait[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[wait[2] as 's' | 'm' | 'h'];
      return { change, status: 'failed', error: transient('WAIT', `${host} asked to wait ${wait[1]}${wait[2]}`, { retryAfter: new Date(now.getTime() + ms) }) };
    }
    const said = JSON.stringify(scrub(line, this.secrets()).slice(0, 60));
    return { change, status: 'failed', error: transient('UNKNOWN_ANSWER', `unexpected answer from ${host}: ${said}`) };
  }

  /** What an answer may echo: the password, and the Basic credentials that carry it. The user
   * name is not a secret (src/log.ts does not mask it either). */
  private secrets(): string[] {
    return [this.s.password, this.credentials()];
  }

  private credentials(): string {
    return Buffer.from(`${this.s.username}:${this.s.password}`).toString('base64');
  }
}

const mod: ProviderModule = {
  create: (name: string, settings: Settings) => {
    const s = effective(settings);
    if (typeof s === 'string') throw configError('PROVIDER_INVALID', `providers.${name}: ${s}`);
    return new Dyndns2(name, s);
  },
};
export default mod;
