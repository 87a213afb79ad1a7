// dyndns2 presets through the built program: a deSEC-style service must never lose a family.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { startPeer } from './peer.js';
import type { Peer } from './peer.js';

const PASS = 'ddCANARY&p=%2B+x';

describe('dyndns2 preset desec end to end (ddnsd --once)', () => {
  let peer: Peer;
  let tmp: { dir: string; cleanup(): void };
  let config: string;
  let state: string;
  let answer = 'good';
  before(async () => {
    peer = await startPeer(() => ({ status: 200, body: answer }));
  });
  beforeEach(() => {
    answer = 'good';
    tmp = tempDir();
    config = writeConfig(tmp.dir, {
      providers: { dd: { type: 'dyndns2', preset: 'desec', server: `${peer.base}/nic/update`, username: 'home.dedyn.io', password: PASS } },
      records: [{ name: 'home.dedyn.io', provider: 'dd', ipv6: true }],
    });
    state = join(tmp.dir, 'state.json');
  });
  afterEach(() => tmp.cleanup());
  after(() => peer.close());

  const once = async (...ips: string[]) => {
    peer.seen.length = 0;
    const r = await runCli(['--once', '-c', config, '--state', state, ...ips.flatMap((ip) => ['--ip', ip])]);
    assert.ok(!(r.stdout + r.stderr).includes('CANARY'));
    return { ...r, out: r.stdout + r.stderr };
  };

  it('both families → one request; same again → none; IPv4 only changes → myipv6=preserve', async () => {
    const first = await once('203.0.113.7', '2001:db8::7');
    assert.equal(first.code, 0, first.out);
    assert.equal(peer.seen.length, 1);
    assert.equal(peer.seen[0]!.url, '/nic/update?hostname=home.dedyn.io&myip=203.0.113.7&myipv6=2001%3Adb8%3A%3A7');
    assert.equal((await once('203.0.113.7', '2001:db8::7')).code, 0);
    assert.equal(peer.seen.length, 0);
    const changed = await once('203.0.113.8', '2001:db8::7');
    assert.equal(changed.code, 0, changed.out);
    assert.equal(peer.seen[0]!.url, '/nic/update?hostname=home.dedyn.io&myip=203.0.113.8&myipv6=preserve');
  });

  it('badauth → run → exit 3; next run → no request', async () => {
    answer = 'badauth';
    assert.equal((await once('203.0.113.7', '2001:db8::7')).code, 3);
    assert.equal((await once('203.0.113.7', '2001:db8::7')).code, 3);
    assert.equal(peer.seen.length, 0);
  });
});
