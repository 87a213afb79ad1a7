// One round: detect → plan → apply → state. The caller holds the state lock (except for
// --dry-run, which writes nothing) and turns the result into an exit code.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { providerTypes } from '../providers/index.js';
import type { Provider, Verdict } from '../providers/types.js';
import type { Config } from './config/load.js';
import { familiesNeeded } from './config/load.js';
import type { RunContext } from './context.js';
import { detectFamily, type FamilyResult } from './detect/run.js';
import { deadline } from './deadline.js';
import { DdnsError, EXIT, transient } from './errors.js';
import { plan, type Decision } from './plan.js';
import { mask } from './log.js';
import { checkRoom, entryKey, readState, setAside, writeState, type Entry, type State } from './state.js';
import { rrType, type Change, type Family, type Outcome, type RecordSpec } from './types.js';

export interface CycleOptions {
  /** The records to handle (all of the config's, or those named by --record). */
  records: readonly RecordSpec[];
  force: boolean;
  dryRun: boolean;
  /** Addresses given with --ip, taken as given. */
  ips: Partial<Record<Family, string>>;
}

export interface CycleResult {
  exitCode: number;
  decisions: Decision[];
  detections: FamilyResult[];
  /** For --dry-run: the plan, one line per record and family. */
  planText: string[];
}

/** Longest time one provider's work may take in a run, retries included. */
export const PROVIDER_DEADLINE_MS = 30_000;

