// Duck DNS: `GET /update?domains=a,b&token=T&ip=V4&ipv6=V6`, answered `OK` or `KO` in the body.
// Both families of a record go in one request when both are due; records that need the same
// change share one request. A family not in the change list is not sent at all: an empty `ip=`
// would make Duck DNS take the connection's address, and `ipv6` alone leaves the A record be.
// The token travels in the query string, so no URL is ever printed unredacted.
import { DdnsError, permanent, transient } from '../../src/errors.js';
import { redactUrl, retryAfter } from '../../src/url.js';
import type { HttpResponse } from '../../src/http.js';
import type { RunContext } from '../../src/context.js';
import type { Change, Outcome } from '../../src/types.js';
import type { Provider, ProviderModule, Settings } from '../types.js';
import { Budget, excerpt, scrub } from '../shared.js';
import { DUCKDNS_SERVER, subName } from './config.js';

export interface DuckdnsSettings {
  token: string;
  server?: string;
}

/** Records that need the same addresses: one request. */
interface Batch {
  ipv4?: string;
  ipv6?: string;
  subs: string[];
  changes: Change[];
}

const RUN_BUDGET_MS = 25_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** Keep the query string well under common URL limits. */
const MAX_DOMAINS = 20;

export class Duckdns implements Provider {
  constructor(
    readonly name: string,
    private readonly s: DuckdnsSettings,
    /** Time limits (tests shorten them). */
    private readonly limits = { runMs: RUN_BUDGET_MS, requestMs: REQUEST_TIMEOUT_MS },
  ) {}

  async apply(changes: readonly Change[], ctx: RunContext): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    // Per record: the addresses due for each family.
    const perRecord = new Map<string, { sub: string; ipv4?: string; ipv6?: string; changes: Change[] }>();
    for (const c of changes) {
      const sub = subName(c.record.name);
      if (sub === null) {
        outcomes.push({ change: c, status: 'failed', error: permanent('NOT_DUCKDNS', `${c.record.name} is not a name under duckdns.org; check records[].name`) });
        continue;
      }
      const entry = perRecord.get(sub) ?? { sub, changes: [] };
      entry[c.family] = c.address;
      entry.changes.push(c);
      perRecord.set(sub, entry);
    }
    const groups = new Map<string, { sub: string; ipv4?: string; ipv6?: string; changes: Change[] }[]>();
    for (const r of perRecord.values()) {
      const key = `${r.ipv4 ?? ''}|${r.ipv6 ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const batches: Batch[] = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += MAX_DOMAINS) {
        const chunk = group.slice(i, i + MAX_DOMAINS);
        batches.push({ ipv4: chunk[0]!.ipv4, ipv6: chunk[0]!.ipv6, subs: chunk.map((r) => r.sub), changes: chunk.flatMap((r) => r.changes) });
      }
    }
    const budget = new Budget(this.limits.runMs, this.limits.requestMs);
    let stopAll: DdnsError | null = null;
    for (const batch of batches) {
      let error: DdnsError | null = stopAll;
      if (!error) {
        try {
          await this.send(batch, ctx, budget);
        } catch (err) {
          error = err instanceof DdnsError ? err : transient('INTERNAL', `Duck DNS: unexpected error: ${this.clean(String(err))}`);
          // A spent deadline or a rate limit holds for every request. (KO does not: it may be
          // one domain that is not in the account.)
          if (error.code === 'PROVIDER_TIMEOUT' || error.code === 'RATE_LIMITED') stopAll = error;
        }
      }
      for (const change of batch.changes) outcomes.push(error ? { change, status: 'failed', error } : { change, status: 'updated' });
    }
    return outcomes;
  }

  private async send(batch: Batch, ctx: RunContext, budget: Budget): Promise<void> {
    const url = updateUrl(this.s.server ?? DUCKDNS_SERVER, this.s.token, batch);
    const where = redactUrl(url);
    const domains = batch.subs.join(',');
    ctx.log.debug(`${this.name}: Duck DNS GET ${where}`);
    let res: HttpResponse;
    try {
      res = await ctx.http.request({ url, timeoutMs: budget.next('Duck DNS'), signal: ctx.signal, headers: { 'user-agent': ctx.userAgent } });
    } catch (err) {
      if (err instanceof DdnsError) throw new DdnsError(err.kind, err.code, `Duck DNS: ${this.clean(err.message)}`, err.retryAfter ? { retryAfter: err.retryAfter } : {});
      throw transient('HTTP_NETWORK', `Duck DNS: ${this.clean(String(err))}`);
    }
    ctx.log.debug(`${this.name}: Duck DNS answered HTTP ${res.status} ${excerpt(this.clean(res.body), 40)}`);
    const now = ctx.now();
    if (res.status === 429) {
      const at = retryAfter(res.headers, now) ?? new Date(now.getTime() + 5 * 60_000);
      throw transient('RATE_LIMITED', `Duck DNS rate limit (HTTP 429) for ${domains}; not asking again before ${at.toISOString()}`, { retryAfter: at });
    }
    if (res.status >= 500) {
      const at = retryAfter(res.headers, now);
      throw transient('HTTP_5XX', `Duck DNS answered HTTP ${res.status} for ${domains} (${where}); trying again later`, at ? { retryAfter: at } : {});
    }
    // The body is the signal (`OK`, or `OK` and details with verbose=true); the status is not.
    const first = res.body.split(/\r?\n/, 1)[0]!.trim();
    if (first === 'OK') return;
    if (first === 'KO') {
      throw permanent(
        'KO',
        `Duck DNS answered KO for ${domains}: the token is wrong, or ${batch.subs.length > 1 ? 'one of these domains is' : 'the domain is'} not in this account; check token and records[].name`,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw permanent('HTTP_STATUS', `Duck DNS answered HTTP ${res.status} for ${domains} (${where}); check server`);
    }
    throw transient('UNKNOWN_ANSWER', `Duck DNS answered neither OK nor KO for ${domains}: ${excerpt(this.clean(res.body))}; trying again later`);
  }

  private clean(text: string): string {
    return scrub(text, [this.s.token]);
  }
}

/** `<server>/update?domains=a,b&token=T[&ip=V4][&ipv6=V6]`; every value percent-encoded, the
 * commas between domains left as commas. */
export function updateUrl(server: string, token: string, batch: { subs: string[]; ipv4?: string; ipv6?: string }): string {
  const base = new URL(server);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/update`;
  base.search = '';
  const query = [`domains=${batch.subs.map(encodeURIComponent).join(',')}`, `token=${encodeURIComponent(token)}`];
  if (batch.ipv4 !== undefined) query.push(`ip=${encodeURIComponent(batch.ipv4)}`);
  if (batch.ipv6 !== undefined) query.push(`ipv6=${encodeURIComponent(batch.ipv6)}`);
  return `${base.toString()}?${query.join('&')}`;
}

const mod: ProviderModule = {
  create: (name: string, settings: Settings) => new Duckdns(name, settings as unknown as DuckdnsSettings),
};
export default mod;
