// Cloudflare API v4: find the zone (longest matching suffix of the record name, or `zone_id`),
// read the record by name and type, create it when absent, PATCH only its content when it
// differs, and write nothing when it already holds the address.
//
// Several records at one name and type (round robin, or a second machine's address) are never
// changed: ddnsd cannot know which one is "its" record, and changing or deleting one of them
// could take a service down. That is a permanent failure that names the record ids, so a human
// decides.
import { DdnsError, permanent, transient } from '../../src/errors.js';
import { retryAfter } from '../../src/url.js';
import type { HttpResponse } from '../../src/http.js';
import type { RunContext } from '../../src/context.js';
import { rrType } from '../../src/types.js';
import type { Change, Family, Outcome } from '../../src/types.js';
import type { Provider, ProviderModule, Settings, Verdict } from '../types.js';
import { Budget, excerpt, sameAddress, scrub, scrubError } from '../shared.js';
import { CLOUDFLARE_API } from './config.js';

export interface CloudflareSettings {
  token: string;
  zone_id?: string;
  api?: string;
  proxied?: boolean;
  ttl?: number;
  comment?: string;
}

/** The fields of a DNS record that ddnsd reads. */
interface DnsRecord {
  id: string;
  name: string;
  type: string;
  content: string;
}

interface Zone {
  id: string;
  name: string;
}

/** What a request was for: decides which permission a 403 names. */
type Step = 'zone' | 'read' | 'write';

/** A rate limit blocks every call for five minutes (Cloudflare's documented window). */
const RATE_LIMIT_WAIT_MS = 5 * 60_000;
const RUN_BUDGET_MS = 25_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** Error codes Cloudflare uses for a token that is malformed or unknown: 1000 "Invalid API
 * Token", 6003/6111 "Invalid request headers" / "Invalid format for Authorization header". 9109
 * is both "Invalid access token" and "Unauthorized to access requested resource" (a valid token
 * without the permission), so its message decides. */
const BAD_TOKEN_CODES = new Set([1000, 6003, 6111]);
/** 971 "Please wait and consider throttling your request speed". */
const RATE_LIMIT_CODES = new Set([971]);

export class Cloudflare implements Provider {
  private readonly api: string;
  /** Zone (or null: not a zone) per name suffix, kept for one run (see renew()). */
  private readonly zones = new Map<string, Zone | null>();
  /** The time this run may spend here, shared by check() and apply(); see budget(). */
  private spent: Budget | null = null;
  /** A bad token or a rate limit holds for every record: after the first, ask no more. */
  private stopAll: DdnsError | null = null;

  constructor(
    readonly name: string,
    private readonly s: CloudflareSettings,
    /** Time limits (tests shorten them). */
    private readonly limits = { runMs: RUN_BUDGET_MS, requestMs: REQUEST_TIMEOUT_MS },
  ) {
    this.api = (s.api ?? CLOUDFLARE_API).replace(/\/+$/, '');
  }

  async check(changes: readonly Change[], ctx: RunContext): Promise<Verdict[]> {
    this.renew();
    const verdicts: Verdict[] = [];
    for (const { record, family, address } of changes) {
      if (this.stopAll) {
        verdicts.push(this.stopAll);
        continue;
      }
      try {
        const budget = this.budget();
        const zone = await this.zoneFor(record.name, ctx, budget);
        const existing = await this.readRecord(zone, record.name, family, ctx, budget);
        verdicts.push(existing && sameAddress(existing.content, address) ? 'in-sync' : 'differs');
      } catch (err) {
        verdicts.push(this.remember(err));
      }
    }
    return verdicts;
  }

  async apply(changes: readonly Change[], ctx: RunContext): Promise<Outcome[]> {
    this.renew();
    const outcomes: Outcome[] = [];
    for (const change of changes) {
      if (this.stopAll) {
        outcomes.push({ change, status: 'failed', error: this.stopAll });
        continue;
      }
      try {
        outcomes.push(await this.applyOne(change, ctx, this.budget()));
      } catch (err) {
        outcomes.push({ change, status: 'failed', error: this.remember(err) });
      }
    }
    return outcomes;
  }

