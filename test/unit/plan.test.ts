import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plan, type PlanInput } from '../../src/plan.js';
import { emptyState, type Entry } from '../../src/state.js';
import type { RecordSpec } from '../../src/types.js';

const rec: RecordSpec = { name: 'home.example.com', provider: 'noip', ipv4: true, ipv6: true, ttl: 300 };
const now = new Date('2026-11-21T12:00:00Z');
const DAY = 86_400_000;

function entry(over: Partial<Entry>): Entry {
  return { name: rec.name, family: 'ipv4', provider: 'noip', address: '93.184.216.34', updated_at: now.toISOString(), confirmed_at: new Date(now.getTime() - DAY).toISOString(), result: 'updated', message: null, failures: 0, next_attempt: null, stopped: null, ...over };
}

function input(over: Partial<PlanInput> = {}): PlanInput {
  return { records: [rec], addresses: { ipv4: '93.184.216.34', ipv6: null }, state: emptyState(), fingerprints: new Map([[rec, 'fp1']]), now, policy: { maxAgeMs: 25 * DAY, force: false }, ...over };
}

test('unknown record, address detected → update (new); family unavailable → left alone', () => {
  const d = plan(input());
  assert.equal(d.length, 2);
  assert.equal(d[0]!.kind, 'update');
  assert.equal(d[0]!.kind === 'update' && d[0]!.change.why, 'new');
  assert.deepEqual({ kind: d[1]!.kind, family: d[1]!.family }, { kind: 'unavailable', family: 'ipv6' });
});

test('state holds the address and is younger than max_age → in sync; older → one refresh', () => {
  const state = emptyState();
  state.records['home.example.com/ipv4'] = entry({});
  assert.equal(plan(input({ state }))[0]!.kind, 'in-sync');
  state.records['home.example.com/ipv4'] = entry({ confirmed_at: new Date(now.getTime() - 26 * DAY).toISOString() });
  const d = plan(input({ state }))[0]!;
  assert.equal(d.kind === 'update' && d.change.why, 'max-age');
});

test('address changed → update carrying the previous address', () => {
  const state = emptyState();
  state.records['home.example.com/ipv4'] = entry({ address: '93.184.216.1' });
  const d = plan(input({ state }))[0]!;
  assert.ok(d.kind === 'update');
  assert.equal(d.change.why, 'changed');
  assert.equal(d.change.previous, '93.184.216.1');
});

test('stopped with the same settings → stopped, even with --force; settings changed → retried', () => {
  const state = emptyState();
  state.records['home.example.com/ipv4'] = entry({ stopped: { fingerprint: 'fp1', code: 'BADAUTH', message: 'badauth', at: now.toISOString() }, address: null });
  assert.equal(plan(input({ state, policy: { maxAgeMs: DAY, force: true } }))[0]!.kind, 'stopped');
  assert.equal(plan(input({ state, fingerprints: new Map([[rec, 'fp2']]) }))[0]!.kind, 'update');
});

test('backing off → waiting until next_attempt, even with --force; after it → update', () => {
  const state = emptyState();
  state.records['home.example.com/ipv4'] = entry({ address: null, failures: 2, next_attempt: new Date(now.getTime() + 60_000).toISOString() });
  const d = plan(input({ state, policy: { maxAgeMs: DAY, force: true } }))[0]!;
  assert.equal(d.kind, 'waiting');
  assert.equal(plan(input({ state, now: new Date(now.getTime() + 120_000) }))[0]!.kind, 'update');
});

test('--force on an in-sync record → update (force)', () => {
  const state = emptyState();
  state.records['home.example.com/ipv4'] = entry({});
  const d = plan(input({ state, policy: { maxAgeMs: 25 * DAY, force: true } }))[0]!;
  assert.equal(d.kind === 'update' && d.change.why, 'force');
});

test('an entry written for another provider counts as unknown', () => {
  const state = emptyState();
  state.records['home.example.com/ipv4'] = entry({ provider: 'other' });
  const d = plan(input({ state }))[0]!;
  assert.equal(d.kind === 'update' && d.change.why, 'new');
});
