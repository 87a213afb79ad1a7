// A broken echo service never publishes garbage: every bad answer leaves the record alone,
// exits 1, and sends nothing to the provider.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startDyndns2, startServer, type Answer, type TestServer } from '../helpers/http.js';

let provider: Awaited<ReturnType<typeof startDyndns2>>;
before(async () => {
  provider = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
});
after(() => provider.close());

async function withEcho(answer: Answer, extra: Record<string, unknown> = {}, run: (r: Awaited<ReturnType<typeof runCli>>, echo: TestServer) => void) {
  const echo = await startServer(() => answer);
  const t = tempDir();
  try {
    const config = writeConfig(t.dir, {
      state: join(t.dir, 'state.json'),
      detect: { ipv4: [{ type: 'http', url: `${echo.url}/ip`, timeout: '1s', ...extra }] },
      providers: { p: { type: 'dyndns2', server: provider.url, username: 'u', password: 'p' } },
      records: [{ name: 'home.example.com', provider: 'p' }],
    });
    run(await runCli(['--once', '-c', config]), echo);
  } finally {
    t.cleanup();
    await echo.close();
  }
}

const bad: [string, Answer, RegExp][] = [
  ['HTML page', { body: '<html><body>Current IP Address: 93.184.216.34</body></html>' }, /not an IP address/],
  ['two addresses', { body: '93.184.216.34\n93.184.216.35\n' }, /2 lines/],
  ['a private address', { body: '192.168.1.20' }, /192\.168\.1\.20 is a private .* refused under accept: public/],
  ['256.1.1.1', { body: '256.1.1.1' }, /not an IP address: "256\.1\.1\.1"/],
  ['1.2.3.4:80', { body: '1.2.3.4:80' }, /not an IP address: "1\.2\.3\.4:80"/],
  ['HTTP 500', { status: 500, body: '93.184.216.34' }, /HTTP 500/],
  ['a redirect', { status: 302, headers: { location: 'http://127.0.0.1:1/' } }, /redirect \(not followed\)/],
  ['a body over 100 KiB', { body: `93.184.216.34${' '.repeat(110 * 1024)}` }, /larger than 102400 bytes/],
  ['no answer in time', { body: '93.184.216.34', delayMs: 5000 }, /no answer from .* within 1s/],
];

for (const [name, answer, reason] of bad) {
  test(`echo answers ${name} → unavailable, exit 1, nothing sent, reason logged`, async () => {
    const before = provider.requests.length;
    await withEcho(answer, {}, (r) => {
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, reason);
      assert.match(r.stderr, /ipv4: no address — .*left alone: home\.example\.com/);
      assert.equal(provider.requests.length, before);
    });
  });
}

test('echo answers JSON {"ip": ...} → that address is published', async () => {
  await withEcho({ body: '{"ip":"93.184.216.40"}' }, {}, (r, echo) => {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(provider.records.get('home.example.com'), '93.184.216.40');
    assert.match(String(echo.requests[0]!.headers['user-agent']), /^ddnsd\//);
  });
});

test('echo answers a LAN address with accept: any → taken', async () => {
  await withEcho({ body: '192.168.1.20\n' }, { accept: 'any' }, (r) => {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(provider.records.get('home.example.com'), '192.168.1.20');
  });
});

test('agree: 2 with sources that disagree → unavailable, nothing sent', async () => {
  const a = await startServer(() => ({ body: '93.184.216.34' }));
  const b = await startServer(() => ({ body: '93.184.216.99' }));
  const t = tempDir();
  try {
    const before = provider.requests.length;
    const config = writeConfig(t.dir, {
      state: join(t.dir, 'state.json'),
      detect: { ipv4: [{ type: 'http', url: a.url }, { type: 'http', url: b.url }], agree: 2 },
      providers: { p: { type: 'dyndns2', server: provider.url, username: 'u', password: 'p' } },
      records: [{ name: 'home.example.com', provider: 'p' }],
    });
    const r = await runCli(['--once', '-c', config]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /sources disagree: agree: 2/);
    assert.equal(provider.requests.length, before);
    const d = await runCli(['detect', '--json', '-c', config]);
    assert.equal(d.code, 1);
    const json = JSON.parse(d.stdout);
    assert.equal(json.ipv4.address, null);
    assert.deepEqual(json.ipv4.sources.map((s: { address: string }) => s.address), ['93.184.216.34', '93.184.216.99']);
  } finally {
    t.cleanup();
    await a.close();
    await b.close();
  }
});