  /** One budget for the checks and updates of a run (spec.md: about 30 s for a provider that
   * does not answer). A provider used again long after (a longer-lived caller) starts afresh,
   * and forgets the last run's stop and zones. */
  private renew(): void {
    if (this.spent && this.spent.age() <= 2 * this.limits.runMs) return;
    this.spent = new Budget(this.limits.runMs, this.limits.requestMs);
    this.stopAll = null;
    this.zones.clear();
  }

  private budget(): Budget {
    this.renew();
    return this.spent!;
  }

  /** Every failure passes here on its way to a verdict or outcome, whose message is stored:
   * the token goes no further, whichever of the API's answers echoed it. */
  private remember(err: unknown): DdnsError {
    const error = err instanceof DdnsError ? scrubError(err, [this.s.token]) : transient('INTERNAL', `Cloudflare: unexpected error: ${this.clean(String(err))}`);
    if (error.code === 'TOKEN_INVALID' || error.code === 'RATE_LIMITED' || error.code === 'PROVIDER_TIMEOUT') this.stopAll = error;
    return error;
  }

  private async applyOne(change: Change, ctx: RunContext, budget: Budget): Promise<Outcome> {
    const { record, family, address } = change;
    const type = rrType(family);
    const zone = await this.zoneFor(record.name, ctx, budget);
    const existing = await this.readRecord(zone, record.name, family, ctx, budget);
    const base = `${this.api}/zones/${encodeURIComponent(zone.id)}/dns_records`;
    if (existing && sameAddress(existing.content, address)) return { change, status: 'in-sync' };

    let written: unknown;
    if (!existing) {
      const body: Record<string, unknown> = { type, name: record.name, content: address, ttl: this.s.ttl ?? record.ttl };
      if (this.s.proxied !== undefined) body.proxied = this.s.proxied;
      if (this.s.comment !== undefined) body.comment = this.s.comment;
      written = await this.call(ctx, budget, 'POST', base, { step: 'write', zone, record: record.name, type }, body);
    } else {
      // Only what ddnsd owns: the content, plus what the config sets explicitly.
      const body: Record<string, unknown> = { content: address };
      if (this.s.proxied !== undefined) body.proxied = this.s.proxied;
      if (this.s.ttl !== undefined) body.ttl = this.s.ttl;
      if (this.s.comment !== undefined) body.comment = this.s.comment;
      written = await this.call(ctx, budget, 'PATCH', `${base}/${encodeURIComponent(existing.id)}`, { step: 'write', zone, record: record.name, type }, body);
    }
    const content = isObject(written) && typeof written.content === 'string' ? written.content : null;
    if (content !== null && !sameAddress(content, address)) {
      throw transient('ECHO_MISMATCH', `Cloudflare stored ${JSON.stringify(this.clean(content).slice(0, 60))} for the ${type} record of ${record.name}, not ${address}; trying again later`);
    }
    return { change, status: 'updated' };
  }

  /** The zone holding `name`: `zone_id` when set, else the longest suffix that is a zone. */
  private async zoneFor(name: string, ctx: RunContext, budget: Budget): Promise<Zone> {
    if (this.s.zone_id) return { id: this.s.zone_id, name: `zone_id ${this.s.zone_id}` };
    const labels = name.split('.');
    const tried: string[] = [];
    for (let i = 0; i <= labels.length - 2; i++) {
      const suffix = labels.slice(i).join('.');
      tried.push(suffix);
      if (!this.zones.has(suffix)) this.zones.set(suffix, await this.lookupZone(suffix, name, ctx, budget));
      const zone = this.zones.get(suffix);
      if (zone) return zone;
    }
    throw permanent(
      'ZONE_NOT_FOUND',
      `no Cloudflare zone that this token can see holds ${name} (tried ${tried.join(', ')}); check the record name, give the token Zone → DNS → Edit on the zone, or set zone_id`,
    );
  }

