// A router with a public-looking WAN address (it exists only inside the test's namespaces):
// the detector, run on the LAN side, finds it by SSDP, by a configured location, and from a
// named interface.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CLI, writeConfig } from '../../helpers/cli.js';
import { startIgd, writeDetectScript, type Topology } from './topology.js';

let igd: Topology;
let script: string;

before(async () => {
  igd = await startIgd({ wan: '11.22.33.44/24', isp: '11.22.33.1' });
  script = await writeDetectScript(igd.dir);
});
after(async () => {
  await igd?.stop();
});

async function detect(settings: object, family = 'ipv4') {
  const res = await igd.inLan([process.execPath, script, JSON.stringify(settings), family]);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout) as { ok: boolean; address?: string; reason?: string };
}

test('miniupnpd with a public WAN address → upnp detect by SSDP → its external address', async () => {
  assert.deepEqual(await detect({}), { ok: true, address: '11.22.33.44' });
});

test('miniupnpd with a public WAN address → upnp detect with location set → its external address', async () => {
  assert.deepEqual(await detect({ location: 'http://192.168.77.1:5000/rootDesc.xml' }), { ok: true, address: '11.22.33.44' });
});

test('miniupnpd with a public WAN address → upnp detect from interface veth-lan → its external address', async () => {
  assert.deepEqual(await detect({ interface: 'veth-lan' }), { ok: true, address: '11.22.33.44' });
});

test('upnp detect from an interface without IPv4 → unavailable, naming the interface', async () => {
  const got = await detect({ interface: 'no-such-if' });
  assert.equal(got.ok, false);
  assert.match(got.reason!, /interface no-such-if has no IPv4 address/);
});

test('upnp detect for ipv6 → unavailable: UPnP IGD reports only IPv4', async () => {
  assert.deepEqual(await detect({}, 'ipv6'), { ok: false, reason: 'UPnP IGD reports only IPv4' });
});

test('miniupnpd with a public WAN address → ddnsd detect --json in the LAN → the router address wins, exit 0', async () => {
  const config = writeConfig(igd.dir, {
    state: join(igd.dir, 'state.json'),
    detect: { ipv4: [{ type: 'upnp', timeout: '4s' }] },
    providers: { noip: { type: 'dyndns2', server: 'http://127.0.0.1:9', username: 'u', password: 'p' } },
    records: [{ name: 'home.example.com', provider: 'noip' }],
  });
  const res = await igd.inLan([process.execPath, CLI, 'detect', '--json', '-c', config]);
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  assert.equal(out.ipv4.address, '11.22.33.44');
  assert.deepEqual(out.ipv4.sources, [{ type: 'upnp', source: 'upnp', address: '11.22.33.44' }]);
});
