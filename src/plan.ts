// The planner: a pure function from (records, detected addresses, state, now, policy) to one
// decision per record and family. No I/O here; the cycle carries the decisions out.
import type { Entry, State } from './state.js';
import { entryKey } from './state.js';
import type { Change, Family, RecordSpec } from './types.js';

export type Decision =
  | { kind: 'update'; record: RecordSpec; family: Family; change: Change }
  /** The state says in sync; a provider with a cheap check may confirm it. */
  | { kind: 'in-sync'; record: RecordSpec; family: Family; address: string }
  /** No usable address for this family: the record is left alone, never deleted. */
  | { kind: 'unavailable'; record: RecordSpec; family: Family }
  /** The provider stopped this record (bad credentials, abuse, ...) and its config has not changed. */
  | { kind: 'stopped'; record: RecordSpec; family: Family; entry: Entry }
  /** Backing off or honouring Retry-After until `until`. */
  | { kind: 'waiting'; record: RecordSpec; family: Family; until: Date; entry: Entry };

export interface Policy {
  maxAgeMs: number;
  force: boolean;
}

export interface PlanInput {
  records: readonly RecordSpec[];
  /** The detected address per family; null or absent: unavailable. */
  addresses: Partial<Record<Family, string | null>>;
  state: State;
  /** Settings fingerprint per record (see cycle.ts); a stopped record whose fingerprint
   * changed is retried. Keyed by the record, not its name: one name may have one provider for
   * IPv4 and another for IPv6. */
  fingerprints: ReadonlyMap<RecordSpec, string>;
  now: Date;
  policy: Policy;
}

export function plan(input: PlanInput): Decision[] {
  const out: Decision[] = [];
  for (const record of input.records) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      if (!record[family]) continue;
      out.push(decide(record, family, input));
    }
  }
  return out;
}

function decide(record: RecordSpec, family: Family, input: PlanInput): Decision {
  const entry = input.state.records[entryKey(record.name, family)];
  const known = entry && entry.provider === record.provider ? entry : undefined;
  if (known?.stopped && known.stopped.fingerprint === input.fingerprints.get(record)) {
    return { kind: 'stopped', record, family, entry: known };
  }
  const address = input.addresses[family];
  if (!address) return { kind: 'unavailable', record, family };
  if (known?.next_attempt && !known.stopped) {
    const until = new Date(known.next_attempt);
    if (until.getTime() > input.now.getTime()) return { kind: 'waiting', record, family, until, entry: known };
  }
  const previous = known?.address ?? null;
  const confirmed = known?.confirmed_at ? Date.parse(known.confirmed_at) : NaN;
  const fresh = input.now.getTime() - confirmed < input.policy.maxAgeMs;
  if (previous === address && fresh && !input.policy.force) {
    return { kind: 'in-sync', record, family, address };
  }
  const why: Change['why'] = previous === null ? 'new' : previous !== address ? 'changed' : input.policy.force ? 'force' : 'max-age';
  return { kind: 'update', record, family, change: { record, family, address, previous, why } };
}
