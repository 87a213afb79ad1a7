// dyndns2 through the CLI, as cron runs it: the provider sees one request when the address
// changes and none otherwise; a refusal that needs a human stops after one request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startDyndns2, startServer, type Answer, type Recorded } from '../helpers/http.js';

const USER = 'me@example.com';
const PASS = 'canary-dyndns2-pw';
const A1 = '93.184.216.34';
const A2 = '93.184.216.35';

function setup(server: string, extra: Record<string, unknown> = {}) {
  const t = tempDir();
  const state = join(t.dir, 'state.json');
  const config = writeConfig(t.dir, {
    state,
    providers: { noip: { type: 'dyndns2', server, username: USER, password: PASS } },
    records: [{ name: 'home.example.com', provider: 'noip' }, { name: 'nas.example.com', provider: 'noip' }],
    ...extra,
  });
  const once = (...args: string[]) => runCli(['--once', '-c', config, ...args]);
  const readState = () => JSON.parse(readFileSync(state, 'utf8'));
  return { ...t, state, config, once, readState };
}

describe('dyndns2 happy path', () => {
  let server: Awaited<ReturnType<typeof startDyndns2>>;
  before(async () => {
    server = await startDyndns2({ username: USER, password: PASS, hosts: ['home.example.com', 'nas.example.com'] });
  });
  after(() => server.close());

  test('first run → one grouped request with Basic auth and our User-Agent → exit 0, state written', async () => {
    const s = setup(server.url);
    try {
      const r = await s.once('--ip', A1);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests.length, 1);
      const req = server.requests[0]!;
      assert.equal(req.method, 'GET');
      assert.equal(req.path, '/nic/update');
      assert.equal(req.query.get('hostname'), 'home.example.com,nas.example.com');
      assert.equal(req.query.get('myip'), A1);
      assert.equal(req.headers.authorization, `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`);
      assert.match(String(req.headers['user-agent']), /^ddnsd\/\d+\.\d+\.\d+/);
      assert.match(r.stderr, /home\.example\.com A 93\.184\.216\.34: updated/);
      const st = s.readState();
      assert.equal(st.records['home.example.com/ipv4'].address, A1);

      const again = await s.once('--ip', A1);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(server.requests.length, 1, 'nothing changed → no request at all');
      assert.equal(again.stderr, '', 'a quiet cron run prints nothing');

      const changed = await s.once('--ip', A2);
      assert.equal(changed.code, 0, changed.stderr);
      assert.equal(server.requests.length, 2);
      assert.equal(server.requests[1]!.query.get('myip'), A2);
      assert.match(changed.stderr, /updated \(was 93\.184\.216\.34\)/);

      const forced = await s.once('--ip', A2, '--force', '--record', 'nas.example.com');
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(server.requests[2]!.query.get('hostname'), 'nas.example.com');
    } finally {
      s.cleanup();
    }
  });

  test('max_age reached → one refresh of an unchanged address', async () => {
    const s = setup(server.url, { max_age: '1h' });
    try {
      const before = server.requests.length;
      assert.equal((await s.once('--ip', A1)).code, 0);
      assert.equal((await s.once('--ip', A1)).code, 0);
      assert.equal(server.requests.length, before + 1, 'younger than max_age → no request');
      const st = s.readState();
      for (const e of Object.values<{ confirmed_at: string }>(st.records)) e.confirmed_at = new Date(Date.now() - 3_700_000).toISOString();
      writeFileSync(s.state, JSON.stringify(st));
      const r = await s.once('--ip', A1);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests.length, before + 2);
    } finally {
      s.cleanup();
    }
  });
});

/** A server that answers every request with `answer`, for the failure table. */
async function failing(answer: (req: Recorded) => Answer) {
  return startServer(answer);
}

const stops: [string, Answer, RegExp][] = [
  ['badauth', { body: 'badauth' }, /not updated — badauth from 127\.0\.0\.1; check username\/password/],
  ['HTTP 401', { status: 401, body: 'Unauthorized' }, /HTTP 401 \(badauth\)/],
  ['abuse', { body: 'abuse\nabuse' }, /abuse from 127\.0\.0\.1; the host is blocked for abuse/],
  ['nohost', { body: 'nohost\nnohost' }, /nohost from .*not in this account/],
  ['good 127.0.0.1', { body: 'good 127.0.0.1' }, /ignored the request/],
];

