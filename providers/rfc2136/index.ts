// rfc2136: publish addresses with DNS UPDATE (RFC 2136) signed with TSIG (RFC 8945).
//   check:  prerequisite-only UPDATE `yxrrset NAME TYPE ADDRESS` — NOERROR in sync, NXRRSET differs;
//           nothing is written, so the zone serial does not move.
//   apply:  one atomic message: delete the RRset NAME TYPE, add NAME TTL TYPE ADDRESS. When the
//           address moved away from one ddnsd published (PREVIOUS), the message carries the guard
//           `yxrrset NAME TYPE PREVIOUS`, so a second writer is noticed (and logged) instead of
//           silently overwritten; otherwise the probe runs first, so nothing is rewritten when the
//           record already holds the address.
//   Several records of one zone go in one message (one round trip, one zone transaction, one
//   serial bump); when that message fails in a way that may concern one record only, each
//   record is sent on its own, so one refused name never holds back the others.
// Zone and primary are found as nsupdate finds them, only when `zone` or `server` is not set.
import { promises as dnsPromises, getServers } from 'node:dns';
import { getMaxListeners, setMaxListeners } from 'node:events';
import net from 'node:net';
import { configError, DdnsError, permanent, transient } from '../../src/errors.js';
import type { RunContext } from '../../src/context.js';
import { rrType, type Change, type Outcome } from '../../src/types.js';
import { parseHostPort } from '../../src/config/values.js';
import { querySoa, sendUpdate, type Answer, type SendOptions } from '../../src/dns/client.js';
import { WireError } from '../../src/dns/errors.js';
import { checkHostName } from '../../src/dns/name.js';
import { TsigError, type TsigKey } from '../../src/dns/tsig.js';
import { describe, type Server } from '../../src/dns/transport.js';
import type { Prerequisite, Update } from '../../src/dns/update.js';
import type { Provider, ProviderModule, Settings, Verdict } from '../types.js';
import { keyOf, type Rfc2136Settings } from './config.js';

/** Transactions in flight at once when records are sent one by one: the server serialises
 * them per zone, but the round trips overlap. */
export const CONCURRENCY = 32;

/** Most records in one UPDATE message: with three RRs each and long names it stays far below
 * the 64 KiB a DNS message over TCP can hold. */
export const BATCH = 64;

/** All DNS exchanges of one provider in one run end by this long after the first one started
 * (spec: a provider that does not answer costs a run at most about 30 s). */
export const RUN_BUDGET_MS = 28_000;

export interface Rfc2136Deps {
  /** Host name → address (default: the system resolver, as nsupdate does). */
  lookup(host: string): Promise<string>;
  /** The resolvers to ask for SOA records during discovery (default: /etc/resolv.conf). */
  resolvers(): Server[];
}

const defaultDeps: Rfc2136Deps = {
  lookup: async (host) => (await dnsPromises.lookup(host)).address,
  resolvers: () =>
    getServers().map((s) => {
      const hp = parseHostPort(s, 53)!;
      return { host: hp.host, port: hp.port };
    }),
};

interface Target {
  zone: string;
  server: Server;
}

export class Rfc2136 implements Provider {
  private readonly key: TsigKey | null;
  private readonly targets = new Map<string, Promise<Target>>();
  /** Servers that did not answer in this run: later exchanges fail at once (the run's time
   * budget is about 30 s in all, however many records there are). */
  private readonly silent = new Map<string, DdnsError>();
  private budgetEnd = 0;

  constructor(
    readonly name: string,
    private readonly s: Rfc2136Settings,
    private readonly deps: Rfc2136Deps = defaultDeps,
  ) {
    this.key = keyOf(s);
  }

  async check(changes: readonly Change[], ctx: RunContext): Promise<Verdict[]> {
    return this.batched(changes, ctx, {
      // One prerequisite-only message: NOERROR means every record holds its address.
      message: (part) => ({ prereqs: part.map(holds), updates: [] }),
      whole: 'in-sync',
      one: (change, t) => this.checkOne(change, t, ctx),
    });
  }

  async apply(changes: readonly Change[], ctx: RunContext): Promise<Outcome[]> {
    const results = new Map<Change, 'updated' | 'in-sync' | DdnsError>();
    // Nothing known about what the server holds (new, max-age, force): probe first, so a record
    // that already holds the address is not rewritten (the zone serial stays).
    const unknown = changes.filter((c) => guardOf(c) === null && c.why !== 'drift');
    const verdicts = await this.check(unknown, ctx);
    const probed = new Set(unknown);
    const replace = changes.filter((c) => !probed.has(c));
    unknown.forEach((c, i) => (verdicts[i] === 'differs' ? replace.push(c) : results.set(c, verdicts[i]!)));
    // Replace the rest in one transaction, each guarded by the address ddnsd published last
    // where it moves away from one.
    const replaced = await this.batched(replace, ctx, {
      message: (part) => ({ prereqs: part.flatMap(guard), updates: part.flatMap(replacement) }),
      whole: 'updated' as const,
      one: (change, t) => this.applyOne(change, t, ctx),
    });
    replace.forEach((c, i) => results.set(c, replaced[i]!));
    return changes.map((change) => {
      const r = results.get(change)!;
      return r instanceof DdnsError ? { change, status: 'failed', error: r } : { change, status: r };
    });
  }