export async function runCycle(cfg: Config, opts: CycleOptions, ctx: RunContext, random = Math.random): Promise<CycleResult> {
  const addresses: Partial<Record<Family, string | null>> = {};
  const detections: FamilyResult[] = [];
  for (const family of familiesNeeded(opts.records)) {
    const given = opts.ips[family];
    if (given) {
      addresses[family] = given;
      continue;
    }
    const result = await detectFamily(cfg.detect[family], family, cfg.detect.agree, ctx);
    detections.push(result);
    // Stopped (a signal) while detecting: plan nothing, send nothing, say nothing more.
    if (ctx.signal.aborted) return { exitCode: EXIT.transient, decisions: [], detections, planText: [] };
    addresses[family] = result.address;
    if (result.address) ctx.log.debug(`${family}: ${result.address} from ${result.winner}`);
    else {
      const names = opts.records.filter((r) => r[family]).map((r) => r.name).join(', ');
      ctx.log.warn(`${family}: no address — ${result.reason}; left alone: ${names}`);
    }
  }

  const loaded = readState(cfg.state);
  if (loaded.warning) ctx.log.warn(loaded.warning);
  const state = loaded.state;
  const now = ctx.now();
  const fingerprints = new Map(opts.records.map((r) => [r, fingerprint(cfg, r, state.salt)]));
  const decisions = plan({ records: opts.records, addresses, state, fingerprints, now, policy: { maxAgeMs: cfg.maxAgeMs, force: opts.force } });

  if (opts.dryRun) {
    const planText = decisions.map(describePlan);
    const missing = decisions.some((d) => d.kind === 'unavailable');
    return { exitCode: missing ? EXIT.transient : EXIT.ok, decisions, detections, planText };
  }
  if (loaded.damaged) {
    ctx.log.warn(`kept the damaged state file as ${setAside(cfg.state)}; a new one is written after the next confirmed outcome`);
  }

  const providers = new Map<string, Promise<Provider>>();
  const providerFor = (name: string) => {
    let p = providers.get(name);
    if (!p) {
      const settings = cfg.providers[name]!;
      p = providerTypes[settings.type]!.load().then((m) => m.create(name, settings));
      providers.set(name, p);
    }
    return p;
  };

  let permanentSeen = false;
  let transientSeen = false;
  let dirty = false;
  const updates: Change[] = [];
  const checks: Extract<Decision, { kind: 'in-sync' }>[] = [];

  for (const d of decisions) {
    const label = `${d.record.name} ${rrType(d.family)}`;
    if (d.kind === 'update') updates.push(d.change);
    else if (d.kind === 'in-sync') checks.push(d);
    else if (d.kind === 'unavailable') transientSeen = true;
    else if (d.kind === 'stopped') {
      permanentSeen = true;
      ctx.log.error(`${label}: not updated — stopped since ${d.entry.stopped!.at}: ${d.entry.stopped!.message}; change the config of provider "${d.record.provider}" or this record to try again`);
    } else {
      transientSeen = true;
      ctx.log.warn(`${label}: not updated — waiting until ${d.until.toISOString()} (${d.entry.message ?? 'backing off'})`);
    }
  }

  const record = (outcome: Outcome, quiet = false) => {
    const { change } = outcome;
    // Stopped mid-request (SIGTERM): nothing is known about this change; keep what the state had.
    if (outcome.status === 'failed' && ctx.signal.aborted) return;
    const key = entryKey(change.record.name, change.family);
    const entry = freshEntry(state.records[key], change.record, change.family);
    const label = `${change.record.name} ${rrType(change.family)} ${change.address}`;
    if (outcome.status === 'failed') {
      const err = outcome.error;
      // Providers scrub their own secrets; this catches any other config secret an answer echoed.
      const message = mask(err.message, cfg.secrets);
      entry.message = message;
      if (err.kind === 'transient') {
        transientSeen = true;
        entry.failures += 1;
        const backoff = backoffMs(entry.failures, random);
        const at = Math.max(now.getTime() + backoff, err.retryAfter?.getTime() ?? 0);
        entry.next_attempt = new Date(at).toISOString();
        entry.result = 'failed';
        ctx.log.error(`${label}: not updated — ${err.message}; will retry after ${entry.next_attempt}`);
      } else {
        permanentSeen = true;
        entry.result = 'stopped';
        entry.next_attempt = null;
        entry.stopped = { fingerprint: fingerprints.get(change.record)!, code: err.code, message, at: now.toISOString() };
        ctx.log.error(`${label}: not updated — ${err.message}; stopped until the config changes`);
      }
    } else {
      if (outcome.status === 'updated' || entry.address !== change.address) entry.updated_at = now.toISOString();
      entry.address = change.address;
      entry.confirmed_at = now.toISOString();
      entry.result = outcome.status;
      entry.message = null;
      entry.failures = 0;
      entry.next_attempt = null;
      entry.stopped = null;
      if (outcome.status === 'updated') {
        ctx.log.info(`${label}: updated${change.previous && change.previous !== change.address ? ` (was ${change.previous})` : ''}`);
      } else if (!quiet) ctx.log.info(`${label}: already in place at the provider; nothing changed`);
    }
    state.records[key] = entry;
    dirty = true;
  };

  // Cheap confirmations of what the state calls in sync (RFC 2136's prerequisite-only probe).
  await Promise.all(
    groupBy(checks, (c) => c.record.provider).map(async ([name, group]) => {
      const changes = group.map((c): Change => ({ record: c.record, family: c.family, address: c.address, previous: c.address, why: 'drift' }));
      if (!providerTypes[cfg.providers[name]!.type]!.checksInSync) {
        for (const c of changes) {
          if (clearStaleStop(state, c.record, c.family)) dirty = true;
          ctx.log.debug(`${c.record.name} ${rrType(c.family)} ${c.address}: in sync`);
        }
        return;
      }
      let verdicts: Verdict[];
      const limit = deadline(PROVIDER_DEADLINE_MS, ctx.signal);
      try {
        const provider = await providerFor(name);
        verdicts = provider.check ? await provider.check(changes, { ...ctx, signal: limit.signal }) : changes.map(() => 'in-sync');
      } catch (err) {
        verdicts = changes.map(() => asDdnsError(err));
      } finally {
        limit.done();
      }
      changes.forEach((change, i) => {
        const verdict = verdicts[i] ?? transient('NO_OUTCOME', `provider ${name} gave no answer for this record`);
        if (verdict === 'differs') {
          ctx.log.info(`${change.record.name} ${rrType(change.family)}: the server no longer holds ${change.address}; updating`);
          updates.push(change);
        } else if (verdict === 'in-sync') {
          record({ change, status: 'in-sync' }, true);
          ctx.log.debug(`${change.record.name} ${rrType(change.family)} ${change.address}: in sync (confirmed by ${name})`);
        } else record({ change, status: 'failed', error: verdict });
      });
    }),
  );

  // An update whose outcome cannot be written would be sent again by every run.
  if (updates.length > 0) checkRoom(cfg.state);
  await Promise.all(
    groupBy(updates, (c) => c.record.provider).map(async ([name, changes]) => {
      let outcomes: Outcome[];
      const limit = deadline(PROVIDER_DEADLINE_MS, ctx.signal);
      try {
        const provider = await providerFor(name);
        outcomes = await provider.apply(changes, { ...ctx, signal: limit.signal });
      } catch (err) {
        ctx.log.debug(`provider ${name} threw: ${(err as Error).stack ?? err}`);
        outcomes = changes.map((change) => ({ change, status: 'failed', error: asDdnsError(err) }));
      } finally {
        limit.done();
      }
      const answered = new Set(outcomes.map((o) => o.change));
      for (const change of changes) {
        if (!answered.has(change)) {
          outcomes.push({ change, status: 'failed', error: transient('NO_OUTCOME', `provider ${name} gave no answer for this record`) });
        }
      }
      for (const o of outcomes) record(o);
      // Nothing recorded (the run was stopped mid-request): the state stays as it was.
      if (dirty) {
        writeState(cfg.state, state);
        dirty = false;
      }
    }),
  );
  if (dirty) writeState(cfg.state, state);

  const exitCode = permanentSeen ? EXIT.permanent : transientSeen ? EXIT.transient : EXIT.ok;
  return { exitCode, decisions, detections, planText: [] };
}

