// Build the Change and RecordSpec values the planner would hand a provider.
import type { Change, Family, RecordSpec } from '../../src/types.js';

export function rec(name: string, provider: string, opts: Partial<RecordSpec> = {}): RecordSpec {
  return { name, provider, ipv4: true, ipv6: false, ttl: 300, ...opts };
}

export function change(record: RecordSpec, family: Family, address: string, previous: string | null = null): Change {
  return { record, family, address, previous, why: previous === null ? 'new' : 'changed' };
}