  /**
   * Several records in one UPDATE per zone (up to BATCH each): one round trip and one zone
   * transaction for all of them. NOERROR gives every record `whole`. An answer that may concern
   * a single record (NXRRSET, REFUSED by the update-policy, ...) is sorted out record by record
   * with `one`; a failure that concerns them all (no answer, key refused, SERVFAIL, NOTAUTH) is
   * every record's failure. A lone record goes to `one` directly.
   */
  private async batched<R>(
    changes: readonly Change[],
    ctx: RunContext,
    how: { message(part: Change[]): { prereqs: Prerequisite[]; updates: Update[] }; whole: R; one(change: Change, t: Target): Promise<R> },
  ): Promise<(R | DdnsError)[]> {
    const results: (R | DdnsError)[] = new Array(changes.length);
    const byTarget = new Map<string, { t: Target; at: number[] }>();
    // Every exchange in flight listens to the run's signal.
    setMaxListeners(Math.max(getMaxListeners(ctx.signal), CONCURRENCY + 10), ctx.signal);
    await Promise.all(
      changes.map(async (c, i) => {
        try {
          const t = await this.target(c.record.name, ctx);
          const key = `${t.zone} ${describe(t.server)}`;
          const group = byTarget.get(key) ?? byTarget.set(key, { t, at: [] }).get(key)!;
          group.at.push(i);
        } catch (err) {
          results[i] = asError(err);
        }
      }),
    );
    for (const { t, at } of byTarget.values()) {
      for (let from = 0; from < at.length; from += BATCH) {
        const part = at.slice(from, from + BATCH);
        if (part.length > 1) {
          const { prereqs, updates } = how.message(part.map((i) => changes[i]!));
          let shared: DdnsError | null = null;
          try {
            const what = `${part.length} records in ${t.zone}`;
            const a = await this.send(t, prereqs, updates, ctx, what);
            if (a.rcodeName === 'NOERROR') {
              for (const i of part) results[i] = how.whole;
              continue;
            }
            if (ZONE_WIDE.has(a.rcodeName)) shared = this.refusal(a, t, what);
            else ctx.log.debug(`${what}: ${a.rcodeName} for the message holding them all; sending each on its own`);
          } catch (err) {
            shared = asError(err);
          }
          if (shared) {
            for (const i of part) results[i] = shared;
            continue;
          }
        }
        await pool(part, CONCURRENCY, async (i) => {
          try {
            results[i] = await how.one(changes[i]!, t);
          } catch (err) {
            results[i] = asError(err);
          }
        });
      }
    }
    return results;
  }

  private async checkOne(change: Change, t: Target, ctx: RunContext): Promise<'in-sync' | 'differs'> {
    const what = `${change.record.name} ${rrType(change.family)}`;
    const a = await this.send(t, [holds(change)], [], ctx, what);
    if (a.rcodeName === 'NOERROR') return 'in-sync';
    if (a.rcodeName === 'NXRRSET') return 'differs';
    throw this.refusal(a, t, what);
  }

  /** Replace one record: guarded by the address ddnsd published last when it moves away from one. */
  private async applyOne(change: Change, t: Target, ctx: RunContext): Promise<'updated'> {
    const what = `${change.record.name} ${rrType(change.family)}`;
    const replaced = async (prereqs: Prerequisite[]) => {
      const a = await this.send(t, prereqs, replacement(change), ctx, what);
      if (a.rcodeName !== 'NOERROR') throw this.refusal(a, t, what);
      return 'updated' as const;
    };
    const previous = guardOf(change);
    if (previous === null) return replaced([]);
    // The guard fails when an earlier copy of this very message was applied (UDP retries can
    // lie, RFC 2136 §7.8) or someone else changed the record meanwhile.
    const guarded = await this.send(t, guard(change), replacement(change), ctx, what);
    if (guarded.rcodeName === 'NOERROR') return 'updated';
    if (guarded.rcodeName !== 'NXRRSET') throw this.refusal(guarded, t, what);
    const probe = await this.send(t, [holds(change)], [], ctx, what);
    if (probe.rcodeName === 'NOERROR') return 'updated';
    if (probe.rcodeName !== 'NXRRSET') throw this.refusal(probe, t, what);
    ctx.log.warn(`${what}: the server no longer holds ${previous}, the address ddnsd published last — another writer changed it; replacing it with ${change.address}`);
    return replaced([]);
  }

