// `ddnsd detect` with dns sources against a loopback BIND: each source's answer or reason, the
// winner per family, exit 0 when every needed family has an address; bad settings are exit 2.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startBind, type Bind } from '../detect/dns/bind.js';

let bind: Bind;
let tmp: ReturnType<typeof tempDir>;
before(async () => {
  bind = await startBind();
  tmp = tempDir();
});
after(async () => {
  await bind?.stop();
  tmp?.cleanup();
});

function config(detect: object) {
  return writeConfig(tmp.dir, {
    state: join(tmp.dir, 'state.json'),
    detect,
    providers: { noip: { type: 'dyndns2', server: 'http://127.0.0.1:9', username: 'u', password: 'p' } },
    records: [{ name: 'home.example.com', provider: 'noip', ipv6: true }],
  });
}

test('dns sources on loopback BIND → ddnsd detect --json → per family the winner and every reason, exit 0', async () => {
  const server = `127.0.0.1:${bind.port}`;
  const c = config({
    ipv4: [
      { type: 'dns', server, name: 'two.example.test' },
      { type: 'dns', server, name: 'garbage.example.test', qtype: 'TXT' },
      { type: 'dns', server, name: 'myip.example.test' },
      { type: 'dns', preset: 'cloudflare', server },
    ],
    ipv6: [{ type: 'dns', server: `[::1]:${bind.port}`, name: 'myip.example.test' }],
  });
  const r = await runCli(['detect', '--json', '-c', c]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ipv4.address, '11.22.33.44');
  assert.deepEqual(
    out.ipv4.sources.map((s: { type: string; address?: string; reason?: string }) => [s.type, s.address ?? s.reason]),
    [
      ['dns', 'the answer to two.example.test IN A has 2 A records, expected exactly one'],
      ['dns', 'the TXT answer to garbage.example.test IN TXT is not one address: "hello, world"'],
      ['dns', '11.22.33.44'],
      ['dns', '11.22.33.46'],
    ],
  );
  assert.equal(out.ipv6.address, '2001:4860:1234::5');
});

test('a dns source answering a private address → ddnsd detect → refused under accept: public, exit 1', async () => {
  const c = config({
    ipv4: [{ type: 'dns', server: `127.0.0.1:${bind.port}`, name: 'ns.example.test' }],
    ipv6: [{ type: 'dns', server: `[::1]:${bind.port}`, name: 'myip.example.test' }],
  });
  const r = await runCli(['detect', '-c', c]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /dns ns\.example\.test @127\.0\.0\.1:\d+: unavailable — 127\.0\.0\.1 is a loopback address; refused under accept: public/);
});

test('a dns source with qtype MX → ddnsd detect → exit 2 naming the key', async () => {
  const c = config({ ipv4: [{ type: 'dns', server: '127.0.0.1', name: 'x.test', qtype: 'MX' }] });
  const r = await runCli(['detect', '-c', c]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /detect\.ipv4\.0\.qtype: expected A, AAAA or TXT/);
});