  private async lookupZone(suffix: string, name: string, ctx: RunContext, budget: Budget): Promise<Zone | null> {
    const url = `${this.api}/zones?name=${encodeURIComponent(suffix)}`;
    const result = await this.call(ctx, budget, 'GET', url, { step: 'zone', zone: { id: '', name: suffix }, record: name });
    if (!Array.isArray(result)) throw this.badShape('GET /zones', 'result is not a list');
    const match = result.find(
      (z): z is { id: string } =>
        isObject(z) &&
        typeof z.id === 'string' &&
        (typeof z.name !== 'string' || z.name.toLowerCase() === suffix) &&
        z.status !== 'deleted',
    );
    return match ? { id: match.id, name: suffix } : null;
  }

  /** The one record of this name and type, or null; several is a permanent failure. */
  private async readRecord(zone: Zone, name: string, family: Family, ctx: RunContext, budget: Budget): Promise<DnsRecord | null> {
    const type = rrType(family);
    const url = `${this.api}/zones/${encodeURIComponent(zone.id)}/dns_records?type=${type}&name=${encodeURIComponent(name)}`;
    const result = await this.call(ctx, budget, 'GET', url, { step: 'read', zone, record: name, type });
    if (!Array.isArray(result)) throw this.badShape('GET dns_records', 'result is not a list');
    const records: DnsRecord[] = [];
    for (const r of result) {
      if (!isObject(r) || typeof r.id !== 'string' || typeof r.content !== 'string') {
        throw this.badShape('GET dns_records', 'a record lacks id or content');
      }
      // Trust but verify: a record that names another name or type is not ours.
      if (typeof r.name === 'string' && r.name.toLowerCase() !== name) continue;
      if (typeof r.type === 'string' && r.type !== type) continue;
      records.push({ id: r.id, name, type, content: r.content });
    }
    if (records.length > 1) {
      const list = records.map((r) => `${r.id} (${r.content})`).join(', ');
      throw permanent(
        'DUPLICATE_RECORDS',
        `Cloudflare holds ${records.length} ${type} records for ${name}: ${list}; ddnsd changes a name only when it has exactly one ${type} record, so delete the ones you do not want in the dashboard`,
      );
    }
    return records[0] ?? null;
  }