  private options(ctx: RunContext): SendOptions {
    const now = Date.now();
    if (this.budgetEnd === 0) this.budgetEnd = now + RUN_BUDGET_MS;
    const left = this.budgetEnd - now;
    if (left <= 0) throw transient('RFC2136_BUDGET', `no time left in this run for the DNS server (${RUN_BUDGET_MS / 1000} s spent); trying again later`);
    return { key: this.key, timeoutMs: Math.min(this.s.timeout, left), tcp: this.s.tcp, signal: ctx.signal, nowSeconds: () => ctx.now().getTime() / 1000 };
  }

  private async send(t: Target, prereqs: Prerequisite[], updates: Update[], ctx: RunContext, what: string): Promise<Answer> {
    const where = describe(t.server);
    const known = this.silent.get(where);
    if (known) throw known;
    try {
      return await sendUpdate(t.server, t.zone, prereqs, updates, this.options(ctx));
    } catch (err) {
      const e = this.wireError(err, where, what);
      if (err instanceof WireError && (err.code === 'TIMEOUT' || err.code === 'NETWORK')) this.silent.set(where, e);
      throw e;
    }
  }

  private keyText(): string {
    return this.key ? `the key "${this.key.name}"` : 'an unsigned update';
  }

  private keyHint(): string {
    return this.s.key_file ? 'check key_file' : 'check key';
  }

  /** A DNS answer other than NOERROR/NXRRSET → the error an operator needs. */
  private refusal(a: Answer, t: Target, what: string): DdnsError {
    const server = describe(t.server);
    switch (a.rcodeName) {
      case 'REFUSED':
        return permanent(
          'RFC2136_REFUSED',
          `server ${server} refused ${this.keyText()} for ${what} (REFUSED); check the zone's update-policy grants it this name and type`,
        );
      case 'NOTAUTH':
        return permanent('RFC2136_NOTAUTH', `server ${server} is not authoritative for the zone ${t.zone} (NOTAUTH); check zone and server (the zone's primary)`);
      case 'NOTZONE':
        return permanent('RFC2136_NOTZONE', `server ${server} says ${what} is not inside the zone ${t.zone} (NOTZONE); check zone`);
      case 'SERVFAIL':
        return transient('RFC2136_SERVFAIL', `server ${server} failed to apply the update (SERVFAIL)`);
      case 'NOTIMP':
        return transient('RFC2136_NOTIMP', `server ${server} does not accept updates (NOTIMP); point server at the zone's primary`);
      case 'FORMERR':
        return permanent('RFC2136_FORMERR', `server ${server} could not parse the update (FORMERR); please report this to ddnsd`);
      default:
        return permanent(`RFC2136_${a.rcodeName}`, `server ${server} answered ${a.rcodeName} for ${what}`);
    }
  }

  private wireError(err: unknown, server: string, what: string): DdnsError {
    if (err instanceof DdnsError) return err;
    if (err instanceof TsigError) {
      switch (err.tsigError) {
        case 'BADSIG':
        case 'BADKEY':
          return permanent(`RFC2136_${err.tsigError}`, `server ${server} refused ${this.keyText()} (NOTAUTH/${err.tsigError}); ${this.keyHint()}`, { cause: err });
        case 'BADTIME':
          return transient('RFC2136_BADTIME', `server ${server}: ${err.message}`, { cause: err });
        case 'BADTRUNC':
          return permanent('RFC2136_BADTRUNC', `server ${server}: ${err.message}`, { cause: err });
        default:
          return transient('RFC2136_TSIG', `server ${server}: ${err.message}`, { cause: err });
      }
    }
    if (err instanceof WireError) {
      if (err.code === 'BAD_NAME') return configError('RFC2136_NAME', `${what}: ${err.message}`);
      if (err.code === 'TIMEOUT') return transient('RFC2136_TIMEOUT', err.message);
      if (err.code === 'NETWORK') return transient('RFC2136_NETWORK', err.message);
      return transient(`RFC2136_${err.code}`, `server ${server}: ${err.message}`);
    }
    return transient('RFC2136_ERROR', `${what}: ${(err as Error).message ?? String(err)}`);
  }

  /** The zone and the server to send a record's updates to. */
  private target(name: string, ctx: RunContext): Promise<Target> {
    const key = this.s.zone && this.s.server ? '' : name;
    let t = this.targets.get(key);
    if (!t) {
      t = this.findTarget(name, ctx);
      this.targets.set(key, t);
    }
    return t;
  }

