import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hookPath, makeFake, runHook } from './fake-ddnsd.js';

const hook = hookPath('pppd-ip-up');
// Debian's /etc/ppp/ip-up runs run-parts with pppd's six arguments and exports PPP_* copies.
const args = ['ppp0', '/dev/ttyS0', '115200', '198.51.100.20', '198.51.100.1', 'isp'];

async function scenario(env: Record<string, string>, argv: string[], expected: string[]) {
  const fake = makeFake();
  try {
    const run = await runHook([hook, ...argv], { ...env, DDNSD: fake.program });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fake.finished(), false, 'the hook waited for ddnsd to finish');
    assert.deepEqual(await fake.argv(10_000), expected);
  } finally {
    fake.cleanup();
  }
}

test('pppd ip-up via Debian wrapper (PPP_LOCAL) → hook runs → ddnsd --once --ip PPP_LOCAL, detached', async () => {
  await scenario(
    { PPP_IFACE: 'ppp0', PPP_LOCAL: '203.0.113.9', PPP_REMOTE: '198.51.100.1', IPLOCAL: '198.51.100.77' },
    args,
    ['--once', '--ip', '203.0.113.9'],
  );
});

test('pppd ip-up with only pppd environment (IPLOCAL) → hook runs → --ip IPLOCAL', async () => {
  await scenario({ IPLOCAL: '198.51.100.77', IFNAME: 'ppp0' }, args, ['--once', '--ip', '198.51.100.77']);
});

test('pppd ip-up with arguments only → hook runs → --ip argument 4', async () => {
  await scenario({}, args, ['--once', '--ip', '198.51.100.20']);
});

test('pppd ip-up with no address at all → hook runs → plain --once (ddnsd detects)', async () => {
  await scenario({}, [], ['--once']);
});