/** 1 min, 2, 4, ... capped at 1 h, with ±20 % jitter so many boxes do not retry in step. */
export function backoffMs(failures: number, random: () => number): number {
  const base = Math.min(60_000 * 2 ** Math.max(0, failures - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A salted digest of everything that, when changed, lifts a stop: the provider's settings
 * (secrets and the contents of files it reads included) and the record's own. */
export function fingerprint(cfg: Config, record: RecordSpec, salt: string): string {
  const settings = cfg.providers[record.provider]!;
  const files = (providerTypes[settings.type]?.paths ?? []).map((k) => {
    const path = settings[k];
    if (typeof path !== 'string') return null;
    try {
      return createHash('sha256').update(readFileSync(path)).digest('base64');
    } catch {
      return 'unreadable';
    }
  });
  const material = JSON.stringify([sortKeys(settings), files, sortKeys(record)]);
  return createHmac('sha256', salt).update(material).digest('base64url').slice(0, 22);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

function freshEntry(old: Entry | undefined, record: RecordSpec, family: Family): Entry {
  if (old && old.provider === record.provider) return { ...old };
  return {
    name: record.name,
    family,
    provider: record.provider,
    address: null,
    updated_at: null,
    confirmed_at: null,
    result: null,
    message: null,
    failures: 0,
    next_attempt: null,
    stopped: null,
  };
}

function clearStaleStop(state: State, record: RecordSpec, family: Family): boolean {
  const entry = state.records[entryKey(record.name, family)];
  if (!entry?.stopped) return false;
  entry.stopped = null;
  entry.result = 'in-sync';
  entry.message = null;
  return true;
}

function asDdnsError(err: unknown): DdnsError {
  if (err instanceof DdnsError) return err;
  return transient('INTERNAL', `unexpected error: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): [string, T[]][] {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return [...map.entries()];
}

function describePlan(d: Decision): string {
  const label = `${d.record.name} ${rrType(d.family)}`;
  switch (d.kind) {
    case 'update': {
      const was = d.change.previous ? ` (was ${d.change.previous})` : '';
      const why = { new: 'not published by ddnsd yet', changed: 'address changed', 'max-age': 'max_age reached', force: '--force', drift: 'server differs' }[d.change.why];
      return `${label} ${d.change.address}: would update via ${d.record.provider}${was} — ${why}`;
    }
    case 'in-sync':
      return `${label} ${d.address}: in sync — nothing to send`;
    case 'unavailable':
      return `${label}: no address detected — left alone`;
    case 'stopped':
      return `${label}: stopped (${d.entry.stopped!.message}) — would not send until the config changes`;
    case 'waiting':
      return `${label}: waiting until ${d.until.toISOString()} — would not send`;
  }
}
