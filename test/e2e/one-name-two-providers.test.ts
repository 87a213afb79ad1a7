// One record name under two providers. State is kept per name and family, so the same name and
// family under two providers would make them overwrite each other's state and re-send every
// run: that is a config error. The same name split by family (IPv4 at one provider, IPv6 at
// another) is fine, and each provider's stop stays its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startDyndns2 } from '../helpers/http.js';

const A1 = '93.184.216.34';
const V6 = '2606:2800:220:1:248:1893:25c8:1946';

const dyndns2 = (server: string, password = 'p') => ({ type: 'dyndns2', server, username: 'u', password });

test('same name and family under two providers → check exits 2 naming the record and both providers; --once sends nothing', async () => {
  const server = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
  const t = tempDir();
  try {
    const file = writeConfig(t.dir, {
      state: join(t.dir, 'state.json'),
      providers: { dd: dyndns2(server.url), ee: dyndns2(server.url) },
      records: [
        { name: 'home.example.com', provider: 'dd' },
        { name: 'Home.Example.com.', provider: 'ee', ipv6: true },
      ],
    });
    const r = await runCli(['check', '-c', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /config\.yml: records\[1\]: home\.example\.com ipv4 is listed for two providers, dd and ee/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    const once = await runCli(['--once', '-c', file, '--ip', A1]);
    assert.equal(once.code, 2, once.stderr);
    assert.equal(server.requests.length, 0);
  } finally {
    t.cleanup();
    await server.close();
  }
});

test('same name, IPv4 at one provider and IPv6 at another → valid; a stop at one is lifted by its own settings only', async () => {
  const dd = await startDyndns2({ username: 'u', password: 'right', hosts: ['home.example.com'] });
  const ee = await startDyndns2({ username: 'u', password: 'p', hosts: ['home.example.com'] });
  const t = tempDir();
  try {
    const write = (ddPassword: string, eeUser = 'u') =>
      writeConfig(t.dir, {
        state: join(t.dir, 'state.json'),
        providers: { dd: dyndns2(dd.url, ddPassword), ee: { ...dyndns2(ee.url), username: eeUser } },
        records: [
          { name: 'home.example.com', provider: 'dd' },
          { name: 'home.example.com', provider: 'ee', ipv4: false, ipv6: true },
        ],
      });
    const file = write('wrong');
    const once = () => runCli(['--once', '-c', file, '--ip', A1, '--ip', V6]);

    const check = await runCli(['check', '-c', file]);
    assert.equal(check.code, 0, check.stderr);

    const first = await once();
    assert.equal(first.code, 3, first.stderr);
    assert.equal(dd.requests.length, 1);
    assert.equal(ee.requests.length, 1);
    assert.match(first.stderr, /home\.example\.com AAAA .*: updated/);

    write('wrong', 'u2'); // the other provider's settings change: dd stays stopped
    const other = await once();
    assert.equal(other.code, 3, other.stderr);
    assert.equal(dd.requests.length, 1, 'no request to a stopped provider');

    write('right', 'u2'); // dd's own settings change: tried again
    const fixed = await once();
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(dd.requests.length, 2);
  } finally {
    t.cleanup();
    await dd.close();
    await ee.close();
  }
});
