// A LAN whose router runs no UPnP: the SSDP search goes unanswered, and the detector says so
// within its timeout instead of hanging.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startIgd, writeDetectScript, type Topology } from './topology.js';

let igd: Topology;
let script: string;

before(async () => {
  igd = await startIgd({ wan: '11.22.33.44/24', isp: '11.22.33.1', miniupnpd: false });
  script = await writeDetectScript(igd.dir);
});
after(async () => {
  await igd?.stop();
});

test('a router without UPnP → upnp detect (timeout 2s) → unavailable: no gateway answered the SSDP search', async () => {
  const res = await igd.inLan([process.execPath, script, JSON.stringify({ timeout: 2000 }), 'ipv4']);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), {
    ok: false,
    reason: 'no UPnP Internet gateway answered the SSDP search within 1s; is UPnP enabled on the router? (or set location)',
  });
});

test('a router without UPnP → upnp detect with location set → unavailable: connection refused', async () => {
  const res = await igd.inLan([process.execPath, script, JSON.stringify({ location: 'http://192.168.77.1:5000/rootDesc.xml' }), 'ipv4']);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), {
    ok: false,
    reason: 'device description at http://192.168.77.1:5000/rootDesc.xml: connection refused',
  });
});
