// A router whose own WAN address is CGNAT space (100.64.0.0/10): miniupnpd answers
// GetExternalIPAddress with an empty address, and ddnsd says the router is behind another NAT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