  /** One API call; returns the envelope's `result` or throws a DdnsError that says why. */
  private async call(
    ctx: RunContext,
    budget: Budget,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    what: { step: Step; zone: Zone; record: string; type?: string },
    body?: unknown,
  ): Promise<unknown> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.s.token}`,
      accept: 'application/json',
      'user-agent': ctx.userAgent,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    ctx.log.debug(`${this.name}: Cloudflare ${method} ${url.slice(this.api.length)}${body === undefined ? '' : ` ${JSON.stringify(body)}`}`);
    let res: HttpResponse;
    try {
      res = await ctx.http.request({
        url,
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: budget.next(`Cloudflare ${method}`),
        signal: ctx.signal,
      });
    } catch (err) {
      if (err instanceof DdnsError) throw new DdnsError(err.kind, err.code, `Cloudflare: ${this.clean(err.message)}`, err.retryAfter ? { retryAfter: err.retryAfter } : {});
      throw transient('HTTP_NETWORK', `Cloudflare: ${this.clean(String(err))}`);
    }
    ctx.log.debug(`${this.name}: Cloudflare answered HTTP ${res.status}`);
    return this.result(res, method, what, ctx.now());
  }

  private result(res: HttpResponse, method: string, what: { step: Step; zone: Zone; record: string; type?: string }, now: Date): unknown {
    const doing = describe(method, what);
    if (res.status === 429) {
      const asked = retryAfter(res.headers, now);
      const floor = new Date(now.getTime() + RATE_LIMIT_WAIT_MS);
      const at = asked && asked > floor ? asked : floor;
      return fail(transient('RATE_LIMITED', `Cloudflare rate limit (HTTP 429) while ${doing}; not asking again before ${at.toISOString()}`, { retryAfter: at }));
    }
    if (res.status >= 500) {
      const at = retryAfter(res.headers, now);
      return fail(transient('HTTP_5XX', `Cloudflare answered HTTP ${res.status} while ${doing}; trying again later`, at ? { retryAfter: at } : {}));
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(res.body);
    } catch {
      envelope = undefined;
    }
    const errors = isObject(envelope) && Array.isArray(envelope.errors) ? envelope.errors.filter(isObject) : [];
    const codes = errors.map((e) => (typeof e.code === 'number' ? e.code : 0));
    const said = errors.length
      ? this.clean(errors.map((e) => `${String(e.code ?? '?')} ${String(e.message ?? '')}`.trim()).join('; ')).slice(0, 300)
      : '';
    const cf = said ? ` (Cloudflare: ${said})` : '';

    if (codes.some((c) => RATE_LIMIT_CODES.has(c))) {
      const at = new Date(now.getTime() + RATE_LIMIT_WAIT_MS);
      return fail(transient('RATE_LIMITED', `Cloudflare rate limit while ${doing}${cf}; not asking again before ${at.toISOString()}`, { retryAfter: at }));
    }
    const badToken = errors.some(
      (e) => BAD_TOKEN_CODES.has(e.code as number) || (e.code === 9109 && /invalid/i.test(String(e.message ?? ''))),
    );
    if (res.status === 401 || badToken) {
      return fail(
        permanent(
          'TOKEN_INVALID',
          `Cloudflare rejected the API token (HTTP ${res.status}: invalid, expired or revoked) while ${doing}${cf}; create an API token with the permission Zone → DNS → Edit and put it in token or token_file`,
        ),
      );
    }
    if (res.status === 403) {
      return fail(permanent('TOKEN_FORBIDDEN', `${forbidden(what)} (HTTP 403 while ${doing})${cf}`));
    }
    if (envelope === undefined) {
      const why = res.status >= 200 && res.status < 300 ? `HTTP ${res.status} with a body that is not JSON` : `HTTP ${res.status}, not JSON`;
      return fail(permanent('BAD_ANSWER', `Cloudflare answered ${why} while ${doing}: ${excerpt(this.clean(res.body))}; check api (the Cloudflare API v4 base URL)`));
    }
    if (!isObject(envelope) || envelope.success !== true) {
      const flag = isObject(envelope) && envelope.success === false ? 'success: false' : 'no success: true';
      return fail(permanent('API_ERROR', `Cloudflare refused ${doing} (HTTP ${res.status}, ${flag})${cf || ' without saying why'}`));
    }
    if (res.status < 200 || res.status >= 300) {
      return fail(permanent('HTTP_STATUS', `Cloudflare answered HTTP ${res.status} while ${doing}${cf}; check api`));
    }
    return envelope.result;
  }

  private badShape(call: string, why: string): DdnsError {
    return permanent('BAD_ANSWER', `Cloudflare's answer to ${call} has an unexpected shape (${why}); check api (the Cloudflare API v4 base URL)`);
  }

  /** Nothing that reaches an operator may hold the token. */
  private clean(text: string): string {
    return scrub(text, [this.s.token]);
  }
}

function fail(error: DdnsError): never {
  throw error;
}

function describe(method: string, what: { step: Step; zone: Zone; record: string; type?: string }): string {
  switch (what.step) {
    case 'zone':
      return `looking up zone ${what.zone.name} for ${what.record}`;
    case 'read':
      return `reading the ${what.type} records of ${what.record}`;
    case 'write':
      return `${method === 'POST' ? 'creating' : 'changing'} the ${what.type} record of ${what.record}`;
  }
}

/** A 403 says which permission the token lacks, in the dashboard's words. */
function forbidden(what: { step: Step; zone: Zone; record: string }): string {
  switch (what.step) {
    case 'zone':
      return `the API token may not look up zone ${what.zone.name}: give it the permission Zone → DNS → Edit on that zone (add Zone → Zone → Read if lookups still fail), or set zone_id`;
    case 'read':
      return `the API token may not read DNS records of ${what.zone.name}: give it the permission Zone → DNS → Edit on that zone`;
    case 'write':
      return `the API token may read but not edit DNS records of ${what.zone.name}: it lacks the permission Zone → DNS → Edit on that zone`;
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const mod: ProviderModule = {
  create: (name: string, settings: Settings) => new Cloudflare(name, settings as unknown as CloudflareSettings),
};
export default mod;
