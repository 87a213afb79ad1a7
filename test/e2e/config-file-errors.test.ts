// A config file that cannot be read or parsed → exit 2 and one line:
// `config file FILE: <reason> (line:col)` — the reason and place, never the file's text (it
// may hold a secret).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';

const CANARY = 'CANARY-pw-d41c';

/** `ddnsd check` on `text` written as `name` → exit 2 and the one line of stderr. */
async function refused(name: string, text: string): Promise<{ file: string; line: string }> {
  const t = tempDir();
  try {
    const file = writeConfig(t.dir, text, name);
    const r = await runCli(['check', '-c', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(!r.stderr.includes(CANARY), `the file's text was printed: ${r.stderr}`);
    return { file, line: lines[0]! };
  } finally {
    t.cleanup();
  }
}

const broken: [string, string, string, string][] = [
  ['unclosed flow collection', 'config.yml', `providers: { dd: { type: dyndns2, password: ${CANARY} }\nrecords: []\n`, 'missed comma between flow collection entries (2:1)'],
  ['flow collection left open at the end', 'config.yml', `records: [ { name: home.example.com, password: ${CANARY} }\n`, 'unexpected end of the stream within a flow collection (2:1)'],
  ['bad indentation', 'config.yml', `providers:\n  dd:\n    type: dyndns2\n   password: ${CANARY}\n`, 'bad indentation of a mapping entry (4:4)'],
  ['a tab in the indentation', 'config.yml', `providers:\n\tdd: { password: ${CANARY} }\n`, 'tab characters must not be used in indentation (2:1)'],
  ['JSON with a trailing comma in an object', 'config.json', `{\n  "providers": { "dd": { "password": "${CANARY}", } }\n}\n`, "expected double-quoted property name (2:56)"],
  ['JSON with a trailing comma in a list', 'config.json', `{\n  "password": "${CANARY}",\n  "records": [\n    {},\n  ]\n}\n`, "unexpected token ']' (5:3)"],
];

for (const [what, name, text, reason] of broken) {
  test(`${what} → exit 2: config file FILE: ${reason}`, async () => {
    const { file, line } = await refused(name, text);
    assert.ok(line.endsWith(`config file ${file}: ${reason}`), line);
  });
}

test('config file is a directory → exit 2: is a directory', async () => {
  const t = tempDir();
  try {
    mkdirSync(join(t.dir, 'config.yml'));
    const r = await runCli(['check', '-c', join(t.dir, 'config.yml')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /config file \S+\/config\.yml: is a directory\n$/);
  } finally {
    t.cleanup();
  }
});

test('config file the user may not read → exit 2: permission denied', async () => {
  const t = tempDir();
  try {
    chmodSync(t.dir, 0o755);
    const file = writeConfig(t.dir, 'records: []\n'); // mode 0600, owned by root
    const r = await runCli(['check', '-c', file], { uid: 65534, gid: 65534 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /config file \S+\/config\.yml: permission denied\n$/);
  } finally {
    t.cleanup();
  }
});

test('config file that does not exist → exit 2: no such file', async () => {
  const r = await runCli(['check', '-c', '/nonexistent/ddnsd.yml']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /config file \/nonexistent\/ddnsd\.yml: no such file\n$/);
});
