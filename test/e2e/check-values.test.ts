// `ddnsd check` refuses values that would misbehave later, with one line that names the file and
// the key and says what to write instead — and never prints a secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, tempDir, writeConfig, type CliResult } from '../helpers/cli.js';

const base = {
  providers: { dd: { type: 'dyndns2', server: 'https://dyn.example.net', username: 'u', password: 'p' } },
  records: [{ name: 'home.example.com', provider: 'dd' }],
};

async function check(config: object | string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const t = tempDir();
  try {
    return await runCli(['check', '-c', writeConfig(t.dir, config)], { env });
  } finally {
    t.cleanup();
  }
}

/** check → exit 2 with exactly one error line matching `message`. */
async function refused(config: object | string, message: RegExp, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await check(config, env);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /config\.yml: /);
  assert.match(lines[0]!, message);
  return lines[0]!;
}

test('a duration without a unit (max_age: 25, timeout: 5, "25") → exit 2 asking for a unit', async () => {
  const yaml = 'max_age: 25\nproviders: { dd: { type: dyndns2, server: "https://dyn.example.net", username: u, password: p } }\nrecords: [ { name: home.example.com, provider: dd } ]\n';
  await refused(yaml, /max_age: expected a duration with a unit, such as 25d \(not a bare 25\)/);
  await refused({ ...base, max_age: '25' }, /max_age: expected a duration with a unit, such as 25d/);
  await refused({ ...base, detect: { ipv4: [{ type: 'static', address: '93.184.216.34', timeout: 5 }] } }, /detect\.ipv4\.0\.timeout: expected a duration with a unit/);
  await refused({ ...base, providers: { h: { type: 'rfc2136', server: '127.0.0.1', zone: 'example.com', timeout: 10 } }, records: [{ name: 'home.example.com', provider: 'h' }] }, /providers\.h\.timeout: expected a duration with a unit/);
  await refused({ ...base, max_age: '25 days' }, /max_age: expected a duration such as 30s, 5m, 1h or 25d, got "25 days"/);
  const ok = await check({ ...base, max_age: '25d', detect: { ipv4: [{ type: 'static', address: '93.184.216.34', timeout: '2s' }] } });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).max_age, '25d');
});

test('max_age below 1h → accepted with a warning that it would re-send nearly every run; 1h without one', async () => {
  const short = await check({ ...base, max_age: '59m' });
  assert.equal(short.code, 0, short.stderr);
  assert.match(short.stderr, /max_age 59m is short: .*re-sent nearly every run.*block accounts/);
  assert.equal(JSON.parse(short.stdout).max_age, '59m');
  const ok = await check({ ...base, max_age: '1h' });
  assert.equal(ok.code, 0, ok.stderr);
  assert.doesNotMatch(ok.stderr, /is short/);
  assert.equal(JSON.parse(ok.stdout).max_age, '1h');
});

test('a schedule that run refuses ("*/5 * * *", "61 * * * *") → check exits 2 with the same message as run', async () => {
  for (const schedule of ['*/5 * * *', '61 * * * *']) {
    const t = tempDir();
    try {
      const file = writeConfig(t.dir, { ...base, schedule, state: `${t.dir}/state.json` });
      const checked = await runCli(['check', '-c', file]);
      const ran = await runCli(['run', '-c', file]);
      assert.equal(checked.code, 2, checked.stderr);
      assert.equal(ran.code, 2, ran.stderr);
      const message = (r: CliResult) => r.stderr.replace(/^\S+ error\s+/, '').trim();
      assert.match(message(checked), new RegExp(`config\\.yml: schedule: "${schedule.replace(/\*/g, '\\*')}" is not a cron expression \\(.+\\); e\\.g\\. "\\*/5 \\* \\* \\* \\*"$`));
      assert.equal(message(checked), message(ran));
    } finally {
      t.cleanup();
    }
  }
  const ok = await check({ ...base, schedule: '*/10 * * * *' });
  assert.equal(ok.code, 0, ok.stderr);
});

test('a secret of the wrong YAML type (password: 123456789 unquoted) → exit 2 naming the type, never the value', async () => {
  const yaml = (password: string) =>
    `providers:\n  dd: { type: dyndns2, server: "https://dyn.example.net", username: u, password: ${password} }\nrecords: [ { name: home.example.com, provider: dd } ]\n`;
  let line = await refused(yaml('123456789'), /providers\.dd\.password: expected a string, got a number — quote it$/);
  assert.ok(!line.includes('123456789'), line);
  line = await refused(yaml('[ 987654321 ]'), /providers\.dd\.password: expected a string, got a list$/);
  assert.ok(!line.includes('987654321'), line);
  await refused(yaml(''), /providers\.dd\.password: expected a string, got an empty value$/);
  await refused({ ...base, records: [{ name: 'home.example.com', provider: 'dd', ttl: '300' }] }, /records\.0\.ttl: expected a number, got a string$/);
  await refused({ ...base, log: { level: 'verbose' } }, /log\.level: expected one of \("error" \| "warn" \| "info" \| "debug"\), got "verbose"$/);
});

test('a secret from an empty environment variable (password: ${DD_PW}, DD_PW="") → exit 2 naming DD_PW', async () => {
  const config = { ...base, providers: { dd: { ...base.providers.dd, password: '${DD_PW}' } } };
  await refused(config, /providers\.dd\.password: must not be empty \(environment variable DD_PW is set but empty\)$/, { DD_PW: '' });
  const unset = await check(config);
  assert.equal(unset.code, 2);
  assert.match(unset.stderr, /providers\.dd\.password: environment variable DD_PW is not set/);
  const set = await check(config, { DD_PW: 'pw' });
  assert.equal(set.code, 0, set.stderr);
});