for (const [name, answer, message] of stops) {
  test(`${name} → exit 3, stopped; the next run → exit 3 without a request; config changed → tried again`, async () => {
    const server = await failing(() => answer);
    const s = setup(server.url);
    try {
      const r = await s.once('--ip', A1);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(server.requests.length, 1);
      const again = await s.once('--ip', A2, '--force');
      assert.equal(again.code, 3);
      assert.equal(server.requests.length, 1, 'a stopped record sends nothing, even with --force');
      assert.match(again.stderr, /stopped since/);
      // The user fixes the password: the stop lifts.
      writeFileSync(s.config, readFileSync(s.config, 'utf8').replace(PASS, 'new-password'));
      await s.once('--ip', A1);
      assert.equal(server.requests.length, 2);
    } finally {
      s.cleanup();
      await server.close();
    }
  });
}

const waits: [string, Answer, number][] = [
  ['911', { body: '911' }, 30 * 60],
  ['dnserr', { body: 'dnserr' }, 30 * 60],
  ['HTTP 503', { status: 503, body: 'down' }, 45],
  ['HTTP 429 with Retry-After: 600', { status: 429, headers: { 'retry-after': '600' }, body: '' }, 600],
];

for (const [name, answer, atLeastSeconds] of waits) {
  test(`${name} → exit 1, next attempt persisted; the next run → exit 1 without a request`, async () => {
    const server = await failing(() => answer);
    const s = setup(server.url);
    try {
      const started = Date.now();
      const r = await s.once('--ip', A1);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(server.requests.length, 1);
      const next = Date.parse(s.readState().records['home.example.com/ipv4'].next_attempt);
      assert.ok(next - started >= atLeastSeconds * 1000, `next attempt ${new Date(next).toISOString()} is too early`);
      const again = await s.once('--ip', A1, '--force');
      assert.equal(again.code, 1);
      assert.equal(server.requests.length, 1, 'waiting: no request, even with --force');
      assert.match(again.stderr, /waiting until/);
    } finally {
      s.cleanup();
      await server.close();
    }
  });
}

test('nochg → success (in sync), state written', async () => {
  const server = await failing(() => ({ body: `nochg ${A1}\nnochg ${A1}` }));
  const s = setup(server.url);
  try {
    const r = await s.once('--ip', A1);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.readState().records['nas.example.com/ipv4'].result, 'in-sync');
  } finally {
    s.cleanup();
    await server.close();
  }
});

test('provider does not answer → exit 1 within the deadline', async () => {
  const server = await failing(() => ({ body: 'good', delayMs: 60_000 }));
  const s = setup(server.url);
  try {
    const r = await s.once('--ip', A1);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms < 35_000, `took ${r.ms} ms`);
    assert.match(r.stderr, /no answer from http:\/\/127\.0\.0\.1:\d+ within/);
  } finally {
    s.cleanup();
    await server.close();
  }
});

test('an answer that echoes the password → masked in the state file and in status, even after the password changed', async () => {
  const server = await failing((req) => ({ body: `weird answer ${USER}:${PASS} ${req.target}` }));
  const s = setup(server.url);
  try {
    const r = await s.once('--ip', A1);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /unexpected answer from 127\.0\.0\.1: "weird answer me@example\.com:\*\*\* /);
    assert.ok(!readFileSync(s.state, 'utf8').includes(PASS), 'the state file holds the password');
    // The user changes the password: status no longer knows the old one to mask.
    writeFileSync(s.config, readFileSync(s.config, 'utf8').replace(PASS, 'new-password'));
    for (const args of [[], ['--json']]) {
      const st = await runCli(['status', '-c', s.config, ...args]);
      assert.equal(st.code, 0, st.stderr);
      assert.match(st.stdout, /weird answer me@example\.com:\*\*\*/);
      assert.ok(!(st.stdout + st.stderr).includes(PASS), `status ${args.join(' ')} prints the password`);
    }
  } finally {
    s.cleanup();
    await server.close();
  }
});

test('answers that echo the credentials cut short, Base64-encoded or as the address → no trace in state or output', async () => {
  const basic = Buffer.from(`${USER}:${PASS}`).toString('base64');
  for (const body of [`${'x'.repeat(50)} ${PASS}`, `echo Basic ${basic}`, `good ${PASS}`]) {
    const server = await failing(() => ({ body }));
    const s = setup(server.url);
    try {
      const r = await s.once('--ip', A1);
      assert.equal(r.code, 1, r.stderr);
      const seen = r.stdout + r.stderr + readFileSync(s.state, 'utf8');
      assert.ok(!seen.includes('canary') && !seen.includes(basic), `${body} → ${r.stderr}`);
    } finally {
      s.cleanup();
      await server.close();
    }
  }
});
