// One record name under two providers, split by family (IPv4 at one provider, IPv6 at
// another): each provider's stop is its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startDyndns2 } from '../helpers/http.js';

const A1 = '93.184.216.34';
const V6 = '2606:2800:220:1:248:1893:25c8:1946';

const dyndns2 = (server: string, password = 'p') => ({ type: 'dyndns2', server, username: 'u', password });

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
