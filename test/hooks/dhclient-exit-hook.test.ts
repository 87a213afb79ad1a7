import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hookPath, makeFake, runHook } from './fake-ddnsd.js';

const hook = hookPath('dhclient-exit-hook');

// dhclient-script sources its exit hooks with `.`, after setting exit_status; it carries on
// afterwards. This caller records the shell's variables and functions before and after, then
// proves it is still running and that exit_status is untouched.
const caller = `
exit_status=0
set > "$SNAP.before"
. "$HOOK"
hook_status=$?
set > "$SNAP.after"
echo "alive exit_status=$exit_status hook_status=$hook_status"
`;

async function source(env: Record<string, string>) {
  const fake = makeFake();
  try {
    const snap = `${fake.dir}/vars`;
    const run = await runHook(['sh', '-c', caller], { ...env, HOOK: hook, SNAP: snap, DDNSD: fake.program });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'alive exit_status=0 hook_status=0');
    const { readFileSync } = await import('node:fs');
    const before = readFileSync(`${snap}.before`, 'utf8');
    const after = readFileSync(`${snap}.after`, 'utf8').replace(/^hook_status=.*\n/m, '');
    assert.equal(after, before, 'the sourced hook left variables behind in dhclient-script');
    assert.equal(fake.finished(), false, 'the hook waited for ddnsd to finish');
    return { fake, argv: (ms: number) => fake.argv(ms) };
  } catch (e) {
    fake.cleanup();
    throw e;
  }
}

for (const reason of ['BOUND', 'RENEW', 'REBIND', 'REBOOT']) {
  test(`dhclient ${reason} with a new address → hook sourced → ddnsd --once --ip new_ip_address, detached, caller unchanged`, async () => {
    const { fake, argv } = await source({
      reason,
      interface: 'eth0',
      new_ip_address: '203.0.113.44',
      old_ip_address: '203.0.113.3',
    });
    try {
      assert.deepEqual(await argv(10_000), ['--once', '--ip', '203.0.113.44']);
    } finally {
      fake.cleanup();
    }
  });
}

for (const reason of ['BOUND6', 'RENEW6', 'REBIND6']) {
  test(`dhclient ${reason} with a new address → hook sourced → ddnsd --once --ip new_ip6_address`, async () => {
    const { fake, argv } = await source({ reason, interface: 'eth0', new_ip6_address: '2001:db8::44' });
    try {
      assert.deepEqual(await argv(10_000), ['--once', '--ip', '2001:db8::44']);
    } finally {
      fake.cleanup();
    }
  });
}

test('dhclient events that bring no new address → hook sourced → ddnsd not run', async () => {
  const cases: Record<string, string>[] = [
    { reason: 'PREINIT' },
    { reason: 'EXPIRE', old_ip_address: '203.0.113.3' },
    { reason: 'STOP', old_ip_address: '203.0.113.3' },
    { reason: 'RELEASE6', old_ip6_address: '2001:db8::44' },
    { reason: 'RENEW', new_ip_address: '203.0.113.3', old_ip_address: '203.0.113.3' },
    { reason: 'BOUND' },
  ];
  const runs = await Promise.all(cases.map((env) => source({ interface: 'eth0', ...env })));
  try {
    await sleep(1500); // a started ddnsd writes its argv within milliseconds
    for (const [i, r] of runs.entries()) assert.equal(await r.argv(0), null, `ran for ${JSON.stringify(cases[i])}`);
  } finally {
    for (const r of runs) r.fake.cleanup();
  }
});