  private async findTarget(name: string, ctx: RunContext): Promise<Target> {
    const configured = this.s.server ? await this.resolve(this.s.server) : null;
    const zone = this.s.zone ? checkHostName(this.s.zone, 'zone') : null;
    if (zone && configured) return { zone, server: configured };
    // nsupdate: SOA queries go to the configured server, else to the system's resolvers.
    const askAt = configured ? [configured] : this.deps.resolvers();
    // Say what was being looked for: the addresses in these errors are not ones the user set.
    const looking = zone ? `cannot find the primary server of zone ${zone}` : `cannot find the zone of ${name}`;
    try {
      const found = await this.findZone(zone ?? name, askAt, ctx);
      if (zone && found.zone !== zone) {
        throw configError('RFC2136_ZONE', `zone ${zone} has no SOA of its own (the enclosing zone is ${found.zone}); check zone`);
      }
      const server = configured ?? (await this.resolve(found.mname));
      ctx.log.debug(`${name}: zone ${found.zone}, primary ${describe(server)}`);
      return { zone: found.zone, server };
    } catch (err) {
      if (!(err instanceof DdnsError) || err.kind === 'config') throw err;
      throw new DdnsError(err.kind, err.code, `${looking}: ${err.message}`, { cause: err, ...(err.retryAfter ? { retryAfter: err.retryAfter } : {}) });
    }
  }

  private async resolve(hostPort: string): Promise<Server> {
    const hp = parseHostPort(hostPort, 53)!;
    if (net.isIP(hp.host)) return hp;
    try {
      return { host: await this.deps.lookup(hp.host), port: hp.port };
    } catch (err) {
      throw transient('RFC2136_RESOLVE', `cannot resolve the server name ${hp.host} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }

  /** Walk up from `name` with SOA queries (nsupdate's recvsoa rules). */
  private async findZone(name: string, servers: Server[], ctx: RunContext): Promise<{ zone: string; mname: string }> {
    if (servers.length === 0) throw configError('RFC2136_DISCOVERY', 'no resolver to find the zone with; set zone and server');
    let current = checkHostName(name);
    const opts = { ...this.options(ctx), key: null };
    for (;;) {
      let answer = null;
      let lastError: DdnsError | null = null;
      for (const server of servers) {
        try {
          const a = await querySoa(server, current, opts);
          if (a.rcodeName === 'REFUSED' || a.rcodeName === 'SERVFAIL' || a.rcodeName === 'NOTIMP') {
            lastError = transient('RFC2136_DISCOVERY', `${describe(server)} answered ${a.rcodeName} to the SOA query for ${current}`);
            continue;
          }
          if (a.rcodeName !== 'NOERROR' && a.rcodeName !== 'NXDOMAIN') {
            throw transient('RFC2136_DISCOVERY', `${describe(server)} answered ${a.rcodeName} to the SOA query for ${current}`);
          }
          answer = a;
          break;
        } catch (err) {
          if (err instanceof DdnsError) throw err;
          lastError = this.wireError(err, describe(server), `SOA ${current}`);
        }
      }
      if (!answer) throw lastError!;
      if (answer.soa) return answer.soa;
      if (!current.includes('.')) {
        throw configError('RFC2136_NO_ZONE', `cannot find the enclosing zone of ${name} (no SOA record up to the root); set zone and server`);
      }
      current = current.slice(current.indexOf('.') + 1);
    }
  }
}

/** Answers about the zone or the server as a whole, never about one record in a message. */
const ZONE_WIDE = new Set(['NOTAUTH', 'SERVFAIL', 'NOTIMP']);

/** The prerequisite that the record holds exactly the change's address. */
function holds(c: Pick<Change, 'record' | 'family' | 'address'>): Prerequisite {
  return { kind: 'yxrrset', name: c.record.name, type: rrType(c.family), addresses: [c.address] };
}

/** Delete the RRset and add the new address: one atomic replacement. */
function replacement(c: Change): Update[] {
  const name = c.record.name;
  const type = rrType(c.family);
  return [
    { kind: 'delete-rrset', name, type },
    { kind: 'add', name, type, ttl: c.record.ttl, address: c.address },
  ];
}

/** The address ddnsd published last, when the change moves the record away from it. */
function guardOf(c: Change): string | null {
  return c.why === 'changed' && c.previous !== null && c.previous !== c.address ? c.previous : null;
}

/** `yxrrset` on the address ddnsd published last, when the change moves the record away from it. */
function guard(c: Change): Prerequisite[] {
  const previous = guardOf(c);
  return previous === null ? [] : [holds({ ...c, address: previous })];
}

/** Run `fn` over `items`, at most `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

function asError(err: unknown): DdnsError {
  return err instanceof DdnsError ? err : transient('RFC2136_ERROR', (err as Error).message ?? String(err));
}

const mod: ProviderModule = {
  create: (name: string, settings: Settings) => new Rfc2136(name, settings as unknown as Rfc2136Settings),
};
export default mod;
