import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hookPath, makeFake, runHook } from './fake-ddnsd.js';

const hook = hookPath('nm-dispatcher');

async function dispatch(args: string[], env: Record<string, string>) {
  const fake = makeFake();
  const run = await runHook([hook, ...args], { NM_DISPATCHER_ACTION: args[1] ?? '', ...env, DDNSD: fake.program });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(fake.finished(), false, 'the hook waited for ddnsd to finish');
  return fake;
}

const cases: [string, string[], Record<string, string>, string[]][] = [
  ['up with IP4_ADDRESS_0', ['eth0', 'up'], { IP4_ADDRESS_0: '203.0.113.8/24 203.0.113.1', IP4_NUM_ADDRESSES: '1' }, ['--once', '--ip', '203.0.113.8']],
  ['up with only DHCP4_IP_ADDRESS', ['eth0', 'up'], { DHCP4_IP_ADDRESS: '203.0.113.9' }, ['--once', '--ip', '203.0.113.9']],
  ['up with no address in the environment', ['wg0', 'up'], {}, ['--once']],
  ['dhcp4-change', ['eth0', 'dhcp4-change'], { DHCP4_IP_ADDRESS: '198.51.100.5', IP4_ADDRESS_0: '198.51.100.5/24 198.51.100.1' }, ['--once', '--ip', '198.51.100.5']],
  ['dhcp6-change with DHCP6_IP6_ADDRESS', ['eth0', 'dhcp6-change'], { DHCP6_IP6_ADDRESS: '2001:db8::5' }, ['--once', '--ip', '2001:db8::5']],
  ['dhcp6-change without an address', ['eth0', 'dhcp6-change'], { IP6_ADDRESS_0: 'fe80::1/64 ::' }, ['--once']],
];

for (const [name, args, env, expected] of cases) {
  test(`NetworkManager ${name} → dispatcher runs hook → ddnsd ${expected.join(' ')}, detached`, async () => {
    const fake = await dispatch(args, env);
    try {
      assert.deepEqual(await fake.argv(10_000), expected);
    } finally {
      fake.cleanup();
    }
  });
}

test('NetworkManager actions that bring no address → dispatcher runs hook → ddnsd not run', async () => {
  const actions = ['pre-up', 'down', 'pre-down', 'vpn-up', 'hostname', 'connectivity-change', 'dns-change', 'reapply'];
  const fakes = await Promise.all(
    actions.map((a) => dispatch(['eth0', a], { IP4_ADDRESS_0: '203.0.113.8/24 203.0.113.1', CONNECTIVITY_STATE: 'FULL' })),
  );
  try {
    await sleep(1500); // a started ddnsd writes its argv within milliseconds
    for (const [i, f] of fakes.entries()) assert.equal(await f.argv(0), null, `ran for action ${actions[i]}`);
  } finally {
    for (const f of fakes) f.cleanup();
  }
});
