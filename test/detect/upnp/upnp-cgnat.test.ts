// A router whose own WAN address is CGNAT space (100.64.0.0/10): miniupnpd answers
// GetExternalIPAddress with an empty address, and ddnsd says the router is behind another NAT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CLI, writeConfig } from '../../helpers/cli.js';
import { startIgd, writeDetectScript, type Topology } from './topology.js';

let igd: Topology;
let script: string;

before(async () => {
  igd = await startIgd({ wan: '100.64.5.6/10', isp: '100.64.0.1' });
  script = await writeDetectScript(igd.dir);
});
after(async () => {
  await igd?.stop();
});

test('miniupnpd with a CGNAT WAN address → upnp detect → unavailable: behind another NAT (CGNAT?)', async () => {
  const res = await igd.inLan([process.execPath, script, '{}', 'ipv4']);
  assert.equal(res.code, 0, res.stderr);
  const got = JSON.parse(res.stdout) as { ok: boolean; reason?: string };
  assert.equal(got.ok, false);
  assert.match(got.reason!, /no external address \(empty\)/);
  assert.match(got.reason!, /behind another NAT \(CGNAT\?\)/);
});

test('miniupnpd with a CGNAT WAN address → ddnsd detect in the LAN → upnp unavailable: behind another NAT (CGNAT?), exit 1', async () => {
  const config = writeConfig(igd.dir, {
    state: join(igd.dir, 'state.json'),
    detect: { ipv4: [{ type: 'upnp', timeout: '4s' }] },
    providers: { noip: { type: 'dyndns2', server: 'http://127.0.0.1:9', username: 'u', password: 'p' } },
    records: [{ name: 'home.example.com', provider: 'noip' }],
  });
  const res = await igd.inLan([process.execPath, CLI, 'detect', '-c', config]);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stdout, /^ipv4: no address/);
  assert.match(res.stdout, /upnp: unavailable — the router reports no external address \(empty\): the router is behind another NAT \(CGNAT\?\)/);
});
