// A provider that does not answer costs a run a bounded time (spec.md: about 30 s in all),
// however many records wait on it. Limits are shortened here (1.5 s per run, 1 s per request):
// after the first request times out, the second gets only what is left, and the third is not
// sent at all. Checked by what was sent, not by the clock.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cloudflare } from '../../providers/cloudflare/index.js';
import { Duckdns } from '../../providers/duckdns/index.js';
import { startServer } from '../helpers/http.js';
import type { TestServer } from '../helpers/http.js';
import { testContext } from './context.js';
import type { TestContext } from './context.js';
import { change, rec } from './changes.js';

describe('providers that do not answer', () => {
  let silent: TestServer;
  let t: TestContext;
  before(async () => {
    silent = await startServer(() => ({ status: 200, body: 'late', delayMs: 20_000 }));
  });
  beforeEach(() => {
    t = testContext();
  });
  afterEach(() => t.close());
  after(() => silent.close());
  const limits = { runMs: 1500, requestMs: 1000 };

  it('cloudflare, three records, no answer → apply → all transient within the run budget', async () => {
    const p = new Cloudflare('cf', { token: 't', api: silent.url, zone_id: 'z' }, limits);
    silent.requests.length = 0;
    const out = await p.apply(['a', 'b', 'c'].map((n) => change(rec(`${n}.example.com`, 'cf'), 'ipv4', '203.0.113.7')), t.ctx);
    assert.deepEqual(out.map((o) => (o.status === 'failed' ? o.error.kind : o.status)), ['transient', 'transient', 'transient']);
    assert.equal(out[2]?.status === 'failed' && out[2].error.code, 'PROVIDER_TIMEOUT');
    assert.ok(silent.requests.length <= 2, `${silent.requests.length} requests`);
  });

  it('duckdns, three different changes, no answer → apply → all transient within the run budget', async () => {
    const p = new Duckdns('duck', { token: 't', server: silent.url }, limits);
    silent.requests.length = 0;
    const out = await p.apply(
      ['a', 'b', 'c'].map((n, i) => change(rec(`${n}.duckdns.org`, 'duck'), 'ipv4', `203.0.113.${i + 1}`)),
      t.ctx,
    );
    assert.deepEqual(out.map((o) => (o.status === 'failed' ? o.error.kind : o.status)), ['transient', 'transient', 'transient']);
    assert.equal(out[2]?.status === 'failed' && out[2].error.code, 'PROVIDER_TIMEOUT');
    assert.ok(silent.requests.length <= 2, `${silent.requests.length} requests`);
  });
});
